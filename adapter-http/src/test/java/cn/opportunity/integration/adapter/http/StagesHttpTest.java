package cn.opportunity.integration.adapter.http;

import static cn.opportunity.integration.adapter.http.ApiHarness.OMS;
import static cn.opportunity.integration.adapter.http.ApiHarness.assertRefused;
import static cn.opportunity.integration.adapter.http.ApiHarness.body;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.LostReason;
import cn.opportunity.integration.domain.dictionary.SalesFlow;
import cn.opportunity.integration.domain.dictionary.Stage;
import cn.opportunity.integration.domain.dictionary.StageKind;
import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CONTRACT.md §5.7 over HTTP: the dictionary in force, for callers. */
class StagesHttpTest {
  static final String STAGES = "/api/opportunities/stages";

  @Test
  void answersTheFlowsStagesAndLostReasonsInForce() throws Exception {
    DictionarySnapshot snapshot =
        new DictionarySnapshot(
            List.of(
                new SalesFlow(
                    "88",
                    "项目型销售",
                    List.of(
                        new Stage(new StageCode("101"), "初步接洽", StageKind.IN_PROGRESS, 1, true),
                        new Stage(new StageCode("102"), "中标", StageKind.WON, 2, true),
                        new Stage(new StageCode("103"), "丢单", StageKind.LOST, 3, false)))),
            List.of(new LostReason("7", "价格太高", true), new LostReason("8", "旧原因", false)),
            ApiHarness.CLOCK.instant().minusSeconds(12));
    try (ApiHarness api =
        new ApiHarness(new InMemoryOpportunityStore(), FakeFlowDictionary.loaded(snapshot))) {
      JsonNode data = body(api.send(api.get(STAGES, OMS)), 200).get("data");
      assertEquals("local", data.get("source").asText());
      assertEquals(12, data.get("snapshotAgeSeconds").asLong());
      JsonNode flow = data.get("flows").get(0);
      assertEquals("88", flow.get("id").asText());
      assertEquals("项目型销售", flow.get("name").asText());
      assertEquals(
          "{\"code\":\"101\",\"name\":\"初步接洽\",\"kind\":\"in_progress\",\"rank\":1,\"enabled\":true}",
          flow.get("stages").get(0).toString());
      assertEquals("won", flow.get("stages").get(1).get("kind").asText());
      assertEquals(false, flow.get("stages").get(2).get("enabled").asBoolean());
      assertEquals(
          "[{\"id\":\"7\",\"name\":\"价格太高\",\"enabled\":true},{\"id\":\"8\",\"name\":\"旧原因\",\"enabled\":false}]",
          data.get("lostReasons").toString());
      assertRefused(api.send(api.get(STAGES, "wrong")), 401, "内部接口鉴权失败");
    }
  }

  @Test
  void answersServiceUnavailableWhileNoDictionaryIsLoaded() throws Exception {
    try (ApiHarness api =
        new ApiHarness(new InMemoryOpportunityStore(), FakeFlowDictionary.neverLoaded())) {
      assertRefused(api.send(api.get(STAGES, OMS)), 503, "项目阶段字典暂不可用");
    }
  }
}

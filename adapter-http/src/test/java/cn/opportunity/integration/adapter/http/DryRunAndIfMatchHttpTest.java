package cn.opportunity.integration.adapter.http;

import static cn.opportunity.integration.adapter.http.ApiHarness.API;
import static cn.opportunity.integration.adapter.http.ApiHarness.OMS;
import static cn.opportunity.integration.adapter.http.ApiHarness.assertRefused;
import static cn.opportunity.integration.adapter.http.ApiHarness.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.HistoryPage;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import cn.opportunity.integration.domain.testing.Opportunities;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CONTRACT.md §5.3 (X-Dry-Run) and §5.4 (ETag, If-Match) over HTTP. */
class DryRunAndIfMatchHttpTest {
  static final String CODE = "OPP-20260401-001";
  static final String UPDATE = API + "/update";

  InMemoryOpportunityStore store = new InMemoryOpportunityStore();
  FakeFlowDictionary dictionary = FakeFlowDictionary.loaded(ApiHarness.CLOCK.instant());
  ApiHarness api;

  @BeforeEach
  void start() {
    store.importAll(List.of(Opportunities.anOpportunity().code(CODE).build()), List.of());
    api = new ApiHarness(store, dictionary);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  static String json(String members) {
    return "{\"opportunityCode\":\"" + CODE + "\"," + members + "}";
  }

  HttpResponse<String> put(String members, String... headers) throws Exception {
    return api.send(api.put(UPDATE, json(members), OMS, headers));
  }

  /** The opportunity and its whole history: what a write that writes nothing leaves as it was. */
  record State(Opportunity opportunity, HistoryPage history) {}

  State state() {
    OpportunityCode code = new OpportunityCode(CODE);
    return new State(
        store.findByCode(code).orElseThrow(), store.history(code, Long.MAX_VALUE, 100).get());
  }

  // --- ETag and If-Match ---------------------------------------------------------------------

  @Test
  void answersTheVersionAsETagOnReadAndUpdate() throws Exception {
    HttpResponse<String> read = api.send(api.get(API + "/" + CODE, OMS));
    assertEquals("\"1\"", read.headers().firstValue("ETag").orElseThrow());
    HttpResponse<String> updated = put("\"source\":\"展会\"");
    assertEquals("\"2\"", updated.headers().firstValue("ETag").orElseThrow());
    HttpResponse<String> unchanged = put("\"source\":\"展会\"");
    assertEquals("\"2\"", unchanged.headers().firstValue("ETag").orElseThrow(), "nothing changed");
  }

  @Test
  void appliesAnUpdateOnlyToTheVersionItNames() throws Exception {
    body(put("\"source\":\"一\"", "If-Match", "\"1\""), 200);
    State before = state();
    HttpResponse<String> stale = put("\"source\":\"二\"", "If-Match", "\"1\"");
    JsonNode refused = body(stale, 412);
    assertEquals("-1", refused.get("code").asText());
    assertEquals("商机已被他人修改", refused.get("msg").asText());
    assertEquals(2, refused.get("data").get("version").asLong(), stale.body());
    assertEquals(before, state(), "a refused update changes and records nothing");
    body(put("\"source\":\"二\"", "If-Match", "\"2\""), 200);
    body(put("\"source\":\"三\"", "If-Match", "*"), 200);
    assertEquals("三", api.stored(CODE).details().source());
  }

  @Test
  void checksExistenceAndEveryRuleBeforeTheVersion() throws Exception {
    assertRefused(
        api.send(
            api.put(
                UPDATE,
                "{\"opportunityCode\":\"NOPE\",\"source\":\"x\"}",
                OMS,
                "If-Match",
                "\"7\"")),
        404,
        "商机不存在");
    assertRefused(
        api.send(
            api.put(
                UPDATE, "{\"opportunityCode\":\"NOPE\",\"source\":\"x\"}", OMS, "If-Match", "*")),
        404,
        "商机不存在");
    assertRefused(put("\"stage\":\"nope\"", "If-Match", "\"7\""), 400, "项目阶段无效: nope");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"1", "W/\"1\"", "\"1\", \"2\"", "\"-1\"", "\"1.0\"", "\"\"", "\"a\"", "**", "'1'"})
  void refusesAMalformedIfMatch(String ifMatch) throws Exception {
    State before = state();
    assertRefused(put("\"source\":\"x\"", "If-Match", ifMatch), 400, "If-Match 格式无效");
    assertEquals(before, state());
  }

  @Test
  void takesAVersionNoOpportunityHasAsAMismatch() throws Exception {
    assertEquals(412, put("\"source\":\"x\"", "If-Match", "\"0\"").statusCode());
    assertEquals(
        412, put("\"source\":\"x\"", "If-Match", "\"99999999999999999999999\"").statusCode());
  }

  // --- X-Dry-Run -----------------------------------------------------------------------------

  @Test
  void answersTheWouldBeVersionAndChangesAndWritesNothing() throws Exception {
    State before = state();
    HttpResponse<String> dry =
        put("\"stage\":\"won\",\"amount\":2800000,\"source\":null", "X-Dry-Run", "true");
    JsonNode data = body(dry, 200).get("data");
    assertEquals(api.stored(CODE).id().value(), data.get("id").asLong());
    assertEquals(2, data.get("version").asLong());
    assertEquals("negotiation", data.get("changes").get("stage").get("from").asText());
    assertEquals("won", data.get("changes").get("stage").get("to").asText());
    assertTrue(dry.body().contains("\"to\":2800000.00"), dry.body());
    assertEquals(2, data.get("changes").size());
    assertEquals("\"1\"", dry.headers().firstValue("ETag").orElseThrow(), "the stored version");
    assertEquals(before, state());
  }

  @Test
  void answersNoChangesForADryRunThatWouldChangeNothing() throws Exception {
    JsonNode data = body(put("\"stage\":\"negotiation\"", "X-Dry-Run", "true"), 200).get("data");
    assertEquals(1, data.get("version").asLong());
    assertEquals("{}", data.get("changes").toString());
  }

  @Test
  void refusesADryRunExactlyAsTheUpdate() throws Exception {
    State before = state();
    for (String[] headers :
        List.of(new String[] {"X-Dry-Run", "true"}, new String[] {"X-Request-Id", "real"})) {
      assertRefused(put("\"stage\":\"nope\"", headers), 400, "项目阶段无效: nope");
      assertRefused(
          api.send(
              api.put(UPDATE, "{\"opportunityCode\":\"NOPE\",\"source\":\"x\"}", OMS, headers)),
          404,
          "商机不存在");
      assertRefused(api.send(api.put(UPDATE, "[1]", OMS, headers)), 400, "请求体不是有效的 JSON 对象");
      assertRefused(put("\"stage\":\"nope\"", headers), 400, "项目阶段无效: nope");
    }
    body(put("\"source\":\"一\""), 200);
    State afterOne = state();
    JsonNode stale = body(put("\"source\":\"二\"", "X-Dry-Run", "true", "If-Match", "\"1\""), 412);
    assertEquals(2, stale.get("data").get("version").asLong());
    body(put("\"source\":\"二\"", "X-Dry-Run", "true", "If-Match", "\"2\""), 200);
    assertEquals(afterOne, state());
    assertEquals(before.history().items().size() + 1, afterOne.history().items().size());
  }

  @Test
  void answersServiceUnavailableForADryRunWithAStageAndNoDictionary() throws Exception {
    api.close();
    api = new ApiHarness(store, FakeFlowDictionary.neverLoaded());
    assertRefused(put("\"stage\":\"won\"", "X-Dry-Run", "true"), 503, "项目阶段字典暂不可用");
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes", "TRUE", "True", "false", "1", "", "true, true"})
  void refusesAnyOtherDryRunValue(String value) throws Exception {
    State before = state();
    assertRefused(put("\"source\":\"x\"", "X-Dry-Run", value), 400, "X-Dry-Run 仅支持 true");
    assertEquals(before, state());
  }
}

package cn.opportunity.integration.adapter.http;

import static cn.opportunity.integration.adapter.http.ApiHarness.API;
import static cn.opportunity.integration.adapter.http.ApiHarness.ERP;
import static cn.opportunity.integration.adapter.http.ApiHarness.OMS;
import static cn.opportunity.integration.adapter.http.ApiHarness.assertRefused;
import static cn.opportunity.integration.adapter.http.ApiHarness.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import cn.opportunity.integration.domain.testing.Opportunities;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CONTRACT.md §5.1 and §5.2 over HTTP: named callers and the history endpoint. */
class ChangeHistoryHttpTest {
  static final String CODE = "OPP-20260401-001";
  static final String HISTORY = API + "/" + CODE + "/history";

  ApiHarness api;

  @BeforeEach
  void start() {
    InMemoryOpportunityStore store = new InMemoryOpportunityStore();
    store.importAll(List.of(Opportunities.anOpportunity().code(CODE).build()), List.of());
    api = new ApiHarness(store, FakeFlowDictionary.loaded(ApiHarness.CLOCK.instant()));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  HttpResponse<String> update(String members, String secret, String requestId) throws Exception {
    return api.send(
        api.put(
            API + "/update",
            "{\"opportunityCode\":\"" + CODE + "\"," + members + "}",
            secret,
            "X-Request-Id",
            requestId));
  }

  @Test
  void recordsWhoChangedWhatWithTheRequestThatCarriedIt() throws Exception {
    body(update("\"stage\":\"赢单\",\"amount\":\"2800000\"", OMS, "req-oms-1"), 200);
    body(update("\"source\":\"展会\"", ERP, "req-erp-1"), 200);

    JsonNode data = body(api.send(api.get(HISTORY, ERP)), 200).get("data");
    JsonNode items = data.get("items");
    assertEquals(3, items.size(), data.toString());
    JsonNode erp = items.get(0);
    assertEquals(3, erp.get("version").asLong());
    assertEquals("erp", erp.get("caller").asText());
    assertEquals("req-erp-1", erp.get("requestId").asText());
    assertEquals("update", erp.get("source").asText());
    assertEquals("2026-04-30T02:00:00Z", erp.get("at").asText());
    assertTrue(erp.get("changes").get("source").get("from").isNull());
    assertEquals("展会", erp.get("changes").get("source").get("to").asText());
    JsonNode oms = items.get(1);
    assertEquals("oms", oms.get("caller").asText());
    assertEquals(List.of("amount", "stage"), names(oms.get("changes")));
    assertEquals("negotiation", oms.get("changes").get("stage").get("from").asText());
    assertEquals("won", oms.get("changes").get("stage").get("to").asText());
    assertTrue(
        api.send(api.get(HISTORY, ERP))
            .body()
            .contains("\"amount\":{\"from\":1500000.00,\"to\":2800000.00}"),
        "the amount as §2 writes it");
    JsonNode created = items.get(2);
    assertEquals("import", created.get("caller").asText());
    assertTrue(created.get("requestId").isNull());
    assertEquals("import", created.get("source").asText());
    assertTrue(data.get("nextBefore").isNull());
  }

  @Test
  void neverShowsASecretInTheHistory() throws Exception {
    body(update("\"source\":\"展会\"", OMS, "req-1"), 200);
    String history = api.send(api.get(HISTORY, OMS)).body();
    assertTrue(!history.contains(OMS) && !history.contains(ERP), history);
  }

  @Test
  void recordsNothingForAnUpdateThatChangesNothingOrIsRefused() throws Exception {
    body(update("\"stage\":\"negotiation\"", OMS, "same"), 200);
    assertRefused(update("\"stage\":\"nope\"", OMS, "bad"), 400, "项目阶段无效: nope");
    JsonNode items = body(api.send(api.get(HISTORY, OMS)), 200).get("data").get("items");
    assertEquals(1, items.size(), items.toString());
  }

  @Test
  void pagesNewestFirstWithNextBefore() throws Exception {
    for (int i = 1; i <= 24; i++) body(update("\"source\":\"第" + i + "次\"", OMS, "r" + i), 200);
    JsonNode first = body(api.send(api.get(HISTORY, OMS)), 200).get("data");
    assertEquals(20, first.get("items").size(), "20 by default");
    assertEquals(25, first.get("items").get(0).get("version").asLong());
    assertEquals(6, first.get("nextBefore").asLong());
    JsonNode rest = body(api.send(api.get(HISTORY + "?limit=100&before=6", OMS)), 200).get("data");
    List<Long> versions = new ArrayList<>();
    rest.get("items").forEach(item -> versions.add(item.get("version").asLong()));
    assertEquals(List.of(5L, 4L, 3L, 2L, 1L), versions);
    assertTrue(rest.get("nextBefore").isNull());
    JsonNode one = body(api.send(api.get(HISTORY + "?limit=1", OMS)), 200).get("data");
    assertEquals(1, one.get("items").size());
    assertEquals(25, one.get("nextBefore").asLong());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "limit=0",
        "limit=101",
        "limit=-1",
        "limit=abc",
        "limit=",
        "limit=1.5",
        "limit=%2B5",
        "limit=5&limit=6",
        "before=abc",
        "before=0",
        "before=-3",
        "before=",
        "before=99999999999999999999",
        "before=9223372036854775808"
      })
  void refusesABadLimitOrBefore(String query) throws Exception {
    assertRefused(api.send(api.get(HISTORY + "?" + query, OMS)), 400, "分页参数无效");
  }

  @Test
  void answersNotFoundForAnUnknownCodeAndNeedsTheSecret() throws Exception {
    assertRefused(api.send(api.get(API + "/NOPE/history", OMS)), 404, "商机不存在");
    assertRefused(api.send(api.get(HISTORY, "wrong")), 401, "内部接口鉴权失败");
  }

  static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}

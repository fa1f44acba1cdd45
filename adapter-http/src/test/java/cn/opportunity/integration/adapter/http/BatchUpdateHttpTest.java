package cn.opportunity.integration.adapter.http;

import static cn.opportunity.integration.adapter.http.ApiHarness.API;
import static cn.opportunity.integration.adapter.http.ApiHarness.JSON;
import static cn.opportunity.integration.adapter.http.ApiHarness.OMS;
import static cn.opportunity.integration.adapter.http.ApiHarness.assertRefused;
import static cn.opportunity.integration.adapter.http.ApiHarness.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.HistoryEntry;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.ForwardingOpportunityStore;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import cn.opportunity.integration.domain.testing.Opportunities;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CONTRACT.md §5.5 over HTTP: one answer per item, each exactly as the single update's. */
class BatchUpdateHttpTest {
  static final String BATCH = API + "/batch-update";
  static final List<String> CODES = List.of("B-1", "B-2", "B-3");

  final List<ApiHarness> started = new ArrayList<>();

  ApiHarness api(OpportunityStore store) {
    store.importAll(
        CODES.stream().map(code -> Opportunities.anOpportunity().code(code).build()).toList(),
        List.of());
    ApiHarness api = new ApiHarness(store, FakeFlowDictionary.loaded(ApiHarness.CLOCK.instant()));
    started.add(api);
    return api;
  }

  @AfterEach
  void stop() {
    started.forEach(ApiHarness::close);
  }

  /** Items of every kind: accepted, refused at each step, repeated codes, not objects. */
  static final List<String> ITEMS =
      List.of(
          "{\"opportunityCode\":\"B-1\",\"source\":\"一\"}",
          "{\"opportunityCode\":\"NOPE\",\"source\":\"x\"}",
          "{\"opportunityCode\":\"B-2\",\"stage\":\"nope\",\"amount\":0}",
          "{\"opportunityCode\":\"B-2\"}",
          "{\"source\":\"x\"}",
          "{\"opportunityCode\":\"B-2\",\"customerName\":\"x\",\"foo\":1}",
          "{\"opportunityCode\":\"B-1\",\"source\":\"二\",\"stage\":\"赢单\"}",
          "{\"opportunityCode\":\"B-3\",\"stage\":\"negotiation\"}",
          "{\"opportunityCode\":\"B-3\",\"amount\":\"12.345\",\"archived\":\"yes\"}",
          "{\"opportunityCode\":\"B-2\",\"source\":\"a\",\"source\":\"b\"}");

  @Test
  void answersEachItemExactlyAsTheSingleUpdateWouldInOrder() throws Exception {
    ApiHarness batch = api(new InMemoryOpportunityStore());
    ApiHarness single = api(new InMemoryOpportunityStore());
    List<String> items = new ArrayList<>(ITEMS);
    items.add("5");
    items.add("[{\"opportunityCode\":\"B-1\"}]");
    items.add("null");
    items.add("{\"opportunityCode\":\"B-1\",\"description\":\"\\ud800\"}");
    JsonNode answers =
        body(batch.send(batch.put(BATCH, "[" + String.join(",", items) + "]", OMS)), 200);
    assertEquals("0", answers.get("code").asText());
    assertEquals(items.size(), answers.get("data").size(), answers.toString());
    for (int i = 0; i < items.size(); i++) {
      HttpResponse<String> alone = single.send(single.put(API + "/update", items.get(i), OMS));
      assertEquals(JSON.readTree(alone.body()), answers.get("data").get(i), "item " + i);
    }
    for (String code : CODES)
      assertEquals(single.stored(code), batch.stored(code), "the same state after both");
    assertEquals("二", batch.stored("B-1").details().source(), "two items of one code, in order");
    assertEquals(3, batch.stored("B-1").version().value());
  }

  @Test
  void recordsEachChangeWithTheSourceBatch() throws Exception {
    ApiHarness api = api(new InMemoryOpportunityStore());
    body(
        api.send(
            api.put(
                BATCH,
                "[{\"opportunityCode\":\"B-1\",\"source\":\"一\"},{\"opportunityCode\":\"B-2\",\"source\":\"二\"}]",
                OMS,
                "X-Request-Id",
                "batch-7")),
        200);
    for (String code : List.of("B-1", "B-2")) {
      HistoryEntry entry =
          api.store.history(new OpportunityCode(code), Long.MAX_VALUE, 1).get().items().get(0);
      assertEquals("batch", entry.source().code());
      assertEquals("oms", entry.caller());
      assertEquals("batch-7", entry.requestId());
    }
  }

  @Test
  void rehearsesEveryItemWithADryRunAndWritesNothing() throws Exception {
    ApiHarness api = api(new InMemoryOpportunityStore());
    JsonNode data =
        body(
                api.send(
                    api.put(
                        BATCH,
                        "[{\"opportunityCode\":\"B-1\",\"stage\":\"won\"},{\"opportunityCode\":\"NOPE\",\"source\":\"x\"}]",
                        OMS,
                        "X-Dry-Run",
                        "true")),
                200)
            .get("data");
    assertEquals(2, data.get(0).get("data").get("version").asLong());
    assertEquals("won", data.get(0).get("data").get("changes").get("stage").get("to").asText());
    assertEquals("商机不存在", data.get(1).get("msg").asText());
    assertEquals(1, api.stored("B-1").version().value());
  }

  @Test
  void neverFailsAnItemForItsNeighboursFailure() throws Exception {
    ApiHarness api = api(new StoreFailingFor("B-2"));
    JsonNode data =
        body(
                api.send(
                    api.put(
                        BATCH,
                        "[{\"opportunityCode\":\"B-1\",\"source\":\"一\"},{\"opportunityCode\":\"B-2\",\"source\":\"二\"},{\"opportunityCode\":\"B-3\",\"source\":\"三\"}]",
                        OMS)),
                200)
            .get("data");
    assertEquals("0", data.get(0).get("code").asText());
    assertEquals("系统繁忙，请稍后重试", data.get(1).get("msg").asText());
    assertEquals("0", data.get(2).get("code").asText());
    assertEquals("一", api.stored("B-1").details().source());
    assertEquals("三", api.stored("B-3").details().source());
    assertEquals(1, api.stored("B-2").version().value());
  }

  @Test
  void refusesAWholeRequestThatIsNotABatchAndChangesNothing() throws Exception {
    ApiHarness api = api(new InMemoryOpportunityStore());
    String item = "{\"opportunityCode\":\"B-1\",\"source\":\"x\"}";
    for (String notAnArray : List.of("{}", item, "\"[]\"", "[", "[1,]", "[] []", "", "nul"))
      assertRefused(api.send(api.put(BATCH, notAnArray, OMS)), 400, "请求体不是有效的 JSON 数组");
    assertRefused(api.send(api.put(BATCH, "[]", OMS)), 400, "批量更新条数应为 1 到 500");
    String tooMany = "[" + String.join(",", java.util.Collections.nCopies(501, item)) + "]";
    assertRefused(api.send(api.put(BATCH, tooMany, OMS)), 400, "批量更新条数应为 1 到 500");
    String largest = "[" + String.join(",", java.util.Collections.nCopies(500, item)) + "]";
    String padded = largest + " ".repeat(4 * 1024 * 1024 + 1 - largest.length());
    assertRefused(api.send(api.put(BATCH, padded, OMS)), 413, "请求体过大");
    assertRefused(
        api.send(api.put(BATCH, "[" + item + "]", OMS, "If-Match", "\"1\"")),
        400,
        "批量更新不支持 If-Match");
    assertRefused(
        api.send(api.put(BATCH, "[" + item + "]", OMS, "X-Dry-Run", "yes")),
        400,
        "X-Dry-Run 仅支持 true");
    assertRefused(
        api.send(
            api.request(BATCH)
                .header("X-Internal-Secret", OMS)
                .header("Content-Type", "text/plain")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("[" + item + "]"))),
        415,
        "Content-Type 必须为 application/json");
    assertRefused(api.send(api.put(BATCH, "[" + item + "]", "wrong")), 401, "内部接口鉴权失败");
    assertEquals(1, api.stored("B-1").version().value());
    assertEquals(
        1, api.store.history(new OpportunityCode("B-1"), Long.MAX_VALUE, 10).get().items().size());
  }

  /**
   * A batch of 4 MiB + 1 byte from a client that writes it whole before it reads (the JDK's does):
   * the 413 leaves at once and the rest of the body is read and dropped after it, so the client
   * gets the answer, never a reset (CI saw the JDK client lose it when only 1 MiB was dropped).
   */
  @Test
  void answersABatchJustOverTheLimitToAClientThatWritesItWholeBeforeReading() throws Exception {
    ApiHarness api = api(new InMemoryOpportunityStore());
    String item = "[{\"opportunityCode\":\"B-1\",\"source\":\"x\"}]";
    byte[] body =
        (item + " ".repeat(BatchEndpoint.MAX_BODY_BYTES + 1 - item.length()))
            .getBytes(StandardCharsets.UTF_8);
    String head =
        "PUT "
            + BATCH
            + " HTTP/1.1\r\nHost: x\r\nX-Internal-Secret: "
            + OMS
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";
    String answer = api.sendWholeThenRead(head, body);
    assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
    assertTrue(
        answer.endsWith("\r\n\r\n{\"code\":\"-1\",\"msg\":\"请求体过大\",\"data\":null}"), answer);
    assertEquals(1, api.stored("B-1").version().value());
  }

  @Test
  void takesFiveHundredItems() throws Exception {
    ApiHarness api = api(new InMemoryOpportunityStore());
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 500; i++)
      items.add("{\"opportunityCode\":\"B-" + (1 + i % 3) + "\",\"source\":\"第" + i + "次\"}");
    JsonNode data =
        body(api.send(api.put(BATCH, "[" + String.join(",", items) + "]", OMS)), 200).get("data");
    assertEquals(500, data.size());
    data.forEach(answer -> assertEquals("0", answer.get("code").asText(), answer.toString()));
    assertEquals("第498次", api.stored("B-1").details().source());
    assertTrue(api.stored("B-1").version().value() == 168, "every item applied, in order");
  }

  /** The in-memory store, but every write of one code fails as a broken store would. */
  static final class StoreFailingFor extends ForwardingOpportunityStore {
    private final OpportunityCode failing;

    StoreFailingFor(String failing) {
      super(new InMemoryOpportunityStore());
      this.failing = new OpportunityCode(failing);
    }

    @Override
    public Opportunity update(
        OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
      if (code.equals(failing)) throw new IllegalStateException("injected: the row is unreadable");
      return inner.update(code, origin, change);
    }

    @Override
    public CompletionStage<Opportunity> updateLater(
        OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
      if (code.equals(failing))
        return CompletableFuture.failedFuture(new IllegalStateException("injected"));
      return inner.updateLater(code, origin, change);
    }
  }
}

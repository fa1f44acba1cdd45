package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.adapter.persistence.testing.PostgresServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CONTRACT §6 in one JVM: two instances of the real service on one private PostgreSQL database,
 * selected by {@code OPP_DB_URL}; the {@code import} command writes into it.
 */
class ServiceOverPostgresTest {
  static final String CODE = "PG-1";

  @TempDir Path dirOne;
  @TempDir Path dirTwo;
  ServiceHarness one;
  ServiceHarness two;

  @BeforeEach
  void startTwoInstancesOnOneDatabase() throws Exception {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    one = onDatabase(new ServiceHarness(dirOne), db);
    two = onDatabase(new ServiceHarness(dirTwo), db);
    one.importLines(
        "{\"opportunityCode\":\""
            + CODE
            + "\",\"opportunityName\":\"智慧园区二期\",\"amount\":1500000,\"stage\":\"negotiation\"}");
    one.start();
    two.start();
  }

  private static ServiceHarness onDatabase(ServiceHarness service, PostgresServer.Database db) {
    service.environment.put("OPP_DB_URL", db.url());
    service.environment.put("OPP_DB_USER", db.user());
    service.environment.put("OPP_DB_PASSWORD", db.password());
    service.environment.put("OPP_DB_POOL_SIZE", "4");
    return service;
  }

  @AfterEach
  void stop() {
    if (one != null) one.close();
    if (two != null) two.close();
  }

  @Test
  void showsItsConnectionPoolInItsMetrics() {
    HttpResponse<String> metrics = one.send(HttpRequest.newBuilder(one.uri("/metrics")));
    assertEquals(200, metrics.statusCode(), metrics.body());
    for (String family :
        List.of(
            "hikaricp_connections_active{pool=\"opp-postgres\"}",
            "hikaricp_connections_pending{pool=\"opp-postgres\"}",
            "hikaricp_connections_max{pool=\"opp-postgres\"}",
            "hikaricp_connections_acquire_seconds_count{pool=\"opp-postgres\"}"))
      assertTrue(metrics.body().contains(family), family + " missing:\n" + metrics.body());
  }

  /**
   * Free text is stored as sent on PostgreSQL too, U+0000 (which its text cannot hold) included; a
   * code holding one is not found (404), as on SQLite — never a 500.
   */
  @Test
  void storesTextHoldingU0000AsSentAndFindsNoCodeHoldingOne() {
    HttpResponse<String> answer =
        one.put(
            "{\"opportunityCode\":\""
                + CODE
                + "\",\"description\":\"a\\u0000b\\uffff0\",\"source\":\"\\u0000\"}");
    assertEquals(200, answer.statusCode(), answer.body());
    JsonNode stored = two.stored(CODE);
    assertEquals("a\u0000b\uffff0", stored.get("description").asText());
    assertEquals("\u0000", stored.get("source").asText());
    HttpResponse<String> unknown = one.put("{\"opportunityCode\":\"PG\\u00001\",\"source\":\"x\"}");
    assertEquals(404, unknown.statusCode(), unknown.body());
    assertEquals("商机不存在", ServiceHarness.json(unknown.body()).get("msg").asText());
  }

  @Test
  void servesWhatTheOtherInstanceWroteWithItsHistory() {
    HttpResponse<String> answer =
        one.put("{\"opportunityCode\":\"" + CODE + "\",\"stage\":\"won\",\"status\":\"won\"}");
    assertEquals(200, answer.statusCode(), answer.body());
    JsonNode stored = two.stored(CODE);
    assertEquals("won", stored.get("stage").asText());
    assertEquals(2, stored.get("version").asLong());
    HttpResponse<String> history =
        two.send(
            HttpRequest.newBuilder(
                    two.uri("/api/opportunities/integration/" + CODE + "/history?limit=10"))
                .header("X-Internal-Secret", ServiceHarness.SECRET));
    assertEquals(200, history.statusCode(), history.body());
    JsonNode items = ServiceHarness.json(history.body()).get("data").get("items");
    assertEquals(2, items.size(), items.toString());
    assertEquals(2, items.get(0).get("version").asLong());
  }

  @Test
  void letsOneOfTwoCallersOnDifferentInstancesHoldingTheSameVersionWin() {
    int rounds = 12;
    for (int round = 0; round < rounds; round++) {
      String etag =
          one.send(
                  HttpRequest.newBuilder(one.uri("/api/opportunities/integration/" + CODE))
                      .header("X-Internal-Secret", ServiceHarness.SECRET))
              .headers()
              .firstValue("ETag")
              .orElseThrow();
      String first = "{\"opportunityCode\":\"" + CODE + "\",\"source\":\"甲" + round + "\"}";
      String second = "{\"opportunityCode\":\"" + CODE + "\",\"operatorName\":\"乙" + round + "\"}";
      CompletableFuture<HttpResponse<String>> viaOne =
          CompletableFuture.supplyAsync(() -> one.send(ifMatch(one, first, etag)));
      CompletableFuture<HttpResponse<String>> viaTwo =
          CompletableFuture.supplyAsync(() -> two.send(ifMatch(two, second, etag)));
      List<Integer> statuses = List.of(viaOne.join().statusCode(), viaTwo.join().statusCode());
      assertTrue(
          statuses.contains(200) && statuses.contains(412),
          "one wins, one is refused: " + statuses);
    }
    assertEquals(1 + rounds, two.stored(CODE).get("version").asLong());
  }

  private static HttpRequest.Builder ifMatch(ServiceHarness service, String body, String etag) {
    return HttpRequest.newBuilder(service.uri("/api/opportunities/integration/update"))
        .header("Content-Type", "application/json")
        .header("X-Internal-Secret", ServiceHarness.SECRET)
        .header("If-Match", etag)
        .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
  }

  @Test
  void losesNoUpdateOfClientsSpreadOverBothInstances() throws Exception {
    int updates = 24;
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < updates; i++) {
        ServiceHarness instance = i % 2 == 0 ? one : two;
        String body = "{\"opportunityCode\":\"" + CODE + "\",\"description\":\"第 " + i + " 次回写\"}";
        answers.add(clients.submit(() -> instance.put(body)));
      }
      for (Future<HttpResponse<String>> answer : answers)
        assertEquals(200, answer.get().statusCode(), answer.get().body());
    } finally {
      clients.shutdownNow();
    }
    JsonNode stored = one.stored(CODE);
    assertEquals(1 + updates, stored.get("version").asLong(), "every update a version of its own");
    assertTrue(stored.get("description").asText().endsWith("次回写"));
    HttpResponse<String> history =
        two.send(
            HttpRequest.newBuilder(
                    two.uri("/api/opportunities/integration/" + CODE + "/history?limit=100"))
                .header("X-Internal-Secret", ServiceHarness.SECRET));
    assertEquals(1 + updates, ServiceHarness.json(history.body()).get("data").get("items").size());
  }
}

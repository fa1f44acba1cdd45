package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.TestSecrets;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
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
 * CONTRACT.md §5 on the real service over a real SQLite file: history in the same file as the
 * change, named callers, If-Match races, refusals and dry runs that leave both tables untouched, a
 * store fault of one batch item.
 */
class BeyondTheWriteBackOverSqliteTest {
  static final String OMS = TestSecrets.INTERNAL;
  static final String ERP = TestSecrets.ROTATED_INTERNAL;
  static final String API = "/api/opportunities/integration";

  @TempDir Path dir;
  ServiceHarness service;
  Connection file;

  @BeforeEach
  void start() throws Exception {
    service = new ServiceHarness(dir);
    service.environment.put("OPP_INTERNAL_SECRETS", "oms:" + OMS + ",erp:" + ERP);
    service.importLines(
        "{\"opportunityCode\":\"S-1\",\"opportunityName\":\"一号\",\"finalCustomerName\":\"客户甲\",\"amount\":1500000,\"stage\":\"negotiation\"}",
        "{\"opportunityCode\":\"S-2\",\"opportunityName\":\"二号\"}",
        "{\"opportunityCode\":\"S-3\",\"opportunityName\":\"三号\"}");
    service.start();
    file = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("opportunities.db"));
  }

  @AfterEach
  void stop() throws SQLException {
    if (file != null) file.close();
    service.close();
  }

  HttpRequest.Builder put(String path, String body, String secret, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(service.uri(path))
            .header("Content-Type", "application/json")
            .header("X-Internal-Secret", secret)
            .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    for (int i = 0; i < headers.length; i += 2) request.header(headers[i], headers[i + 1]);
    return request;
  }

  HttpResponse<String> get(String path) {
    return service.send(HttpRequest.newBuilder(service.uri(path)).header("X-Internal-Secret", OMS));
  }

  JsonNode history(String code) {
    HttpResponse<String> response = get(API + "/" + code + "/history?limit=100");
    assertEquals(200, response.statusCode(), response.body());
    return ServiceHarness.json(response.body()).get("data").get("items");
  }

  @Test
  void keepsEveryChangeWithItsRecordInTheSameFile() throws Exception {
    assertEquals(
        200,
        service
            .send(put(API + "/update", "{\"opportunityCode\":\"S-1\",\"stage\":\"won\"}", OMS))
            .statusCode());
    assertEquals(
        200,
        service
            .send(
                put(API + "/update", "{\"opportunityCode\":\"S-1\",\"amount\":\"2800000.5\"}", ERP))
            .statusCode());
    JsonNode items = history("S-1");
    assertEquals(3, items.size(), items.toString());
    assertEquals("erp", items.get(0).get("caller").asText());
    assertEquals("oms", items.get(1).get("caller").asText());
    assertEquals("import", items.get(2).get("caller").asText());
    assertEquals("客户甲", items.get(2).get("changes").get("finalCustomerName").get("to").asText());
    assertTrue(
        get(API + "/S-1/history")
            .body()
            .contains("\"amount\":{\"from\":1500000.00,\"to\":2800000.50}"));
    try (Statement sql = file.createStatement();
        ResultSet rows =
            sql.executeQuery(
                "SELECT o.version, count(h.version), max(h.version) FROM opportunity o"
                    + " JOIN opportunity_history h ON h.opportunity_id = o.id GROUP BY o.id")) {
      while (rows.next()) {
        assertEquals(rows.getLong(1), rows.getLong(2), "one record a version");
        assertEquals(rows.getLong(1), rows.getLong(3));
      }
    }
  }

  @Test
  void leavesBothTablesAsTheyWereAfterRefusalsAndDryRuns() throws Exception {
    String item = "{\"opportunityCode\":\"S-2\",\"source\":\"x\"}";
    String before = digest();
    List<HttpResponse<String>> answers = new ArrayList<>();
    answers.add(service.send(put(API + "/update", item, OMS, "X-Dry-Run", "true")));
    answers.add(
        service.send(put(API + "/batch-update", "[" + item + "]", OMS, "X-Dry-Run", "true")));
    answers.add(service.send(put(API + "/update", item, OMS, "If-Match", "1")));
    answers.add(service.send(put(API + "/update", item, OMS, "If-Match", "\"9\"")));
    answers.add(service.send(put(API + "/update", item, OMS, "X-Dry-Run", "yes")));
    answers.add(service.send(put(API + "/batch-update", "[]", OMS)));
    answers.add(service.send(put(API + "/batch-update", item, OMS)));
    answers.add(service.send(put(API + "/batch-update", "[[" + item + "]]", OMS)));
    answers.add(service.send(put(API + "/batch-update", "[5, null]", OMS)));
    answers.add(
        service.send(
            put(
                API + "/batch-update",
                "[" + String.join(",", Collections.nCopies(501, item)) + "]",
                OMS)));
    String huge = "[" + item + "]";
    answers.add(
        service.send(
            put(
                API + "/batch-update",
                huge + " ".repeat(4 * 1024 * 1024 + 1 - huge.length()),
                OMS)));
    answers.add(get(API + "/S-2/history?limit=0"));
    answers.add(get(API + "/S-2/history?limit=101"));
    answers.add(get(API + "/S-2/history?before=abc"));
    List<Integer> statuses = answers.stream().map(HttpResponse::statusCode).toList();
    assertEquals(
        List.of(200, 200, 400, 412, 400, 400, 400, 200, 200, 400, 413, 400, 400, 400), statuses);
    assertEquals(before, digest(), "nothing changed, nothing recorded");
  }

  @Test
  void letsOneOfTwoCallersHoldingTheSameVersionWin() throws Exception {
    int pairs = 100;
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<Future<int[]>> rounds = new ArrayList<>();
      for (int p = 0; p < pairs; p++) {
        String code = "S-" + (1 + p % 3);
        String round = Integer.toString(p); // each update of the pair changes a value
        rounds.add(
            callers.submit(
                () -> {
                  synchronized (code.intern()) { // each pair races alone on its code
                    String etag = get(API + "/" + code).headers().firstValue("ETag").orElseThrow();
                    CompletableFuture<HttpResponse<String>> one =
                        CompletableFuture.supplyAsync(
                            () ->
                                service.send(
                                    put(
                                        API + "/update",
                                        "{\"opportunityCode\":\""
                                            + code
                                            + "\",\"source\":\"甲"
                                            + round
                                            + "\"}",
                                        OMS,
                                        "If-Match",
                                        etag)));
                    CompletableFuture<HttpResponse<String>> two =
                        CompletableFuture.supplyAsync(
                            () ->
                                service.send(
                                    put(
                                        API + "/update",
                                        "{\"opportunityCode\":\""
                                            + code
                                            + "\",\"operatorName\":\"乙"
                                            + round
                                            + "\"}",
                                        ERP,
                                        "If-Match",
                                        etag)));
                    return new int[] {one.join().statusCode(), two.join().statusCode()};
                  }
                }));
      }
      int won = 0;
      for (Future<int[]> round : rounds) {
        int[] statuses = round.get();
        List<Integer> pair = List.of(statuses[0], statuses[1]);
        assertTrue(pair.contains(412) && (pair.contains(200)), "one wins, one is refused: " + pair);
        won++;
      }
      assertEquals(pairs, won);
    } finally {
      callers.shutdownNow();
    }
    long versions = 0;
    for (String code : List.of("S-1", "S-2", "S-3"))
      versions +=
          ServiceHarness.json(get(API + "/" + code).body()).get("data").get("version").asLong();
    assertEquals(3 + pairs, versions, "each winner's change stored, no loser's");
  }

  @Test
  void failsOnlyTheBatchItemWhoseWriteTheFileRefuses() throws Exception {
    try (Statement sql = file.createStatement()) {
      sql.execute(
          "CREATE TRIGGER injected_fault BEFORE UPDATE ON opportunity"
              + " WHEN NEW.opportunity_code = 'S-2' BEGIN SELECT RAISE(ABORT, 'injected'); END");
    }
    HttpResponse<String> answer =
        service.send(
            put(
                API + "/batch-update",
                "[{\"opportunityCode\":\"S-1\",\"source\":\"一\"},{\"opportunityCode\":\"S-2\",\"source\":\"二\"},"
                    + "{\"opportunityCode\":\"S-3\",\"source\":\"三\"}]",
                OMS));
    JsonNode data = ServiceHarness.json(answer.body()).get("data");
    assertEquals("0", data.get(0).get("code").asText(), answer.body());
    assertEquals("系统繁忙，请稍后重试", data.get(1).get("msg").asText(), answer.body());
    assertEquals("0", data.get(2).get("code").asText(), answer.body());
    assertEquals("一", service.stored("S-1").get("source").asText());
    assertEquals(1, service.stored("S-2").get("version").asLong());
    assertEquals(1, history("S-2").size(), "no record without its change");
    assertEquals("三", service.stored("S-3").get("source").asText());
  }

  @Test
  void prunesRecordsOlderThanTheRetentionInTheBackground() throws Exception {
    service.stop();
    service.environment.put("OPP_HISTORY_RETENTION", "PT1S");
    Thread.sleep(1_100); // the import's records are older than the retention now
    service.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (history("S-1").size() > 0 && System.nanoTime() < deadline) Thread.sleep(100);
    assertEquals(0, history("S-1").size(), "pruned soon after the start");
    assertEquals(1, service.stored("S-1").get("version").asLong(), "the opportunity stays");
    assertEquals(
        200,
        service
            .send(put(API + "/update", "{\"opportunityCode\":\"S-1\",\"source\":\"新\"}", OMS))
            .statusCode());
    assertEquals(1, history("S-1").size(), "a new record is kept until the next run");
  }

  /** SHA-256 over every row of both tables, in key order. */
  String digest() throws Exception {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    for (String query :
        List.of(
            "SELECT * FROM opportunity ORDER BY id",
            "SELECT * FROM opportunity_history ORDER BY opportunity_id, version")) {
      try (Statement sql = file.createStatement();
          ResultSet rows = sql.executeQuery(query)) {
        ResultSetMetaData columns = rows.getMetaData();
        while (rows.next()) {
          for (int c = 1; c <= columns.getColumnCount(); c++)
            sha256.update(
                (columns.getColumnName(c) + "=" + rows.getString(c) + "\u0000")
                    .getBytes(StandardCharsets.UTF_8));
          sha256.update((byte) '\n');
        }
      }
    }
    return HexFormat.of().formatHex(sha256.digest());
  }
}

package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.TestSecrets;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability: the real jar is killed with SIGKILL while 64 clients write; after each restart every
 * row equals its client's acknowledged updates applied in order, plus at most its one request in
 * flight applied whole or not at all; {@code PRAGMA integrity_check} says {@code ok}, and the
 * restart is ready within 10 s. {@code -Dcrash.cycles=N} runs more cycles (3 by default).
 */
class CrashIT {
  static final int CLIENTS = 64;
  static final int CYCLES = Integer.getInteger("crash.cycles", 3);
  static final Duration READY_WITHIN = Duration.ofSeconds(10);
  static final String SECRET = TestSecrets.INTERNAL;

  /** The fields a request may set, 1–3 of them, each to a value that names (client, sequence). */
  static final List<String> FIELDS = List.of("description", "salesExpansionId", "competitorName");

  private static final Pattern TRAILING_DIGITS = Pattern.compile("(\\d+)$");

  @TempDir Path dir;

  /**
   * What one client knows: per field the sequence last acknowledged, and the request maybe in
   * flight.
   */
  static final class ClientLog {
    final Map<String, Integer> acknowledged =
        new HashMap<>(); // field → sequence; absent: never set
    volatile int inFlight; // 0: none
    volatile List<String> inFlightFields = List.of();
    volatile String failure;
    volatile int acknowledgedThisCycle;
    int next = 1;
  }

  @Test
  void keepsEveryAcknowledgedUpdateThroughKillNine() throws Exception {
    Path db = dir.resolve("crash.db");
    Map<String, String> environment = JarProcess.environment("jdbc:sqlite:" + db);
    List<String> lines = new ArrayList<>();
    for (int client = 0; client < CLIENTS; client++) {
      lines.add(
          "{\"opportunityCode\":\"CRASH-"
              + client
              + "\",\"opportunityName\":\"崩溃测试 "
              + client
              + "\"}");
    }
    JarProcess.importLines(dir, environment, lines);

    Random random = new Random();
    ClientLog[] logs = new ClientLog[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) logs[i] = new ClientLog();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (int cycle = 1; cycle <= CYCLES + 1; cycle++) { // the last start only checks
      long started = System.nanoTime();
      try (JarProcess server = JarProcess.start(dir, environment)) {
        int port = server.awaitListening(Duration.ofSeconds(30));
        Duration ready = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(
            ready.compareTo(READY_WITHIN) <= 0,
            "restart " + cycle + " took " + ready + " to be ready");
        assertIntact(db);
        verify(http, port, logs);
        if (cycle == CYCLES + 1) break;
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
          int client = i;
          logs[client].acknowledgedThisCycle = 0;
          Random own = new Random(random.nextLong());
          Thread thread =
              new Thread(
                  () -> write(http, port, client, own, logs[client], running), "client-" + client);
          thread.start();
          clients.add(thread);
        }
        // Kill at a random 0.5–3 s, but not before 50 acknowledgements: a cycle that checks nothing
        // proves nothing.
        long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500 + random.nextInt(2500));
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((System.nanoTime() < killAt || acknowledgedThisCycle(logs) < 50)
            && System.nanoTime() < giveUp) {
          Thread.sleep(10);
        }
        server.kill();
        running.set(false);
        for (Thread thread : clients) thread.join(10_000);
        for (ClientLog log : logs) assertNull(log.failure, "a client was refused");
        int acknowledged = acknowledgedThisCycle(logs);
        assertTrue(
            acknowledged >= 50, "only " + acknowledged + " acknowledged updates in cycle " + cycle);
      }
    }
  }

  private static void assertIntact(Path db) throws Exception {
    // A second connection while the server runs: it neither checkpoints nor removes the WAL.
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet result = connection.createStatement().executeQuery("PRAGMA integrity_check")) {
      assertTrue(result.next());
      assertEquals("ok", result.getString(1));
    }
  }

  private static int acknowledgedThisCycle(ClientLog[] logs) {
    int acknowledged = 0;
    for (ClientLog log : logs) acknowledged += log.acknowledgedThisCycle;
    return acknowledged;
  }

  /** The value a field gets from (client, sequence): each field's value names both. */
  static String value(String field, int client, int sequence) {
    return switch (field) {
      case "description" -> "\"c" + client + "-s" + sequence + "\"";
      case "salesExpansionId" -> Integer.toString(client * 1_000_000 + sequence);
      case "competitorName" -> "\"竞争者-" + client + "-" + sequence + "\"";
      default -> throw new IllegalArgumentException(field);
    };
  }

  /**
   * The sequence a stored field names, 0 when it was never set; fails when it is no value of this
   * client.
   */
  static int sequenceOf(JsonNode data, String field, int client) {
    JsonNode stored = data.get(field);
    if (stored.isNull()) return 0;
    Matcher digits = TRAILING_DIGITS.matcher(stored.asText());
    if (digits.find()) {
      long number = Long.parseLong(digits.group(1));
      int sequence =
          (int) (field.equals("salesExpansionId") ? number - client * 1_000_000L : number);
      if (value(field, client, sequence).equals(stored.toString())) return sequence;
    }
    throw new AssertionError(
        "client " + client + ": " + field + " holds " + stored + ", not a value of this client");
  }

  /** Sends sequential partial updates of 1–3 fields, each carrying (client, sequence). */
  private static void write(
      HttpClient http, int port, int client, Random random, ClientLog log, AtomicBoolean running) {
    while (running.get()) {
      int sequence = log.next++;
      List<String> fields = new ArrayList<>(FIELDS);
      Collections.shuffle(fields, random);
      fields = List.copyOf(fields.subList(0, 1 + random.nextInt(FIELDS.size())));
      StringBuilder body = new StringBuilder("{\"opportunityCode\":\"CRASH-" + client + "\"");
      for (String field : fields)
        body.append(",\"").append(field).append("\":").append(value(field, client, sequence));
      log.inFlightFields = fields;
      log.inFlight = sequence;
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + port + "/api/opportunities/integration/update"))
                    .header("Content-Type", "application/json")
                    .header("X-Internal-Secret", SECRET)
                    .timeout(Duration.ofSeconds(10))
                    .PUT(
                        HttpRequest.BodyPublishers.ofString(
                            body.append('}').toString(), StandardCharsets.UTF_8))
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
          log.failure = response.statusCode() + " " + response.body();
          return;
        }
        for (String field : fields) log.acknowledged.put(field, sequence);
        log.acknowledgedThisCycle++;
        log.inFlight = 0;
      } catch (java.io.IOException e) {
        return; // the server is gone: this request stays "in flight"
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Every row holds, field by field, its client's last acknowledged value (0 lost), or the request
   * in flight applied to all of its fields (0 torn); then that state is what the client knows.
   */
  private static void verify(HttpClient http, int port, ClientLog[] logs) throws Exception {
    for (int client = 0; client < CLIENTS; client++) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + port
                              + "/api/opportunities/integration/CRASH-"
                              + client))
                  .header("X-Internal-Secret", SECRET)
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertEquals(200, response.statusCode(), response.body());
      JsonNode data = ServiceHarness.json(response.body()).get("data");
      ClientLog log = logs[client];
      Map<String, Integer> stored = new HashMap<>();
      for (String field : FIELDS) stored.put(field, sequenceOf(data, field, client));
      boolean inFlightApplied =
          log.inFlight != 0 && stored.get(log.inFlightFields.get(0)) == log.inFlight;
      for (String field : FIELDS) {
        int expected =
            inFlightApplied && log.inFlightFields.contains(field)
                ? log.inFlight
                : log.acknowledged.getOrDefault(field, 0);
        assertEquals(
            expected,
            stored.get(field),
            "client "
                + client
                + ", "
                + field
                + ": acknowledged "
                + log.acknowledged
                + ", in flight "
                + log.inFlight
                + " "
                + log.inFlightFields
                + " (applied: "
                + inFlightApplied
                + "); an older value is a lost update, a part of the request in flight a torn one");
      }
      verifyHistory(http, port, client, data);
      log.acknowledged.putAll(stored);
      log.acknowledged.values().removeIf(sequence -> sequence == 0);
      log.inFlight = 0;
    }
  }

  /**
   * A change is never stored without its record: one record a version, versions 1 to the stored one
   * without a gap, the newest naming the stored values.
   */
  private static void verifyHistory(HttpClient http, int port, int client, JsonNode data)
      throws Exception {
    long version = data.get("version").asLong();
    List<JsonNode> items = new ArrayList<>();
    String before = "";
    while (true) {
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + port
                              + "/api/opportunities/integration/CRASH-"
                              + client
                              + "/history?limit=100"
                              + before))
                  .header("X-Internal-Secret", SECRET)
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertEquals(200, page.statusCode(), page.body());
      JsonNode body = ServiceHarness.json(page.body()).get("data");
      body.get("items").forEach(items::add);
      if (body.get("nextBefore").isNull()) break;
      before = "&before=" + body.get("nextBefore").asLong();
    }
    assertEquals(version, items.size(), "client " + client + ": one record a version");
    for (int i = 0; i < items.size(); i++)
      assertEquals(version - i, items.get(i).get("version").asLong(), "client " + client);
    items
        .get(0)
        .get("changes")
        .fields()
        .forEachRemaining(
            change ->
                assertEquals(
                    data.get(change.getKey()),
                    change.getValue().get("to"),
                    "client "
                        + client
                        + ": the newest record names the stored "
                        + change.getKey()));
  }
}

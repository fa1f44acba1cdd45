package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.TestSecrets;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability: the real jar is killed with SIGKILL while clients write; after a restart every
 * acknowledged update is there, and no request is half applied.
 */
class CrashIT {
  static final int CLIENTS = 16;
  static final int CYCLES = 2;
  static final String SECRET = TestSecrets.INTERNAL;

  @TempDir Path dir;

  /** What one client knows: the last sequence number acknowledged and the one maybe in flight. */
  static final class ClientLog {
    volatile int acknowledged;
    volatile int inFlight;
    volatile String failure;
    volatile int acknowledgedThisCycle;
    int next = 1;
  }

  @Test
  void keepsEveryAcknowledgedUpdateThroughKillNine() throws Exception {
    Map<String, String> environment = Map.of(
        "OPP_DB_URL", "jdbc:sqlite:" + dir.resolve("crash.db"),
        "OPP_INTERNAL_SECRETS", SECRET,
        "OPP_HTTP_HOST", "127.0.0.1",
        "OPP_HTTP_PORT", "0");
    Path seed = dir.resolve("seed.jsonl");
    List<String> lines = new ArrayList<>();
    for (int client = 0; client < CLIENTS; client++) {
      lines.add("{\"opportunityCode\":\"CRASH-" + client + "\",\"opportunityName\":\"崩溃测试 " + client + "\"}");
    }
    Files.write(seed, lines, StandardCharsets.UTF_8);
    try (JarProcess importer = JarProcess.start(dir, environment, "import", seed.toString())) {
      assertEquals(0, importer.awaitExit(Duration.ofSeconds(60)), importer.output());
    }

    Random random = new Random();
    ClientLog[] logs = new ClientLog[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) logs[i] = new ClientLog();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (int cycle = 1; cycle <= CYCLES; cycle++) {
      try (JarProcess server = JarProcess.start(dir, environment)) {
        int port = server.awaitListening(Duration.ofSeconds(30));
        verify(http, port, logs);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
          int client = i;
          logs[client].acknowledgedThisCycle = 0;
          Thread thread = new Thread(() -> write(http, port, client, logs[client], running), "client-" + client);
          thread.start();
          clients.add(thread);
        }
        // Kill at a random 0.5–3 s, but not before 50 acknowledgements: a cycle that checks nothing proves nothing.
        long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500 + random.nextInt(2500));
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((System.nanoTime() < killAt || acknowledgedThisCycle(logs) < 50) && System.nanoTime() < giveUp) {
          Thread.sleep(10);
        }
        server.kill();
        running.set(false);
        for (Thread thread : clients) thread.join(10_000);
        int acknowledged = 0;
        for (ClientLog log : logs) {
          assertEquals(null, log.failure, "a client was refused");
          acknowledged += log.acknowledgedThisCycle;
        }
        assertTrue(acknowledged >= 50, "only " + acknowledged + " acknowledged updates in cycle " + cycle);
      }
    }
    try (JarProcess server = JarProcess.start(dir, environment)) {
      verify(http, server.awaitListening(Duration.ofSeconds(30)), logs);
    }
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("crash.db"));
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

  /** Sends sequential partial updates of two fields, both carrying the sequence number. */
  private static void write(HttpClient http, int port, int client, ClientLog log, AtomicBoolean running) {
    while (running.get()) {
      int sequence = log.next++;
      log.inFlight = sequence;
      String body = "{\"opportunityCode\":\"CRASH-" + client + "\",\"description\":\"c" + client + "-s" + sequence
          + "\",\"salesExpansionId\":" + sequence + "}";
      try {
        HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/opportunities/integration/update"))
                .header("Content-Type", "application/json")
                .header("X-Internal-Secret", SECRET)
                .timeout(Duration.ofSeconds(10))
                .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
          log.failure = response.statusCode() + " " + response.body();
          return;
        }
        log.acknowledged = sequence;
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

  /** Every row holds its client's last acknowledged update, or the one in flight, whole. */
  private static void verify(HttpClient http, int port, ClientLog[] logs) throws Exception {
    for (int client = 0; client < CLIENTS; client++) {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/opportunities/integration/CRASH-" + client))
              .header("X-Internal-Secret", SECRET).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertEquals(200, response.statusCode(), response.body());
      JsonNode data = ServiceHarness.json(response.body()).get("data");
      ClientLog log = logs[client];
      int stored = data.get("salesExpansionId").isNull() ? 0 : data.get("salesExpansionId").asInt();
      String description = data.get("description").isNull() ? null : data.get("description").asText();
      assertTrue(stored == log.acknowledged || (log.inFlight != 0 && stored == log.inFlight),
          "client " + client + ": stored " + stored + ", acknowledged " + log.acknowledged + ", in flight " + log.inFlight);
      assertEquals(stored == 0 ? null : "c" + client + "-s" + stored, description, "torn request of client " + client);
      log.acknowledged = stored;
      log.inFlight = 0;
    }
  }
}

package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.adapter.persistence.testing.PostgresServer;
import cn.opportunity.integration.domain.testing.TestSecrets;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several instances, proven (CONTRACT §6): two processes of the packaged jar on one private
 * PostgreSQL database, 64 clients spread over both, each writing its own field of one of 8 shared
 * opportunities (client {@code i}: field {@code i % 8} of opportunity {@code i / 8}, values unique
 * per client and update). After each run every opportunity's history is read back: one record a
 * version without a gap, each record naming exactly one update that was sent, every acknowledged
 * update in exactly one record, the stored value that of the newest record — so {@code version} is
 * exactly 1 + the updates that were stored, and every acknowledged one was.
 *
 * <p>In order, on one pair of jars: {@code If-Match} races across the processes; the 64 clients
 * without faults; PostgreSQL stopped ({@code pg_ctl stop -m fast}) and started again under load;
 * {@code kill -9} of one jar under load. A few seconds of load each; {@code -Dmulti.loadMillis=N}
 * runs each phase of load for N ms (default 1500), {@code -Dmulti.updates=N} gives each client N
 * updates in the fault-free run (default 10).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesIT {
  static final String SECRET = TestSecrets.INTERNAL;
  static final long LOAD_MILLIS = Long.getLong("multi.loadMillis", 1500);
  static final int UPDATES = Integer.getInteger("multi.updates", 10);
  static final int CLIENTS = 64;
  static final List<LostUpdateHarness.Field> FIELDS = LostUpdateHarness.FIELDS;
  static final String BUSY =
      "{\"code\":\"-1\",\"msg\":\"系统繁忙，请稍后重试\",\"data\":null}"; // the contract's 503 envelope

  @TempDir static Path dir;
  PostgresServer.Database db;
  Map<String, String> environment;
  final JarProcess[] jars = new JarProcess[2];
  final int[] ports = new int[2];
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  static List<String> codes(String prefix) {
    return IntStream.rangeClosed(1, CLIENTS / FIELDS.size()).mapToObj(i -> prefix + i).toList();
  }

  @BeforeAll
  void importAndStartTwoJars() throws Exception {
    db = PostgresServer.shared().newDatabase();
    environment =
        JarProcess.environment(
            db.url(),
            Map.of(
                "OPP_DB_USER",
                db.user(),
                "OPP_DB_PASSWORD",
                db.password(),
                "OPP_DB_POOL_SIZE",
                "8"));
    List<String> seed = new ArrayList<>();
    seed.add("{\"opportunityCode\":\"RACE-1\",\"opportunityName\":\"竞争\"}");
    for (String prefix : List.of("SHARED-", "RESTART-", "KILL-"))
      for (String code : codes(prefix))
        seed.add("{\"opportunityCode\":\"" + code + "\",\"opportunityName\":\"两个实例\"}");
    JarProcess.importLines(dir, environment, seed);
    for (int i = 0; i < 2; i++) jars[i] = JarProcess.start(dir, environment);
    for (int i = 0; i < 2; i++) ports[i] = jars[i].awaitListening(Duration.ofSeconds(60));
  }

  @AfterAll
  void stopJars() throws Exception {
    for (JarProcess jar : jars) if (jar != null) jar.close();
  }

  /** {@code If-Match} with the same version through both processes at once: one 200, one 412. */
  @Test
  @Order(1)
  void letsOneOfTwoConditionalUpdatesThroughDifferentProcessesWin() throws Exception {
    int rounds = 12;
    for (int round = 0; round < rounds; round++) {
      HttpResponse<String> read =
          send(get(ports[round % 2], "/api/opportunities/integration/RACE-1"));
      String etag = read.headers().firstValue("ETag").orElseThrow();
      String viaOne = "{\"opportunityCode\":\"RACE-1\",\"source\":\"甲" + round + "\"}";
      String viaTwo = "{\"opportunityCode\":\"RACE-1\",\"operatorName\":\"乙" + round + "\"}";
      // sendAsync, not the common pool: with 2 cores its one thread would send them in turn
      CompletableFuture<HttpResponse<String>> one =
          http.sendAsync(put(ports[0], viaOne, etag), utf8());
      CompletableFuture<HttpResponse<String>> two =
          http.sendAsync(put(ports[1], viaTwo, etag), utf8());
      List<Integer> statuses = List.of(one.join().statusCode(), two.join().statusCode());
      assertTrue(
          statuses.contains(200) && statuses.contains(412),
          "round " + round + ": one wins, one is refused: " + statuses);
    }
    JsonNode stored = data(send(get(ports[1], "/api/opportunities/integration/RACE-1")));
    assertEquals(1 + rounds, stored.get("version").asLong());
    assertEquals(1 + rounds, history(ports[0], "RACE-1").size());
  }

  /** 64 clients, 32 on each process, a fixed number of updates each: every one answered 200. */
  @Test
  @Order(2)
  void keepsEveryUpdateOf64ClientsSpreadOverBothProcesses() throws Exception {
    List<Writer> writers = writers("SHARED-");
    List<Thread> threads = new ArrayList<>();
    for (Writer writer : writers) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < UPDATES; i++) writer.send();
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) thread.join(120_000);
    System.out.println("64 clients over two processes: " + summary(writers));
    for (Writer writer : writers) {
      assertEquals(List.of(), writer.refusals, "client " + writer.client);
      assertEquals(UPDATES, writer.acknowledged.size(), "client " + writer.client);
    }
    verify(ports[0], writers);
  }

  /**
   * PostgreSQL stopped under load and started again, the jars left running: while it is gone
   * updates get the 503 envelope and ready answers 503; no 200 that was not stored; after its
   * return both processes are ready again and every client's next update is answered 200.
   */
  @Test
  @Order(3)
  void answers503WhilePostgresIsGoneAndServesAgainAfterItsReturn() throws Exception {
    List<Writer> writers = writers("RESTART-");
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> threads = startLoad(writers, running);
    PostgresServer server = PostgresServer.shared();
    try {
      Thread.sleep(LOAD_MILLIS);
      server.stop();
      // Asked at once: each waits for a connection up to the pool's timeout (5 s) before its 503.
      CompletableFuture<HttpResponse<String>> refused =
          http.sendAsync(
              put(ports[0], "{\"opportunityCode\":\"RESTART-1\",\"description\":\"无库\"}", null),
              utf8());
      List<CompletableFuture<HttpResponse<String>>> readiness = new ArrayList<>();
      for (int port : ports) readiness.add(http.sendAsync(get(port, "/health/ready"), utf8()));
      for (CompletableFuture<HttpResponse<String>> answer : readiness) {
        HttpResponse<String> ready = answer.join();
        assertEquals(503, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"status\":\"DOWN\""), ready.body());
      }
      assertEquals(503, refused.join().statusCode(), refused.join().body());
      assertEquals(BUSY, refused.join().body());
    } finally {
      server.start();
    }
    for (int port : ports) awaitReady(port);
    Thread.sleep(LOAD_MILLIS);
    running.set(false);
    for (Thread thread : threads) thread.join(60_000);
    for (Writer writer : writers) {
      assertEquals(200, writer.send(), "client " + writer.client + " after the restart");
      assertTrue(
          writer.refusals.stream().allMatch(BUSY::equals),
          "client " + writer.client + ": only the contract's 503 envelope: " + writer.refusals);
      assertEquals(0, writer.connectionFailures, "the jars never stopped answering");
    }
    System.out.println("PostgreSQL restarted under load: " + summary(writers));
    verify(ports[1], writers);
  }

  /**
   * {@code kill -9} of one process under load: its clients lose their connection (what they had in
   * flight may or may not be stored), the other's clients see only 200s or the 503 envelope, every
   * acknowledged update of both is stored, and the survivor then serves every client.
   */
  @Test
  @Order(4)
  void losesNothingAcknowledgedWhenOneProcessIsKilledAndTheOtherServesOn() throws Exception {
    List<Writer> writers = writers("KILL-");
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> threads = startLoad(writers, running);
    Thread.sleep(LOAD_MILLIS);
    jars[0].kill();
    Thread.sleep(LOAD_MILLIS);
    running.set(false);
    for (Thread thread : threads) thread.join(60_000);
    for (Writer writer : writers) {
      if (writer.port == ports[1]) {
        assertEquals(0, writer.connectionFailures, "client " + writer.client + " of the survivor");
        assertTrue(
            writer.refusals.stream().allMatch(BUSY::equals),
            "client " + writer.client + ": " + writer.refusals);
      } else {
        assertTrue(writer.connectionFailures <= 1, "it stopped at its first lost connection");
      }
    }
    int acknowledged = writers.stream().mapToInt(w -> w.acknowledged.size()).sum();
    assertTrue(acknowledged >= CLIENTS, "only " + acknowledged + " updates acknowledged");
    for (Writer writer : writers) {
      writer.port = ports[1];
      assertEquals(200, writer.send(), "client " + writer.client + " on the survivor");
    }
    System.out.println("one process killed under load: " + summary(writers));
    verify(ports[1], writers);
  }

  private static String summary(List<Writer> writers) {
    return "%d acknowledged, %d refused with the 503 envelope, %d lost connections"
        .formatted(
            writers.stream().mapToInt(w -> w.acknowledged.size()).sum(),
            writers.stream().mapToInt(w -> w.refusals.size()).sum(),
            writers.stream().mapToInt(w -> w.connectionFailures).sum());
  }

  // ---- the clients ----

  /** Client {@code client}: field {@code client % 8} of opportunity {@code client / 8}. */
  final class Writer {
    final int client;
    final String code;
    final LostUpdateHarness.Field field;
    volatile int port;
    final List<Integer> acknowledged = new CopyOnWriteArrayList<>();

    /** Updates sent without a 200: each may or may not be stored. */
    final List<Integer> unknown = new CopyOnWriteArrayList<>();

    final List<String> refusals = new CopyOnWriteArrayList<>();
    volatile int connectionFailures;
    int next = 1;

    Writer(int client, String code, int port) {
      this.client = client;
      this.code = code;
      this.field = FIELDS.get(client % FIELDS.size());
      this.port = port;
    }

    /** One update with the next value; its status, 0 when no answer came. */
    int send() {
      int update = next++;
      String body =
          "{\"opportunityCode\":\""
              + code
              + "\","
              + field.member(field.value(client, update))
              + "}";
      try {
        HttpResponse<String> answer = http.send(put(port, body, null), utf8());
        if (answer.statusCode() == 200
            && "0".equals(ServiceHarness.json(answer.body()).path("code").asText())) {
          acknowledged.add(update);
        } else {
          unknown.add(update);
          refusals.add(answer.body());
        }
        return answer.statusCode();
      } catch (IOException e) {
        unknown.add(update);
        connectionFailures++;
        return 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        unknown.add(update);
        return 0;
      }
    }

    /** The update whose value {@code to} is, or -1. */
    int updateOf(JsonNode to) {
      for (int update = 1; update < next; update++)
        if (same(to, field.value(client, update))) return update;
      return -1;
    }

    private boolean same(JsonNode node, String value) {
      if (node == null || node.isNull()) return false;
      return switch (field.kind()) {
        case TEXT, ID -> node.asText().equals(value);
        case AMOUNT -> node.decimalValue().compareTo(new BigDecimal(value)) == 0;
      };
    }
  }

  private List<Writer> writers(String prefix) {
    List<String> codes = codes(prefix);
    return IntStream.range(0, CLIENTS)
        .mapToObj(i -> new Writer(i, codes.get(i / FIELDS.size()), ports[i % 2]))
        .toList();
  }

  /**
   * Every client writes until {@code running} ends; after a refusal it pauses 20 ms, at a lost
   * connection it stops (its process is gone).
   */
  private static List<Thread> startLoad(List<Writer> writers, AtomicBoolean running) {
    List<Thread> threads = new ArrayList<>();
    for (Writer writer : writers) {
      Thread thread =
          new Thread(
              () -> {
                while (running.get()) {
                  int status = writer.send();
                  if (status == 0) return;
                  if (status != 200) pause(20);
                }
              },
              "client-" + writer.client);
      thread.start();
      threads.add(thread);
    }
    return threads;
  }

  // ---- the check ----

  /**
   * Reads every opportunity of {@code writers} and its whole history through {@code port}: one
   * record a version, 1 to the stored version; record 1 the import, each later one exactly one
   * change that is an update its client sent, no update twice; every acknowledged update stored;
   * each client's updates stored in the order sent; the stored value that of the newest record.
   */
  private void verify(int port, List<Writer> writers) throws Exception {
    Map<String, List<Writer>> byCode = new HashMap<>();
    for (Writer writer : writers)
      byCode.computeIfAbsent(writer.code, c -> new ArrayList<>()).add(writer);
    for (Map.Entry<String, List<Writer>> entry : byCode.entrySet()) {
      String code = entry.getKey();
      JsonNode stored = data(send(get(port, "/api/opportunities/integration/" + code)));
      long version = stored.get("version").asLong();
      List<JsonNode> records = history(port, code);
      assertEquals(version, records.size(), code + ": one record a version");
      Map<String, Writer> byField = new HashMap<>();
      for (Writer writer : entry.getValue()) byField.put(writer.field.name(), writer);
      Map<Writer, List<Integer>> storedUpdates = new HashMap<>();
      for (int i = records.size() - 1; i >= 0; i--) { // oldest first
        JsonNode record = records.get(i);
        long expected = records.size() - i;
        assertEquals(expected, record.get("version").asLong(), code + ": no gap in the history");
        if (expected == 1) continue; // the import
        JsonNode changes = record.get("changes");
        assertEquals(1, changes.size(), code + " v" + expected + ": one update, one change");
        String name = changes.fieldNames().next();
        Writer writer = byField.get(name);
        assertTrue(writer != null, code + " v" + expected + " changed " + name + ", no client's");
        int update = writer.updateOf(changes.get(name).get("to"));
        assertTrue(update > 0, code + " v" + expected + ": " + changes + " was never sent");
        storedUpdates.computeIfAbsent(writer, w -> new ArrayList<>()).add(update);
      }
      for (Writer writer : entry.getValue()) {
        List<Integer> kept = storedUpdates.getOrDefault(writer, List.of());
        for (int i = 1; i < kept.size(); i++)
          assertTrue(
              kept.get(i) > kept.get(i - 1),
              "client " + writer.client + ": stored in the order sent, each once: " + kept);
        for (int update : writer.acknowledged)
          assertTrue(
              kept.contains(update),
              "client " + writer.client + ": acknowledged update " + update + " lost: " + kept);
        for (int update : kept)
          assertTrue(
              writer.acknowledged.contains(update) || writer.unknown.contains(update),
              "client " + writer.client + ": update " + update + " stored, never sent");
        if (!kept.isEmpty())
          assertEquals(
              kept.get(kept.size() - 1).intValue(),
              writer.updateOf(stored.get(writer.field.name())),
              "client " + writer.client + ": the stored value is the newest record's");
      }
    }
  }

  private List<JsonNode> history(int port, String code) throws Exception {
    List<JsonNode> items = new ArrayList<>();
    String before = "";
    while (true) {
      JsonNode page =
          data(
              send(
                  get(
                      port,
                      "/api/opportunities/integration/" + code + "/history?limit=100" + before)));
      page.get("items").forEach(items::add);
      if (page.get("nextBefore").isNull()) return items;
      before = "&before=" + page.get("nextBefore").asLong();
    }
  }

  // ---- HTTP ----

  private void awaitReady(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      HttpResponse<String> ready = send(get(port, "/health/ready"));
      if (ready.statusCode() == 200) {
        assertEquals("{\"status\":\"UP\"}", ready.body());
        return;
      }
      assertTrue(System.nanoTime() < deadline, "not ready again: " + ready.body());
      pause(100);
    }
  }

  private static HttpRequest get(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("X-Internal-Secret", SECRET)
        .timeout(Duration.ofSeconds(20))
        .GET()
        .build();
  }

  private static HttpRequest put(int port, String body, String ifMatch) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/opportunities/integration/update"))
            .header("Content-Type", "application/json")
            .header("X-Internal-Secret", SECRET)
            .timeout(Duration.ofSeconds(20))
            .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (ifMatch != null) request.header("If-Match", ifMatch);
    return request.build();
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, utf8());
  }

  private static HttpResponse.BodyHandler<String> utf8() {
    return HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8);
  }

  private static JsonNode data(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response.body());
    return ServiceHarness.json(response.body()).get("data");
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package cn.opportunity.integration.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * C1 of the reliability figures, against any running service: 8 opportunities × 8 fields = 64
 * cells, one client per cell, each sending 50 updates of its cell one after the other while all 64
 * run at once; then it reads every opportunity back (GET) and reports the cells that do not hold
 * their owner's last acknowledged value, how far each opportunity's version grew against the
 * updates acknowledged for it, and the 5xx answers. Values are unique per (client, update), so
 * every update changes its cell and must add exactly one version.
 *
 * <p>The opportunities ({@link #CODES} by default) must exist before {@link #run}.
 */
final class LostUpdateHarness {
  /** The figure's 8 opportunities (8 × 8 fields = 64 cells, one client each). */
  static final List<String> CODES = codes(8);

  static final List<Field> FIELDS =
      List.of(
          Field.text("opportunityName"),
          Field.text("projectLocation"),
          Field.text("operatorName"),
          Field.text("competitorName"),
          Field.text("preSalesName"),
          Field.text("description"),
          Field.id("salesExpansionId"),
          Field.amount("amount"));
  static final int UPDATES_PER_CLIENT = 50;

  private static final String API = "/api/opportunities/integration/";

  private final URI base;
  private final String secret;
  private final List<String> codes;
  private final int updatesPerClient;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** The figure: {@link #CODES}, {@link #UPDATES_PER_CLIENT}. */
  LostUpdateHarness(URI base, String secret) {
    this(base, secret, CODES, UPDATES_PER_CLIENT);
  }

  /**
   * @param base where the service listens, e.g. {@code http://127.0.0.1:8080}
   * @param codes the opportunities, each written by 8 clients (one per field)
   */
  LostUpdateHarness(URI base, String secret, List<String> codes, int updatesPerClient) {
    this.base = base;
    this.secret = secret;
    this.codes = codes;
    this.updatesPerClient = updatesPerClient;
  }

  /** {@code count} opportunity codes for a run. */
  static List<String> codes(int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> "LOST-UPDATE-" + i).toList();
  }

  /**
   * One field of the contract table: how a client writes its value and how the stored one compares.
   */
  record Field(String name, Kind kind) {
    enum Kind {
      TEXT,
      ID,
      AMOUNT
    }

    static Field text(String name) {
      return new Field(name, Kind.TEXT);
    }

    static Field id(String name) {
      return new Field(name, Kind.ID);
    }

    static Field amount(String name) {
      return new Field(name, Kind.AMOUNT);
    }

    /**
     * The value of {@code client}'s update number {@code update}: no other (client, update) has it.
     */
    String value(int client, int update) {
      return switch (kind) {
        case TEXT -> "client-" + client + "-update-" + update;
        case ID -> Long.toString(client * 1000L + update);
        case AMOUNT -> (client * 1000L + update) + ".25";
      };
    }

    String member(String value) {
      return "\"" + name + "\":" + (kind == Kind.TEXT ? "\"" + value + "\"" : value);
    }

    boolean holds(JsonNode stored, String value) {
      JsonNode node = stored.get(name);
      if (node == null || node.isNull()) return false;
      return switch (kind) {
        case TEXT -> node.isTextual() && node.asText().equals(value);
        case ID -> node.isIntegralNumber() && node.asText().equals(value);
        case AMOUNT -> node.isNumber() && node.decimalValue().compareTo(new BigDecimal(value)) == 0;
      };
    }
  }

  /**
   * What a run found.
   *
   * @param staleCells each cell not holding its owner's last acknowledged value, described
   * @param versionMismatches each opportunity whose version did not grow by exactly its
   *     acknowledged updates
   * @param missingVersions acknowledged updates that left no version behind, over all opportunities
   * @param acknowledged updates answered 200 with the success envelope
   * @param serverErrors answers with a 5xx status
   * @param busy of those, 503 envelopes saying {@code 系统繁忙，请稍后重试}: refused, so not applied
   * @param otherFailures any other answer (4xx) or no answer at all
   */
  record Report(
      List<String> staleCells,
      List<String> versionMismatches,
      long missingVersions,
      long acknowledged,
      long serverErrors,
      long busy,
      long otherFailures,
      Duration took) {

    /**
     * Acknowledged updates the store does not show: in a final value, or as a version of their own.
     */
    long lostUpdates() {
      return staleCells.size() + missingVersions;
    }

    @Override
    public String toString() {
      return "%d acknowledged in %d ms; %d × 5xx (%d busy), %d other failures; %d stale cells %s; versions: %s"
          .formatted(
              acknowledged,
              took.toMillis(),
              serverErrors,
              busy,
              otherFailures,
              staleCells.size(),
              staleCells.subList(0, Math.min(5, staleCells.size())),
              versionMismatches);
    }
  }

  /**
   * One client per cell: client {@code i} owns field {@code i % 8} of opportunity {@code i / 8}.
   */
  private final class Client {
    final int index;
    final String code;
    final Field field;
    String lastAcknowledged;
    long acknowledged;
    long serverErrors;
    long busy;
    long otherFailures;

    Client(int index) {
      this.index = index;
      this.code = codes.get(index / FIELDS.size());
      this.field = FIELDS.get(index % FIELDS.size());
    }

    Client call() throws InterruptedException {
      for (int update = 1; update <= updatesPerClient; update++) {
        String value = field.value(index, update);
        String body = "{\"opportunityCode\":\"" + code + "\"," + field.member(value) + "}";
        HttpRequest request =
            HttpRequest.newBuilder(base.resolve(API + "update"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Internal-Secret", secret)
                .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        try {
          HttpResponse<String> response =
              http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
          if (response.statusCode() == 200
              && "0".equals(ServiceHarness.json(response.body()).path("code").asText())) {
            lastAcknowledged = value;
            acknowledged++;
          } else if (response.statusCode() >= 500) {
            serverErrors++;
            if (response.statusCode() == 503
                && "系统繁忙，请稍后重试".equals(ServiceHarness.json(response.body()).path("msg").asText()))
              busy++;
          } else {
            otherFailures++;
          }
        } catch (IOException e) {
          otherFailures++;
        }
      }
      return this;
    }
  }

  Report run() throws Exception {
    List<Long> versionsBefore = new ArrayList<>();
    for (String code : codes) versionsBefore.add(read(code).get("version").asLong());

    List<Client> clients =
        IntStream.range(0, codes.size() * FIELDS.size()).mapToObj(Client::new).toList();
    ExecutorService pool = Executors.newFixedThreadPool(clients.size());
    CountDownLatch start = new CountDownLatch(1);
    long started;
    long ended;
    try {
      List<Future<Client>> running = new ArrayList<>();
      for (Client client : clients) {
        running.add(
            pool.submit(
                () -> {
                  start.await();
                  return client.call();
                }));
      }
      started = System.nanoTime();
      start.countDown();
      for (Future<Client> client : running) client.get(120, TimeUnit.SECONDS);
      ended = System.nanoTime();
    } finally {
      pool.shutdownNow();
    }

    List<String> staleCells = new ArrayList<>();
    List<String> versionMismatches = new ArrayList<>();
    long missingVersions = 0;
    for (int row = 0; row < codes.size(); row++) {
      String code = codes.get(row);
      JsonNode stored = read(code);
      long acknowledged = 0;
      for (Client client : clients) {
        if (!client.code.equals(code)) continue;
        acknowledged += client.acknowledged;
        if (client.lastAcknowledged != null && !client.field.holds(stored, client.lastAcknowledged))
          staleCells.add(
              code
                  + "."
                  + client.field.name()
                  + " = "
                  + stored.get(client.field.name())
                  + ", last acknowledged "
                  + client.lastAcknowledged);
      }
      long grown = stored.get("version").asLong() - versionsBefore.get(row);
      if (grown != acknowledged)
        versionMismatches.add(
            code + ": +" + grown + " versions for " + acknowledged + " acknowledged updates");
      missingVersions += Math.max(0, acknowledged - grown);
    }
    return new Report(
        staleCells,
        versionMismatches,
        missingVersions,
        clients.stream().mapToLong(c -> c.acknowledged).sum(),
        clients.stream().mapToLong(c -> c.serverErrors).sum(),
        clients.stream().mapToLong(c -> c.busy).sum(),
        clients.stream().mapToLong(c -> c.otherFailures).sum(),
        Duration.ofNanos(ended - started));
  }

  private JsonNode read(String code) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(API + code))
            .timeout(Duration.ofSeconds(30))
            .header("X-Internal-Secret", secret)
            .GET()
            .build();
    HttpResponse<String> response =
        http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (response.statusCode() != 200)
      throw new AssertionError(
          "GET " + code + ": " + response.statusCode() + " " + response.body());
    return ServiceHarness.json(response.body()).get("data");
  }
}

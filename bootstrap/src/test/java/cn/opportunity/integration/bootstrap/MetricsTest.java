package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import cn.opportunity.integration.adapter.http.HttpMetrics;
import cn.opportunity.integration.adapter.http.Outcome;
import cn.opportunity.integration.adapter.persistence.StoreDatabase;
import cn.opportunity.integration.adapter.xiaoman.FakeXiaomanServer;
import cn.opportunity.integration.adapter.xiaoman.XiaomanClient;
import cn.opportunity.integration.adapter.xiaoman.XiaomanFlowDictionary;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshotStore;
import cn.opportunity.integration.domain.dictionary.ReloadLease;
import cn.opportunity.integration.domain.testing.HostileBodies;
import cn.opportunity.integration.domain.testing.TestSecrets;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of the real service over a real SQLite file (CONTRACT §6, docs/metrics.md):
 * bounded labels after a fuzz of hostile requests, the Prometheus text format with every family the
 * contract names, {@code OPP_METRICS=false}, and the Grafana dashboard's queries.
 */
class MetricsTest {
  /** Requests of the fuzz run: {@code -Dfuzz.metricsCases=…}; {@code -Dfuzz.seed=…} replays. */
  static final int CASES = HostileBodies.cases("fuzz.metricsCases", 600);

  /** Every route template the service serves, and the one value of every other path. */
  static final Set<String> ROUTES =
      Set.of(
          "/api/opportunities/integration/update",
          "/api/opportunities/integration/batch-update",
          "/api/opportunities/integration/{opportunityCode}",
          "/api/opportunities/integration/{opportunityCode}/history",
          "/api/opportunities/stages",
          "/health",
          "/health/live",
          "/health/ready",
          "/openapi.json",
          "/metrics",
          HttpMetrics.UNMATCHED_ROUTE);

  /** The outcome names of the request, reload and Xiaoman call metrics. */
  static final Set<String> OUTCOMES = outcomes();

  /** More series than this after the fuzz means a label that grows with what callers send. */
  static final int MAX_SERIES = 1_500;

  /** What a label value of the JVM's and the pool's metrics may hold (memory pools, GC causes). */
  static final Pattern PLAIN_LABEL_VALUE = Pattern.compile("[A-Za-z0-9 ._'()/:-]{0,64}");

  /** One sample line: name, optional labels, value, optional timestamp. */
  static final Pattern SAMPLE =
      Pattern.compile(
          "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? ([-+]?(?:[0-9.eE+-]+|NaN|Inf))( -?[0-9]+)?");

  static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"(,|$)");

  @TempDir Path dir;
  ServiceHarness service;
  FakeXiaomanServer xiaoman;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() {
    if (service != null) service.close();
    if (xiaoman != null) xiaoman.close();
  }

  private static Set<String> outcomes() {
    Set<String> names = new TreeSet<>();
    for (Outcome outcome : Outcome.values()) names.add(outcome.label());
    for (XiaomanClient.CallOutcome outcome : XiaomanClient.CallOutcome.values())
      names.add(outcome.name().toLowerCase(java.util.Locale.ROOT));
    for (XiaomanFlowDictionary.ReloadOutcome outcome : XiaomanFlowDictionary.ReloadOutcome.values())
      names.add(outcome.name().toLowerCase(java.util.Locale.ROOT));
    return names;
  }

  // --- the fuzz --------------------------------------------------------------------------------

  @Test
  void keepsEveryLabelBoundedAndShowsNoCodeOrSecretAfterAFuzzOfHostileRequests() throws Exception {
    long seed = HostileBodies.seed();
    Random random = new Random(seed);
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < 5; i++) codes.add("OPP-MX" + Long.toString(random.nextLong() >>> 1, 36));
    service = new ServiceHarness(dir);
    // Each request from its own X-Forwarded-For address, believed from the loopback peer: otherwise
    // the failed-secret throttle of 127.0.0.1 answers most of the fuzz 429 once a few wrong
    // secrets have gone by (how soon depends on the machine's speed), and few routes are reached.
    service.environment.put("OPP_TRUSTED_PROXIES", "127.0.0.1");
    service.importLines(
        codes.stream()
            .map(code -> "{\"opportunityCode\":\"" + code + "\",\"opportunityName\":\"指标\"}")
            .toArray(String[]::new));
    service.start();
    HostileBodies bodies = new HostileBodies(seed, codes);
    Set<String> sentMarkers = new LinkedHashSet<>(codes); // nothing of these may show
    sentMarkers.add(ServiceHarness.SECRET);
    String[] methods = {"GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "BREW"};
    for (int i = 0; i < CASES; i++) {
      String marker = "mx" + Long.toString(random.nextLong() >>> 1, 36); // unbounded, unique
      sentMarkers.add(marker);
      String code = random.nextBoolean() ? codes.get(random.nextInt(codes.size())) : marker;
      String path =
          switch (random.nextInt(9)) {
            case 0 -> "/api/opportunities/integration/update";
            case 1 -> "/api/opportunities/integration/batch-update";
            case 2 -> "/api/opportunities/integration/" + code;
            case 3 ->
                "/api/opportunities/integration/"
                    + code
                    + "/history?limit="
                    + random.nextInt(200)
                    + "&before="
                    + marker;
            case 4 -> "/" + marker + "/" + code;
            case 5 -> "/api/opportunities/" + marker;
            case 6 -> "/metrics/" + marker;
            case 7 -> "/health/" + marker;
            default -> "/api/opportunities/integration/" + code + "/" + marker;
          };
      byte[] body =
          switch (random.nextInt(4)) {
            case 0 -> bodies.next().bytes();
            case 1 ->
                ("{\"opportunityCode\":\"" + code + "\",\"source\":\"" + marker + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            case 2 ->
                ("[{\"opportunityCode\":\""
                        + code
                        + "\",\"amount\":\"1.5\"},{\"opportunityCode\":\""
                        + marker
                        + "\"}]")
                    .getBytes(StandardCharsets.UTF_8);
            default -> new byte[0];
          };
      String secret =
          switch (random.nextInt(3)) {
            case 0 -> ServiceHarness.SECRET;
            case 1 -> "wrong-secret-" + marker + "-" + UUID.randomUUID();
            default -> null;
          };
      if (secret != null) sentMarkers.add(secret);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.server().port() + path))
              .timeout(Duration.ofSeconds(30))
              .method(
                  methods[random.nextInt(methods.length)],
                  HttpRequest.BodyPublishers.ofByteArray(body))
              .header("Content-Type", random.nextBoolean() ? "application/json" : marker + "/x")
              .header("X-Request-Id", marker)
              .header("X-Forwarded-For", "10.9." + random.nextInt(256) + "." + random.nextInt(256));
      if (secret != null) request.header("X-Internal-Secret", secret);
      if (random.nextInt(4) == 0)
        request.header("X-Dry-Run", random.nextBoolean() ? "true" : marker);
      if (random.nextInt(4) == 0) request.header("If-Match", "\"" + random.nextInt(3) + "\"");
      try {
        client.send(request.build(), HttpResponse.BodyHandlers.discarding());
      } catch (IOException refusedOrClosed) {
        // a connection the server closed on a refusal: what counts is what the metrics show
      }
    }

    String text = scrape(service).body();
    List<Sample> samples = parse(text);
    Set<String> problems = new TreeSet<>();
    for (Sample sample : samples) {
      for (Map.Entry<String, String> label : sample.labels().entrySet()) {
        String value = label.getValue();
        boolean allowed =
            switch (label.getKey()) {
              case "route" -> ROUTES.contains(value);
              case "status" -> value.matches("[1-5][0-9][0-9]");
              case "outcome" -> OUTCOMES.contains(value);
              case "le", "quantile" -> value.matches("[0-9.eE+-]+|\\+Inf");
              default -> PLAIN_LABEL_VALUE.matcher(value).matches();
            };
        if (!allowed) problems.add(sample.name() + ": " + label.getKey() + "=\"" + value + "\"");
      }
    }
    assertEquals(Set.of(), problems, "label values outside their fixed sets (seed " + seed + ")");
    for (String sent : sentMarkers)
      assertFalse(text.contains(sent), "the scrape shows what a caller sent: " + sent);
    assertTrue(
        samples.size() < MAX_SERIES,
        samples.size() + " series after " + CASES + " requests (seed " + seed + ")");
    Set<String> requestSeries =
        samples.stream()
            .filter(s -> s.name().equals("http_server_requests_seconds_count"))
            .map(s -> s.labels().toString())
            .collect(Collectors.toSet());
    assertTrue(requestSeries.size() > 10, "the fuzz reached many routes: " + requestSeries);
    assertTrue(
        requestSeries.stream().anyMatch(s -> s.contains("route=unmatched")), "" + requestSeries);
  }

  // --- the format and the families ---------------------------------------------------------------

  @Test
  void servesThePrometheusTextFormatWithEveryFamilyTheContractNames() throws Exception {
    String text = scrapeOfEveryFamily();
    List<Sample> samples = parse(text);
    Set<String> names = samples.stream().map(Sample::name).collect(Collectors.toSet());
    for (String family :
        List.of(
            "http_server_requests_seconds_bucket", // requests by route, status, outcome; latency
            "http_server_requests_seconds_count",
            "http_server_requests_seconds_sum",
            "opp_group_commit_batch_size_bucket", // group commit
            "opp_group_commit_batch_size_count",
            "opp_store_updates_waiting",
            "hikaricp_connections_active", // the pool (PostgreSQL's: see scrapeOfEveryFamily)
            "hikaricp_connections_pending",
            "opp_dictionary_age_seconds",
            "opp_dictionary_reloads_total",
            "opp_xiaoman_calls_total",
            "jvm_memory_used_bytes",
            "jvm_gc_memory_allocated_bytes_total",
            "jvm_gc_pause_seconds_count",
            "jvm_threads_live_threads",
            "jvm_classes_loaded_classes",
            "process_uptime_seconds",
            "process_cpu_usage"))
      assertTrue(names.contains(family), family + " missing from:\n" + text);
    assertTrue(
        text.contains(
            "http_server_requests_seconds_count{outcome=\"success\","
                + "route=\"/api/opportunities/integration/update\",status=\"200\"} 1"),
        text);
    assertTrue(text.contains("opp_dictionary_reloads_total{outcome=\"success\"} 1"), text);
    assertTrue(text.contains("opp_group_commit_batch_size_count 1"), text);
    assertTrue(text.contains("# TYPE http_server_requests_seconds histogram"), text);
    for (String name : names)
      assertFalse(
          name.matches(".*_(ns|ms|milliseconds|nanoseconds)(_.*)?"),
          name + " is not in base units");
  }

  /**
   * The scrape of a service on Xiaoman's dictionary after one update, with, in its registry, a
   * HikariCP pool's metrics as the PostgreSQL store binds them ({@link StoreDatabase#meterPool}) —
   * the pool here on a SQLite file, so that no PostgreSQL is needed to see the names.
   */
  private String scrapeOfEveryFamily() throws Exception {
    xiaoman = new FakeXiaomanServer();
    service = new ServiceHarness(dir);
    service.importLines("{\"opportunityCode\":\"OPP-M-1\",\"opportunityName\":\"指标\"}");
    service.environment.put("OPP_DICTIONARY", "xiaoman");
    service.environment.put("XIAOMAN_BASE_URL", xiaoman.baseUrl().toString());
    service.environment.put("XIAOMAN_CLIENT_ID", FakeXiaomanServer.CLIENT_ID);
    service.environment.put("XIAOMAN_CLIENT_SECRET", TestSecrets.XIAOMAN_CLIENT_SECRET);
    service.environment.put("XIAOMAN_FLOW_IDS", FakeXiaomanServer.FLOW_WITH_PUBLISHED_STAGES);
    service.start();
    assertEquals(
        200, service.put("{\"opportunityCode\":\"OPP-M-1\",\"source\":\"甲\"}").statusCode());
    System.gc(); // JvmGcMetrics registers its pause timer at the first collection it is told of
    HttpResponse<String> answer = scrape(service);
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!answer.body().contains("jvm_gc_pause_seconds_count") && System.nanoTime() < end) {
      Thread.sleep(20);
      answer = scrape(service);
    }
    assertEquals(200, answer.statusCode());
    assertEquals(Metrics.CONTENT_TYPE, answer.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(PrometheusTextFormatWriter.CONTENT_TYPE, Metrics.CONTENT_TYPE);
    return answer.body() + hikariScrape();
  }

  private String hikariScrape() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setPoolName("opp-postgres");
    config.setJdbcUrl("jdbc:sqlite:" + dir.resolve("pool.db"));
    config.setMaximumPoolSize(2);
    try (Metrics metrics = new Metrics();
        HikariDataSource pool = new HikariDataSource(config)) {
      metrics.bindStore(
          new StoreDatabase() {
            @Override
            public OpportunityStore opportunityStore() {
              throw new UnsupportedOperationException();
            }

            @Override
            public DictionarySnapshotStore dictionarySnapshotStore() {
              throw new UnsupportedOperationException();
            }

            @Override
            public ReloadLease reloadLease() {
              return ReloadLease.alone();
            }

            @Override
            public String jdbcUrl() {
              return config.getJdbcUrl();
            }

            @Override
            public void meterPool(Object meterRegistry) {
              pool.setMetricRegistry(meterRegistry);
            }

            @Override
            public void close() {}
          });
      try (Connection used = pool.getConnection()) {
        String text = metrics.scrape();
        assertTrue(text.contains("hikaricp_connections_active{pool=\"opp-postgres\"} 1"), text);
        return text.lines().filter(line -> line.contains("hikaricp_")).collect(joiningLines());
      }
    }
  }

  private static java.util.stream.Collector<CharSequence, ?, String> joiningLines() {
    return Collectors.joining("\n", "\n", "\n");
  }

  @Test
  void offAnswersMetricsAsAnyUnknownPath() throws Exception {
    service = new ServiceHarness(dir);
    service.environment.put("OPP_METRICS", "false");
    service.start();
    HttpResponse<String> metrics = scrape(service);
    HttpResponse<String> unknown =
        service.send(HttpRequest.newBuilder(service.uri("/no-such-path")).GET());
    assertEquals(404, metrics.statusCode());
    assertEquals(unknown.body(), metrics.body());
    assertEquals(
        unknown.headers().firstValue("Content-Type"), metrics.headers().firstValue("Content-Type"));
  }

  // --- the dashboard -----------------------------------------------------------------------------

  @Test
  void theGrafanaDashboardQueriesOnlyMetricsTheServiceExports() throws Exception {
    Path file = Path.of("..", "docs", "grafana-dashboard.json");
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(file));
    List<String> expressions = new ArrayList<>();
    collectExpressions(dashboard, expressions);
    assertTrue(expressions.size() >= 8, "the main panels: " + expressions);
    Set<String> exported =
        parse(scrapeOfEveryFamily()).stream().map(Sample::name).collect(Collectors.toSet());
    Pattern metricName = Pattern.compile("\\b(?:http|opp|jvm|process|hikaricp|system)_[a-z0-9_]+");
    Set<String> missing = new TreeSet<>();
    for (String expression : expressions) {
      Matcher m = metricName.matcher(expression);
      boolean any = false;
      while (m.find()) {
        any = true;
        if (!exported.contains(m.group())) missing.add(m.group() + " in " + expression);
      }
      assertTrue(any, "a query without a metric of the service: " + expression);
    }
    assertEquals(Set.of(), missing, "queried but not exported");
  }

  private static void collectExpressions(JsonNode node, List<String> found) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              field -> {
                if (field.getKey().equals("expr")) found.add(field.getValue().asText());
                else collectExpressions(field.getValue(), found);
              });
    } else if (node.isArray()) node.forEach(child -> collectExpressions(child, found));
  }

  // --- helpers ---------------------------------------------------------------------------------

  private HttpResponse<String> scrape(ServiceHarness running) throws Exception {
    return client.send(
        HttpRequest.newBuilder(running.uri("/metrics")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** One sample of the text: its name and labels. */
  record Sample(String name, Map<String, String> labels) {}

  /**
   * The samples of a Prometheus text exposition (format 0.0.4), failing on any line that is not a
   * comment ({@code # HELP}, {@code # TYPE} with a known type) or a well-formed sample of a family
   * declared before it.
   */
  static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Set<String> families = new LinkedHashSet<>();
    Set<String> types = Set.of("counter", "gauge", "histogram", "summary", "untyped");
    for (String line : text.split("\n")) {
      if (line.isEmpty()) continue;
      if (line.startsWith("# HELP ")) continue;
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        assertEquals(4, parts.length, line);
        assertTrue(types.contains(parts[3]), line);
        families.add(parts[2]);
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) fail("not a sample line: " + line);
      String name = m.group(1);
      boolean declared =
          families.contains(name)
              || Arrays.stream(new String[] {"_bucket", "_count", "_sum", "_total", "_created"})
                  .anyMatch(
                      suffix ->
                          name.endsWith(suffix)
                              && families.contains(
                                  name.substring(0, name.length() - suffix.length())));
      assertTrue(declared, "a sample of no declared family: " + line);
      Map<String, String> labels = new HashMap<>();
      if (m.group(3) != null && !m.group(3).isEmpty()) {
        Matcher l = LABEL.matcher(m.group(3));
        int end = 0;
        while (l.find() && l.start() == end) {
          labels.put(l.group(1), l.group(2));
          end = l.end();
        }
        assertEquals(m.group(3).length(), end, "malformed labels: " + line);
      }
      samples.add(new Sample(name, labels));
    }
    return samples;
  }
}

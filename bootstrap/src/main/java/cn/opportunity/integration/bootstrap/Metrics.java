package cn.opportunity.integration.bootstrap;

import cn.opportunity.integration.adapter.http.HttpMetrics;
import cn.opportunity.integration.adapter.http.Outcome;
import cn.opportunity.integration.adapter.persistence.StoreDatabase;
import cn.opportunity.integration.adapter.xiaoman.XiaomanClient;
import cn.opportunity.integration.adapter.xiaoman.XiaomanFlowDictionary;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The service's metrics (CONTRACT §6, docs/metrics.md): Micrometer with its Prometheus registry,
 * served at {@code GET /metrics}. Every label value comes from a fixed set — route templates,
 * statuses the service answers, outcome names, a dictionary source, a pool name — never an
 * opportunity code, a secret, a header or a request id.
 *
 * <p>The request path pays one map lookup and one timer record: each (route, status, outcome) has
 * its timer made once and kept. Everything else is read when Prometheus scrapes.
 */
final class Metrics implements HttpMetrics, AutoCloseable {
  /** The Prometheus text exposition format 0.0.4, as {@link PrometheusMeterRegistry#scrape()}. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Latency buckets: an update takes about a millisecond; a stall of seconds must show. */
  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2_500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  /** Group-commit batch-size buckets: powers of two up to the writer's largest batch (256). */
  static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256};

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<RequestKind, Timer> requests = new ConcurrentHashMap<>();
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /** What one request's timer is kept by. */
  private record RequestKind(String route, int status, Outcome outcome) {}

  /**
   * Builds the metrics with {@code build} ({@code Metrics::new}; a test's failing one) on a thread
   * of their own: the registry and the JVM's binders are ≈ 0.3 s of class loading, which then
   * overlaps the store's opening and the HTTP server's start instead of adding to the start
   * (docs/performance.md, goal 3).
   */
  static CompletableFuture<Metrics> buildInBackground(Supplier<Metrics> build) {
    return CompletableFuture.supplyAsync(
        build,
        task -> {
          Thread building = new Thread(task, "metrics-start");
          building.setDaemon(true);
          building.start();
        });
  }

  /**
   * The HTTP face of metrics being built: each call waits until they are. Only the first request
   * may wait: the server sends it itself before it answers ready ({@code Server}).
   */
  record WhenBuilt(CompletableFuture<Metrics> metrics) implements HttpMetrics {
    @Override
    public void answered(String route, int status, Outcome outcome, long nanos) {
      metrics.join().answered(route, status, outcome, nanos);
    }

    @Override
    public String scrape() {
      return metrics.join().scrape();
    }

    @Override
    public String contentType() {
      return CONTENT_TYPE;
    }
  }

  /** The registry with the JVM's and the process's metrics bound. */
  Metrics() {
    // process_cpu_time_ns_total: nanoseconds, against Prometheus's base units; process_cpu_usage
    // and process_uptime_seconds say the same in base units
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /** {@code http_server_requests_seconds{route, status, outcome}}: a histogram. */
  @Override
  public void answered(String route, int status, Outcome outcome, long nanos) {
    RequestKind kind = new RequestKind(route, status, outcome);
    Timer timer = requests.get(kind);
    if (timer == null) timer = requests.computeIfAbsent(kind, this::requestTimer);
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer requestTimer(RequestKind kind) {
    return Timer.builder("http.server.requests")
        .description("Answered requests by route template, status and outcome, and their latency")
        .tag("route", kind.route())
        .tag("status", Integer.toString(kind.status()))
        .tag("outcome", kind.outcome().label())
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }

  /**
   * The store's metrics: each group commit's number of updates, the updates waiting for the writer
   * and, for PostgreSQL, HikariCP's pool metrics.
   */
  void bindStore(StoreDatabase database) {
    DistributionSummary batches =
        DistributionSummary.builder("opp.group.commit.batch.size")
            .description("Updates that shared one group commit (one transaction, one sync)")
            .serviceLevelObjectives(BATCH_BUCKETS)
            .register(registry);
    database.onGroupCommit(batches::record);
    Gauge.builder("opp.store.updates.waiting", database, StoreDatabase::updatesWaiting)
        .description("Updates waiting for the store's group-commit writer")
        .register(registry);
    database.meterPool(registry);
  }

  /** The dictionary's age; for Xiaoman, its reloads and the calls to Xiaoman, each by outcome. */
  void bindDictionary(FlowDictionary dictionary, Clock clock) {
    Gauge.builder("opp.dictionary.age", dictionary, d -> ageSeconds(d, clock))
        .description("Age of the stage dictionary in force (NaN while none is loaded)")
        .baseUnit("seconds")
        .tag("source", dictionary.source())
        .register(registry);
    if (!(dictionary instanceof XiaomanFlowDictionary xiaoman)) return;
    for (XiaomanFlowDictionary.ReloadOutcome outcome : XiaomanFlowDictionary.ReloadOutcome.values())
      FunctionCounter.builder("opp.dictionary.reloads", xiaoman, x -> x.reloads(outcome))
          .description("Reloads of the stage dictionary from Xiaoman by outcome")
          .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
          .register(registry);
    for (XiaomanClient.CallOutcome outcome : XiaomanClient.CallOutcome.values())
      FunctionCounter.builder("opp.xiaoman.calls", xiaoman, x -> x.calls(outcome))
          .description("HTTP exchanges with Xiaoman by outcome, each retry counted")
          .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
          .register(registry);
  }

  private static double ageSeconds(FlowDictionary dictionary, Clock clock) {
    return dictionary
        .current()
        .map(s -> Duration.between(s.loadedAt(), clock.instant()).toMillis() / 1000.0)
        .orElse(Double.NaN);
  }

  @Override
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}

package cn.opportunity.integration.bootstrap;

import cn.opportunity.integration.adapter.http.HttpApi;
import cn.opportunity.integration.adapter.http.HttpApiConfig;
import cn.opportunity.integration.adapter.http.HttpMetrics;
import cn.opportunity.integration.adapter.http.Readiness;
import cn.opportunity.integration.adapter.persistence.StoreDatabase;
import cn.opportunity.integration.adapter.xiaoman.XiaomanClient;
import cn.opportunity.integration.adapter.xiaoman.XiaomanConfig;
import cn.opportunity.integration.adapter.xiaoman.XiaomanFlowDictionary;
import cn.opportunity.integration.application.ExportOpportunities;
import cn.opportunity.integration.application.ImportOpportunities;
import cn.opportunity.integration.application.PruneHistory;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The object graph, written by hand: the one place that calls adapter constructors. Read it top to
 * bottom to know what the service is made of. The store is opened on first use and closed by {@link
 * #close()}.
 */
final class Wiring implements AutoCloseable {
  /** The longest a start waits for Xiaoman before serving the saved snapshot (or none). */
  static final Duration XIAOMAN_START_BOUND = Duration.ofSeconds(5);

  /** When the history retention first runs after a start, and how often after that. */
  static final Duration RETENTION_FIRST_RUN = Duration.ofSeconds(1);

  static final Duration RETENTION_INTERVAL = Duration.ofMinutes(10);

  private static final Logger log = LoggerFactory.getLogger(Wiring.class);

  private final AppConfig config;
  private final Clock clock;
  private final FlowDictionary dictionary;
  private final UpdatePolicy policy;
  private final UnaryOperator<OpportunityStore> storeDecorator;
  private final Readiness readiness = Readiness.starting();
  // OPP_METRICS, on by default: built in the background from the start (Metrics.buildInBackground)
  private final Optional<CompletableFuture<Metrics>> metrics;
  private StoreDatabase database;
  private ScheduledExecutorService retention;

  Wiring(AppConfig config, Clock clock) {
    this(config, clock, UnaryOperator.identity());
  }

  /**
   * @param storeDecorator wraps the store the use cases get: a seam for fault-injection tests
   */
  Wiring(AppConfig config, Clock clock, UnaryOperator<OpportunityStore> storeDecorator) {
    this(config, clock, storeDecorator, Metrics::new);
  }

  /**
   * @param buildMetrics builds the metrics (in the background) when {@code OPP_METRICS} is on: a
   *     seam for a test of a build that fails
   */
  Wiring(
      AppConfig config,
      Clock clock,
      UnaryOperator<OpportunityStore> storeDecorator,
      Supplier<Metrics> buildMetrics) {
    this.config = config;
    this.clock = clock;
    this.storeDecorator = storeDecorator;
    this.metrics =
        config.metrics() ? Optional.of(Metrics.buildInBackground(buildMetrics)) : Optional.empty();
    this.policy = new UpdatePolicy(config.timezone());
    this.dictionary =
        config.dictionary() == AppConfig.DictionarySource.XIAOMAN
            ? xiaomanDictionary()
            : localDictionary();
  }

  private FlowDictionary localDictionary() {
    return config
        .stagesFile()
        .map(file -> new FixedFlowDictionary(StagesFile.read(file, clock.instant())))
        .orElseGet(() -> FixedFlowDictionary.builtIn(clock.instant()));
  }

  /**
   * Xiaoman's live flows; the last good snapshot is kept in the store. Starts within a few seconds.
   */
  private FlowDictionary xiaomanDictionary() {
    AppConfig.XiaomanSettings settings = config.xiaoman();
    XiaomanConfig xiaoman =
        new XiaomanConfig(
            URI.create(settings.baseUrl()),
            settings.clientId().orElseThrow(),
            settings.clientSecret().orElseThrow(),
            settings.grantType().equals("password")
                ? XiaomanConfig.GrantType.PASSWORD
                : XiaomanConfig.GrantType.CLIENT_CREDENTIALS,
            settings.username(),
            settings.password(),
            settings.scope(),
            settings.connectTimeout(),
            settings.requestTimeout());
    XiaomanFlowDictionary dictionary =
        new XiaomanFlowDictionary(
            new XiaomanClient(xiaoman, clock),
            database().dictionarySnapshotStore(),
            database().reloadLease(),
            clock,
            settings.flowIds());
    dictionary.start(XIAOMAN_START_BOUND, settings.refreshInterval());
    return dictionary;
  }

  FlowDictionary dictionary() {
    return dictionary;
  }

  /** SQLite or PostgreSQL, as {@code OPP_DB_URL} says. */
  synchronized StoreDatabase database() {
    if (database == null)
      database =
          StoreDatabase.open(
              config.dbUrl(),
              config.dbLogin().user(),
              config.dbLogin().password(),
              config.dbLogin().poolSize());
    return database;
  }

  private OpportunityStore store() {
    return storeDecorator.apply(database().opportunityStore());
  }

  ImportOpportunities importOpportunities() {
    return new ImportOpportunities(store(), dictionary, policy, clock);
  }

  ExportOpportunities exportOpportunities() {
    return new ExportOpportunities(store());
  }

  /**
   * The HTTP server on this graph, configured and not started yet; with {@code OPP_METRICS}, its
   * {@code GET /metrics} shows the store and the dictionary too.
   */
  Javalin httpServer() {
    StoreDatabase opened = database();
    Optional<HttpMetrics> httpMetrics =
        metrics.map(
            building ->
                new Metrics.WhenBuilt(
                    building.thenApply(
                        m -> {
                          m.bindStore(opened);
                          m.bindDictionary(dictionary, clock);
                          return m;
                        })));
    return HttpApi.create(
        new HttpApiConfig(
            config.callers(),
            HttpApiConfig.DEFAULT_AUTH_FAILURES_PER_MINUTE,
            Clock.systemUTC(),
            config.trustedProxies()),
        HttpApi.UseCases.over(store(), dictionary, policy, clock),
        readiness,
        httpMetrics);
  }

  /**
   * Waits until the metrics built in the background are (the server's own first request has waited
   * for them already, so at once in practice); a build that failed fails the start here, as it did
   * when the metrics were built before the store, rather than every request after it.
   */
  void awaitMetrics() {
    metrics.ifPresent(CompletableFuture::join);
  }

  /** What {@code GET /health/ready} follows: the server marks its start and its stop here. */
  Readiness readiness() {
    return readiness;
  }

  /**
   * With {@code OPP_HISTORY_RETENTION} set: prunes older history records in the background, soon
   * after the start and then every {@link #RETENTION_INTERVAL}, on a thread of its own.
   */
  synchronized void startHistoryRetention() {
    if (config.historyRetention().isEmpty() || retention != null) return;
    PruneHistory prune = new PruneHistory(store(), config.historyRetention().get(), clock);
    retention =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "history-retention");
              thread.setDaemon(true);
              return thread;
            });
    // The task's stage is never read: a failed run is logged and the next one tries again.
    @SuppressWarnings("FutureReturnValueIgnored")
    var unused =
        retention.scheduleWithFixedDelay(
            () -> {
              try {
                long deleted = prune.run();
                if (deleted > 0) log.info("history retention: {} records deleted", deleted);
              } catch (RuntimeException e) {
                log.warn("history retention failed, tried again later: {}", e.toString());
              }
            },
            RETENTION_FIRST_RUN.toMillis(),
            RETENTION_INTERVAL.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (retention != null) retention.shutdownNow();
    retention = null;
    if (dictionary instanceof XiaomanFlowDictionary xiaoman) xiaoman.close();
    if (database != null) database.close();
    database = null;
    metrics.ifPresent( // once built (a fraction of a second after the start at most)
        building -> {
          if (!building.isCompletedExceptionally()) building.join().close();
        });
  }
}

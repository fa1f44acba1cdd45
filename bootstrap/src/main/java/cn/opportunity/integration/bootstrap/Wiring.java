package cn.opportunity.integration.bootstrap;

import cn.opportunity.integration.adapter.http.HttpApi;
import cn.opportunity.integration.adapter.http.HttpApiConfig;
import cn.opportunity.integration.adapter.persistence.SqliteDatabase;
import cn.opportunity.integration.adapter.xiaoman.XiaomanClient;
import cn.opportunity.integration.adapter.xiaoman.XiaomanConfig;
import cn.opportunity.integration.adapter.xiaoman.XiaomanFlowDictionary;
import cn.opportunity.integration.application.ApplyIntegrationUpdate;
import cn.opportunity.integration.application.CheckHealth;
import cn.opportunity.integration.application.GetOpportunity;
import cn.opportunity.integration.application.ImportOpportunities;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The object graph, written by hand: the one place that calls adapter constructors. Read it top to
 * bottom to know what the service is made of. The store is opened on first use and closed by {@link
 * #close()}.
 */
final class Wiring implements AutoCloseable {
  /** The longest a start waits for Xiaoman before serving the saved snapshot (or none). */
  static final Duration XIAOMAN_START_BOUND = Duration.ofSeconds(5);

  private final AppConfig config;
  private final Clock clock;
  private final FlowDictionary dictionary;
  private final UpdatePolicy policy;
  private final UnaryOperator<OpportunityStore> storeDecorator;
  private SqliteDatabase database;

  Wiring(AppConfig config, Clock clock) {
    this(config, clock, UnaryOperator.identity());
  }

  /**
   * @param storeDecorator wraps the store the use cases get: a seam for fault-injection tests
   */
  Wiring(AppConfig config, Clock clock, UnaryOperator<OpportunityStore> storeDecorator) {
    this.config = config;
    this.clock = clock;
    this.storeDecorator = storeDecorator;
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
            settings.flowIds());
    dictionary.start(XIAOMAN_START_BOUND, settings.refreshInterval());
    return dictionary;
  }

  FlowDictionary dictionary() {
    return dictionary;
  }

  synchronized SqliteDatabase database() {
    if (database == null) database = SqliteDatabase.open(config.dbUrl());
    return database;
  }

  private OpportunityStore store() {
    return storeDecorator.apply(database().opportunityStore());
  }

  ImportOpportunities importOpportunities() {
    return new ImportOpportunities(store(), dictionary, policy, clock);
  }

  /** The HTTP server on this graph, configured and not started yet. */
  Javalin httpServer() {
    return HttpApi.create(
        HttpApiConfig.of(config.internalSecrets()),
        new ApplyIntegrationUpdate(store(), dictionary, policy, clock),
        new GetOpportunity(store()),
        new CheckHealth(store(), dictionary, clock));
  }

  @Override
  public synchronized void close() {
    if (dictionary instanceof XiaomanFlowDictionary xiaoman) xiaoman.close();
    if (database != null) database.close();
    database = null;
  }
}

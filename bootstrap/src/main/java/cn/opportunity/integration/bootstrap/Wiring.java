package cn.opportunity.integration.bootstrap;

import cn.opportunity.integration.adapter.http.HttpApi;
import cn.opportunity.integration.adapter.http.HttpApiConfig;
import cn.opportunity.integration.adapter.persistence.SqliteDatabase;
import cn.opportunity.integration.application.ApplyIntegrationUpdate;
import cn.opportunity.integration.application.CheckHealth;
import cn.opportunity.integration.application.GetOpportunity;
import cn.opportunity.integration.application.ImportOpportunities;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import io.javalin.Javalin;
import java.time.Clock;

/**
 * The object graph, written by hand: the one place that calls adapter constructors. Read it top to
 * bottom to know what the service is made of. The store is opened on first use and closed by
 * {@link #close()}.
 */
final class Wiring implements AutoCloseable {
  private final AppConfig config;
  private final Clock clock;
  private final FlowDictionary dictionary;
  private final UpdatePolicy policy;
  private SqliteDatabase database;

  Wiring(AppConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.dictionary = dictionary(config, clock);
    this.policy = new UpdatePolicy(config.timezone());
  }

  private static FlowDictionary dictionary(AppConfig config, Clock clock) {
    return config.stagesFile()
        .map(file -> new FixedFlowDictionary(StagesFile.read(file, clock.instant())))
        .orElseGet(() -> FixedFlowDictionary.builtIn(clock.instant()));
  }

  FlowDictionary dictionary() {
    return dictionary;
  }

  synchronized SqliteDatabase database() {
    if (database == null) database = SqliteDatabase.open(config.dbUrl());
    return database;
  }

  private OpportunityStore store() {
    return database().opportunityStore();
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
    if (database != null) database.close();
    database = null;
  }
}

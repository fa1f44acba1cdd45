package cn.opportunity.integration.adapter.persistence;

import cn.opportunity.integration.adapter.persistence.testing.PostgresServer;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.testing.OpportunityStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The PostgreSQL store on a real, private server: the same store contract as SQLite's. */
class PostgresOpportunityStoreTest extends OpportunityStoreContract {
  private PostgresDatabase database;

  @Override
  protected OpportunityStore newStore() {
    PostgresServer.Database db = PostgresServer.shared().newMigratedDatabase();
    database = PostgresDatabase.open(db.url(), db.user(), db.password(), 10);
    return database.opportunityStore();
  }

  @AfterEach
  void closeDatabase() {
    if (database != null) database.close();
  }
}

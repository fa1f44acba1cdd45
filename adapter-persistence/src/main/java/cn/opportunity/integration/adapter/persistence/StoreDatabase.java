package cn.opportunity.integration.adapter.persistence;

import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshotStore;
import cn.opportunity.integration.domain.dictionary.ReloadLease;
import java.util.function.IntConsumer;

/**
 * A database that keeps the service's stores: SQLite ({@link SqliteDatabase}, the embedded default)
 * or PostgreSQL ({@link PostgresDatabase}, CONTRACT §6), chosen by its JDBC URL.
 */
public interface StoreDatabase extends AutoCloseable {
  /** The store of opportunities; the same instance on every call. */
  OpportunityStore opportunityStore();

  /** The store of the last good dictionary of each remote source; the same on every call. */
  DictionarySnapshotStore dictionarySnapshotStore();

  /**
   * Whose turn it is to reload a remote dictionary, among the instances that share this database
   * (always this one's on SQLite, which serves one instance).
   */
  ReloadLease reloadLease();

  String jdbcUrl();

  /**
   * For the metrics (CONTRACT §6): tells {@code listener}, from now on, the number of updates that
   * shared each group commit; it runs on the writer's thread, so it must be quick and never throw.
   * Nothing for a store without group commit.
   */
  default void onGroupCommit(IntConsumer listener) {}

  /** For the metrics: updates waiting for the group-commit writer now (0 without one). */
  default int updatesWaiting() {
    return 0;
  }

  /**
   * For the metrics: lets the connection pool report to {@code meterRegistry}, a Micrometer {@code
   * MeterRegistry} (HikariCP's own pool metrics, {@code hikaricp_connections_*}); nothing for a
   * store without a pool. Typed {@code Object} so that this module needs no metrics library: the
   * pool checks the type.
   */
  default void meterPool(Object meterRegistry) {}

  @Override
  void close();

  /**
   * Opens the database {@code jdbcUrl} names: {@code jdbc:postgresql:} with {@code user}, {@code
   * password} and a pool of {@code poolSize}; {@code jdbc:sqlite:} without them (ignored).
   *
   * @throws IllegalArgumentException for a URL of another database
   */
  static StoreDatabase open(String jdbcUrl, String user, String password, int poolSize) {
    // SQLite first: its start (docs/performance.md) loads none of PostgreSQL's classes
    if (jdbcUrl.startsWith("jdbc:sqlite:")) return SqliteDatabase.open(jdbcUrl);
    if (PostgresDatabase.handles(jdbcUrl))
      return PostgresDatabase.open(jdbcUrl, user, password, poolSize);
    throw new IllegalArgumentException("neither a jdbc:sqlite: nor a jdbc:postgresql: URL");
  }
}

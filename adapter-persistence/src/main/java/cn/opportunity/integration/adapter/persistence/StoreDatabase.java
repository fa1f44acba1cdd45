package cn.opportunity.integration.adapter.persistence;

import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshotStore;
import cn.opportunity.integration.domain.dictionary.ReloadLease;

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

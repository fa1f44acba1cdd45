package cn.opportunity.integration.adapter.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL database (CONTRACT §6): a pool of connections (HikariCP) and its schema, created or
 * migrated by Flyway at {@link #open} from {@code db/postgresql/V<n>__*.sql} (the same versions as
 * SQLite's {@code db/migration}). Flyway holds a PostgreSQL advisory lock while it migrates, so
 * that several instances starting at once migrate once. Thread-safe; {@link #close} ends the pool.
 */
public final class PostgresDatabase implements StoreDatabase {
  private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);
  private static final String URL_PREFIX = "jdbc:postgresql:";

  /** The pool size when none is configured ({@code OPP_DB_POOL_SIZE}). */
  public static final int DEFAULT_POOL_SIZE = 10;

  /**
   * How long a caller waits for a connection: a database that is gone is answered as unavailable
   * after this, not after the pool's default 30 s.
   */
  static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

  /** How long an update may wait for the writer before it is refused as busy (as on SQLite). */
  static final Duration UPDATE_MAX_WAIT = Duration.ofSeconds(5);

  /** How long {@link #close} lets the writer finish the updates already taken (as on SQLite). */
  static final Duration CLOSE_BOUND = Duration.ofSeconds(2);

  private final HikariDataSource pool;
  private final String jdbcUrl;
  private final GroupCommitWriter writer;
  private final PostgresOpportunityStore opportunityStore;
  private final JdbiDictionarySnapshotStore dictionarySnapshotStore;
  private final PostgresReloadLease reloadLease;

  private PostgresDatabase(HikariDataSource pool, String jdbcUrl) {
    this.pool = pool;
    this.jdbcUrl = jdbcUrl;
    // the writer's lock is its own: PostgreSQL's row locks order the writes, not this process
    this.writer =
        new GroupCommitWriter(
            pool::getConnection,
            new ReentrantLock(),
            UPDATE_MAX_WAIT,
            new WriteHealth(),
            PostgresOpportunityStore.DIALECT);
    this.opportunityStore = new PostgresOpportunityStore(pool::getConnection, writer);
    // The snapshot's SQL is portable; Jdbi on the pool. The lock orders this process's saves and
    // loads; a load reads in one REPEATABLE READ transaction, so that another instance's save
    // never lands between its reads.
    Jdbi jdbi = Jdbi.create(pool);
    this.dictionarySnapshotStore =
        new JdbiDictionarySnapshotStore(
            () -> jdbi,
            new ReentrantLock(),
            new WriteHealth(),
            JdbiDictionarySnapshotStore.Reads.ONE_SNAPSHOT);
    this.reloadLease =
        new PostgresReloadLease(pool::getConnection, PostgresReloadLease.processHolder());
  }

  /** Whether {@code jdbcUrl} names a PostgreSQL database. */
  public static boolean handles(String jdbcUrl) {
    return jdbcUrl.startsWith(URL_PREFIX);
  }

  /**
   * Connects to the database and migrates its schema to the newest version.
   *
   * @param password never logged nor kept beyond the pool's configuration
   * @throws IllegalStateException when the database cannot be reached or migrated (the message
   *     holds no password)
   */
  public static PostgresDatabase open(String jdbcUrl, String user, String password, int poolSize) {
    return open(jdbcUrl, user, password, poolSize, CONNECTION_TIMEOUT);
  }

  /** {@link #open(String, String, String, int)} with a connection timeout of its own (tests). */
  static PostgresDatabase open(
      String jdbcUrl, String user, String password, int poolSize, Duration connectionTimeout) {
    if (!handles(jdbcUrl))
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
    if (poolSize < 1) throw new IllegalArgumentException("pool size below 1: " + poolSize);
    HikariConfig config = new HikariConfig();
    config.setPoolName("opp-postgres");
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(poolSize);
    config.setConnectionTimeout(connectionTimeout.toMillis());
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot connect to the PostgreSQL database " + jdbcUrl + ": " + rootMessage(e), e);
    }
    try {
      MigrateResult result =
          Flyway.configure()
              // connections of its own, not the pool's: Flyway holds one for its lock while it
              // migrates on another, which a pool of one would never give it
              .dataSource(jdbcUrl, user, password)
              .locations("classpath:db/postgresql")
              .failOnMissingLocations(true)
              .load()
              .migrate();
      log.info("PostgreSQL database {}: {}", jdbcUrl, describe(result));
    } catch (RuntimeException e) {
      pool.close();
      throw new IllegalStateException(
          "cannot migrate the PostgreSQL database " + jdbcUrl + ": " + rootMessage(e), e);
    }
    return new PostgresDatabase(pool, jdbcUrl);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return String.valueOf(root.getMessage());
  }

  /** The opportunities of this database; the same instance on every call. */
  @Override
  public PostgresOpportunityStore opportunityStore() {
    return opportunityStore;
  }

  /** The opportunity store's group commit (tests count its commits). */
  GroupCommitWriter writer() {
    return writer;
  }

  /** The last good dictionary of each remote source; the same instance on every call. */
  @Override
  public JdbiDictionarySnapshotStore dictionarySnapshotStore() {
    return dictionarySnapshotStore;
  }

  /** Whose turn it is to reload a remote dictionary, among the instances on this database. */
  @Override
  public PostgresReloadLease reloadLease() {
    return reloadLease;
  }

  @Override
  public String jdbcUrl() {
    return jdbcUrl;
  }

  @Override
  public void onGroupCommit(IntConsumer listener) {
    writer.onCommit(listener);
  }

  @Override
  public int updatesWaiting() {
    return writer.waiting();
  }

  /**
   * HikariCP's pool metrics ({@code hikaricp_connections_*}, label {@code pool="opp-postgres"}).
   */
  @Override
  public void meterPool(Object meterRegistry) {
    pool.setMetricRegistry(meterRegistry);
  }

  /**
   * Refuses new updates, lets the writer finish those it has taken (for up to {@link #CLOSE_BOUND};
   * one still running then is not committed), then ends the pool: open transactions are rolled
   * back.
   */
  @Override
  public void close() {
    if (!writer.close(CLOSE_BOUND))
      log.warn("the writer is stuck in a transaction; it will not commit");
    pool.close();
  }

  /**
   * What a migration did, truly: Flyway names no target version when it applied nothing, so the
   * version is then the one found.
   */
  static String describe(MigrateResult result) {
    if (result.migrationsExecuted == 0)
      return "schema up to date at version " + result.initialSchemaVersion;
    return "schema migrated from "
        + (result.initialSchemaVersion == null
            ? "an empty database"
            : "version " + result.initialSchemaVersion)
        + " to version "
        + result.targetSchemaVersion
        + " ("
        + result.migrationsExecuted
        + " migration(s) applied now)";
  }
}

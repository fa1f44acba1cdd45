package cn.opportunity.integration.adapter.persistence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * One SQLite database file: its settings, its migrations and its stores. Every connection uses WAL,
 * {@code synchronous=FULL} (a commit returns once synced), a 5 s busy timeout, foreign keys and
 * {@code BEGIN IMMEDIATE} transactions.
 */
public final class SqliteDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);
  static final int BUSY_TIMEOUT_MILLIS = 5_000;

  private final String jdbcUrl;
  private final Jdbi jdbi;
  private final Connection anchor;
  private final JdbiOpportunityStore opportunityStore;
  private final JdbiDictionarySnapshotStore dictionarySnapshotStore;

  private SqliteDatabase(String jdbcUrl, Jdbi jdbi, Connection anchor) {
    this.jdbcUrl = jdbcUrl;
    this.jdbi = jdbi;
    this.anchor = anchor;
    // SQLite has one writer: one fair lock for every store gives waiters first-come order.
    ReentrantLock writeLock = new ReentrantLock(true);
    this.opportunityStore = new JdbiOpportunityStore(jdbi, writeLock);
    this.dictionarySnapshotStore = new JdbiDictionarySnapshotStore(jdbi, writeLock);
  }

  /**
   * Opens (creating if needed) the database at {@code jdbcUrl}, e.g. {@code
   * jdbc:sqlite:data/opportunities.db}, and brings its schema up to date.
   *
   * @throws IllegalStateException when the file is damaged or its schema is newer than this program
   */
  public static SqliteDatabase open(String jdbcUrl) {
    createParentDirectory(jdbcUrl);
    SQLiteDataSource dataSource = new SQLiteDataSource(settings());
    dataSource.setUrl(jdbcUrl);
    Connection anchor;
    try {
      // Held open until close(): SQLite checkpoints and deletes the WAL whenever its last connection
      // closes, which would otherwise happen after every request.
      anchor = dataSource.getConnection();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open " + jdbcUrl + ": " + e.getMessage(), e);
    }
    try {
      Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
      int version = Migrations.apply(jdbi);
      String check = jdbi.withHandle(h -> h.createQuery("PRAGMA quick_check").mapTo(String.class).one());
      if (!"ok".equals(check)) throw new IllegalStateException(jdbcUrl + " is damaged: quick_check says " + check);
      try (Statement statement = anchor.createStatement()) {
        statement.executeQuery("SELECT COUNT(*) FROM schema_history").close(); // the anchor joins the WAL
      }
      log.info("opened {} (schema version {})", jdbcUrl, version);
      return new SqliteDatabase(jdbcUrl, jdbi, anchor);
    } catch (SQLException e) {
      closeQuietly(anchor);
      throw new IllegalStateException("cannot open " + jdbcUrl + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(anchor);
      throw e;
    }
  }

  static SQLiteConfig settings() {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    config.enforceForeignKeys(true);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    return config;
  }

  private static void createParentDirectory(String jdbcUrl) {
    String path = jdbcUrl.substring("jdbc:sqlite:".length());
    int query = path.indexOf('?');
    if (query >= 0) path = path.substring(0, query);
    if (path.isEmpty() || path.startsWith(":memory:") || path.startsWith("file:")) return;
    Path parent = Path.of(path).toAbsolutePath().getParent();
    try {
      if (parent != null) Files.createDirectories(parent);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the directory of " + jdbcUrl, e);
    }
  }

  public JdbiOpportunityStore opportunityStore() {
    return opportunityStore;
  }

  public JdbiDictionarySnapshotStore dictionarySnapshotStore() {
    return dictionarySnapshotStore;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** For tests of this adapter: the configured Jdbi. */
  Jdbi jdbi() {
    return jdbi;
  }

  /** Closes the last connection: SQLite checkpoints the WAL into the file and removes it. */
  @Override
  public void close() {
    closeQuietly(anchor);
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("closing the database failed: {}", e.getMessage());
    }
  }
}

package cn.opportunity.integration.adapter.persistence;

import cn.opportunity.integration.domain.dictionary.ReloadLease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ReflectionMappers;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * One SQLite database file: its settings, its migrations and its stores. Every connection uses WAL,
 * {@code synchronous=FULL} (a commit returns once the WAL is synced), a 5 s busy timeout, foreign
 * keys, no shared cache, {@code BEGIN IMMEDIATE} transactions (a transaction takes the write lock
 * when it starts, so it never fails half-way with {@code SQLITE_BUSY_SNAPSHOT}), and small
 * checkpoints ({@link #CHECKPOINT_PAGES}).
 *
 * <p>Each operation opens its own connection. One more, the anchor, stays open from {@link #open}
 * to {@link #close}: SQLite checkpoints and deletes the WAL whenever its last connection closes,
 * which would otherwise happen after every request.
 */
public final class SqliteDatabase implements StoreDatabase {
  private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);
  private static final String URL_PREFIX = "jdbc:sqlite:";
  static final int BUSY_TIMEOUT_MILLIS = 5_000;

  /**
   * WAL pages after which a commit copies them into the database file ({@code wal_autocheckpoint};
   * SQLite's default is 1,000). The copy runs inside the commit that crosses the mark and ends with
   * an fsync of the database file, and every update waiting meanwhile waits for it: under the
   * bench's load a checkpoint of 1,000 scattered pages held the writer over 10 ms (its fsync alone
   * 9–12 ms) and set the p99; with 250 the p99 fell from 19–22 ms to 14–15 ms at 0.96 of the
   * throughput (docs/performance.md, step 13). Durability is the same: the WAL is synced before,
   * the file after.
   */
  static final int CHECKPOINT_PAGES = 250;

  /** How long an update may wait for the writer before it is refused as busy. */
  static final Duration UPDATE_MAX_WAIT = Duration.ofSeconds(5);

  /** How long {@link #close} lets the writer finish the updates already taken. */
  static final Duration CLOSE_BOUND = Duration.ofSeconds(2);

  private final String jdbcUrl;
  private final Connection anchor;

  /**
   * Every connection of this database: the writer's, the migrations', and Jdbi's for the stores.
   */
  private final ConnectionFactory connections;

  /**
   * Built at its first use (see {@link #jdbi()}), not at open: nothing on the way to the first
   * update needs it.
   */
  private volatile Jdbi jdbi;

  /** SQLite has one writer: one fair lock for every store gives waiters first-come order. */
  private final ReentrantLock writeLock = new ReentrantLock(true);

  /** Whether the file takes writes: told by every write of every store of this database. */
  private final WriteHealth writeHealth = new WriteHealth();

  private final GroupCommitWriter writer;
  private final JdbiOpportunityStore opportunityStore;
  private final JdbiDictionarySnapshotStore dictionarySnapshotStore;
  private volatile boolean closed;

  private SqliteDatabase(String jdbcUrl, SQLiteDataSource dataSource, Connection anchor) {
    this.jdbcUrl = jdbcUrl;
    this.anchor = anchor;
    this.connections =
        () -> {
          if (closed) throw new SQLException(jdbcUrl + " is closed");
          return dataSource.getConnection();
        };
    this.writer = new GroupCommitWriter(connections, writeLock, UPDATE_MAX_WAIT, writeHealth);
    this.opportunityStore =
        new JdbiOpportunityStore(this::jdbi, connections, writeLock, writer, writeHealth);
    this.dictionarySnapshotStore =
        new JdbiDictionarySnapshotStore(
            this::jdbi, writeLock, writeHealth, JdbiDictionarySnapshotStore.Reads.AUTOCOMMIT);
  }

  /**
   * Opens the database file of {@code jdbcUrl}, e.g. {@code jdbc:sqlite:data/opportunities.db},
   * creating it and its missing parent directories if needed, brings its schema up to date and
   * checks it ({@code PRAGMA quick_check}).
   *
   * @throws IllegalArgumentException when the URL is not one of a SQLite file
   * @throws IllegalStateException when the file cannot be opened, is damaged, or has a schema newer
   *     than this program knows
   */
  public static SqliteDatabase open(String jdbcUrl) {
    NativeLibrary.prepare(); // before the driver first loads SQLite
    Path file = createParentDirectories(jdbcUrl);
    boolean uncleanStop = file == null || leftWal(file); // looked at before this open makes one
    SQLiteDataSource dataSource = new SQLiteDataSource(settings());
    dataSource.setUrl(jdbcUrl);
    Connection anchor;
    try {
      anchor = dataSource.getConnection();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open " + jdbcUrl + ": " + e.getMessage(), e);
    }
    SqliteDatabase database = null;
    try {
      database = new SqliteDatabase(jdbcUrl, dataSource, anchor);
      int version = Migrations.apply(database.connections);
      if (uncleanStop) quickCheck(database.connections, jdbcUrl);
      try (Statement statement = anchor.createStatement();
          ResultSet joined = statement.executeQuery("SELECT COUNT(*) FROM schema_history")) {
        joined
            .next(); // the anchor's first read attaches it to the WAL; autocommit ends the read at
        // once
      }
      log.info("opened {} (schema version {})", jdbcUrl, version);
      return database;
    } catch (SQLException | RuntimeException e) {
      if (database != null) database.writer.close(CLOSE_BOUND);
      closeQuietly(anchor);
      throw new IllegalStateException("cannot open " + jdbcUrl + ": " + e.getMessage(), e);
    }
  }

  /** The settings of every connection. */
  static SQLiteConfig settings() {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    config.enforceForeignKeys(true);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    config.setSharedCache(false);
    config.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, String.valueOf(CHECKPOINT_PAGES));
    // No INSERT here reads its generated key; left on, the driver prepares, runs and finalizes a
    // "SELECT last_insert_rowid()" after each one — after every update's history record.
    config.setGetGeneratedKeys(false);
    return config;
  }

  /**
   * Whether the last stop left a {@code -wal} file: a clean close checkpoints and removes it; a
   * crash, a power loss or another process still holding the file leaves it.
   */
  private static boolean leftWal(Path file) {
    Path wal = file.resolveSibling(file.getFileName() + "-wal");
    try {
      return Files.exists(wal) && Files.size(wal) > 0;
    } catch (IOException e) {
      return true;
    }
  }

  /**
   * Refuses a damaged file: {@code PRAGMA quick_check} answers one row, {@code ok}, or the damage.
   * It reads the whole file (about 4 s for 1,000,000 opportunities), so it runs only when the last
   * stop was not clean, the moment damage is likeliest (see docs/reliability.md).
   */
  private static void quickCheck(ConnectionFactory connections, String jdbcUrl) {
    log.info("{}: the last stop was not clean; checking the file (PRAGMA quick_check)", jdbcUrl);
    List<String> found = new ArrayList<>();
    try (Connection connection = connections.openConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA quick_check")) {
      while (rows.next()) found.add(rows.getString(1));
    } catch (SQLException | RuntimeException e) {
      throw new IllegalStateException(
          "the file is damaged, PRAGMA quick_check failed: " + e.getMessage(), e);
    }
    if (!found.equals(List.of("ok")))
      throw new IllegalStateException(
          "the file is damaged, PRAGMA quick_check says: "
              + String.join("; ", found.subList(0, Math.min(5, found.size()))));
  }

  /**
   * Creates the directories a file URL needs; refuses in-memory and temporary databases.
   *
   * @return the file, or {@code null} for a {@code file:} URI filename (the caller's business)
   */
  private static Path createParentDirectories(String jdbcUrl) {
    if (!jdbcUrl.startsWith(URL_PREFIX))
      throw new IllegalArgumentException("not a SQLite JDBC URL (jdbc:sqlite:<file>): " + jdbcUrl);
    String path = jdbcUrl.substring(URL_PREFIX.length());
    if (path.isBlank() || path.contains(":memory:") || path.contains("mode=memory"))
      throw new IllegalArgumentException("a SQLite database needs a file, not memory: " + jdbcUrl);
    int query = path.indexOf('?');
    if (query >= 0) path = path.substring(0, query);
    if (path.startsWith("file:")) return null;
    Path file = Path.of(path).toAbsolutePath();
    try {
      if (file.getParent() != null) Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the directory of " + jdbcUrl + ": " + e, e);
    }
    return file;
  }

  /** The store of opportunities; the same instance on every call. */
  @Override
  public JdbiOpportunityStore opportunityStore() {
    return opportunityStore;
  }

  /**
   * The store of the last good stage dictionary of each remote source; the same instance on every
   * call.
   */
  @Override
  public JdbiDictionarySnapshotStore dictionarySnapshotStore() {
    return dictionarySnapshotStore;
  }

  /** Always this instance's turn: a SQLite file serves one instance. */
  @Override
  public ReloadLease reloadLease() {
    return ReloadLease.alone();
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
   * The stores' Jdbi, built at the first call: reads by code, import and dictionary snapshots use
   * it; opening the file, its migrations and the writer do not, so a start does not wait for Jdbi's
   * set-up (≈ 0.2 s of class loading and configuration, more than all the rest of the store's
   * start).
   */
  Jdbi jdbi() {
    Jdbi built = jdbi;
    if (built != null) return built;
    synchronized (this) {
      if (jdbi == null) {
        Jdbi created = Jdbi.create(connections);
        created.installPlugin(new SqlObjectPlugin());
        created
            .getConfig(ReflectionMappers.class)
            .setStrictMatching(true); // every column maps to a component
        jdbi = created;
      }
      return jdbi;
    }
  }

  /** For tests of this adapter: whether {@link #jdbi()} has been built. */
  boolean jdbiBuilt() {
    return jdbi != null;
  }

  /** For tests of this adapter: the source of this database's connections. */
  ConnectionFactory connections() {
    return connections;
  }

  /**
   * Refuses new updates, lets the writer finish those it has taken (for up to {@link #CLOSE_BOUND};
   * one still running then is not committed), waits for another write in flight (as long again),
   * refuses new operations, and closes the anchor: as the last connection, it checkpoints the WAL
   * into the database file and removes it. Never waits longer than about twice the bound, and after
   * a hung transaction no longer than the bound and a second. Idempotent.
   */
  @Override
  public void close() {
    boolean writerEnded = writer.close(CLOSE_BOUND);
    if (!writerEnded)
      log.warn(
          "the writer is stuck in a transaction; it will not commit, and the WAL stays until the next start");
    boolean locked = false;
    try { // a stuck writer holds the lock: then don't wait for it again
      locked = writeLock.tryLock(writerEnded ? CLOSE_BOUND.toMillis() : 0, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!locked)
      log.warn(
          "a write is still running; closing without it (it commits or rolls back on its own)");
    try {
      synchronized (this) {
        if (closed) return;
        closed = true;
        closeQuietly(anchor);
      }
      log.info("closed {}", jdbcUrl);
    } finally {
      if (locked) writeLock.unlock();
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("closing the database failed: {}", e.getMessage());
    }
  }
}

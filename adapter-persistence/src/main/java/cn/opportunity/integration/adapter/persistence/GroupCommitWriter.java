package cn.opportunity.integration.adapter.persistence;

import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.HistoryEntry;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.StaleVersionException;
import cn.opportunity.integration.domain.StoreBusyException;
import cn.opportunity.integration.domain.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one thread applies the updates of every waiting caller in one transaction and one
 * synced commit ({@code BEGIN IMMEDIATE} on SQLite, {@code BEGIN} on PostgreSQL: see {@link
 * Dialect}), so concurrent updates share an fsync (a WAL flush) instead of queueing for one each.
 * Each update still runs on its own: on the state the updates before it left, and a failing one is
 * rolled back alone (to its savepoint; on PostgreSQL see below), its neighbours unharmed. Each
 * change is written with its history record, in the same transaction (on SQLite the batch's records
 * all at its end: see {@link Dialect#chainsHistory}). A caller returns only after the commit that
 * holds its update is synced.
 *
 * <p>Bounded: at most {@link #QUEUE_CAPACITY} updates wait; one not started within {@code maxWait}
 * is withdrawn and refused with {@link StoreBusyException}, so it is never applied after its caller
 * was told no.
 *
 * <p>A file that cannot be written (full, read-only, failing: see {@link WriteHealth}), or on
 * PostgreSQL a database that cannot be reached (a lost connection, no connection from the pool, the
 * server shutting down or out of space), fails the whole batch, each update with {@link
 * StoreUnavailableException}: the database may have rolled the whole transaction back already, so
 * none of it may be acknowledged. Which failures are the database's is the {@link Dialect}'s call.
 *
 * <p>On PostgreSQL, where every statement is a trip to the server, a batch first runs at once
 * ({@link #applyAtOnce}): its rows read and locked by one statement, the changes applied in memory,
 * the writes sent as two JDBC batches; an update that fails in memory fails alone with nothing of
 * it sent, and only a failing statement makes the batch run again update by update in savepoints.
 *
 * <p>Each batch reads and locks its rows in the order of their codes (the updates of one code in
 * the order they came): PostgreSQL's instances each have a writer, and writers that lock rows in
 * one order never wait for each other in a cycle. A batch that deadlocks all the same (an import
 * locks in its own order) runs again one by one; an update that is a deadlock's victim there is
 * rolled back to its savepoint alone and refused with {@link StoreBusyException}: the database
 * aborts only the statement's subtransaction.
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

  /** Updates waiting at most; beyond, callers are refused at once. */
  static final int QUEUE_CAPACITY = 4_096;

  /** Updates in one transaction at most: bounds the time a commit keeps its callers waiting. */
  static final int MAX_BATCH = 256;

  /**
   * Orders each batch: by code (code points, as PostgreSQL's {@code COLLATE "C"}), then as they
   * came (the sort is stable).
   */
  private static final Comparator<PendingUpdate> LOCK_ORDER =
      Comparator.comparing(update -> update.code);

  /**
   * What differs between the databases the writer writes to.
   *
   * @param begin the statement that opens a batch's transaction
   * @param select reads the row to change by its code, locking it where the database locks rows
   * @param selectBatch reads and locks every row of a batch in one statement, in the order of the
   *     codes (an array parameter); empty: the batch runs update by update (see {@link
   *     #applyAtOnce})
   * @param maxBatch updates in one transaction at most
   * @param keepsConnection whether the writer keeps its connection from batch to batch (SQLite's, a
   *     connection of its own) or gives it back after each (PostgreSQL's, from the pool)
   * @param databaseCondition the database's condition behind a failure (the batch fails), or empty
   *     for a failure of the update alone
   * @param update writes the changed row: {@link OpportunityRow#bindUpdate}'s parameters (on SQLite
   *     after the row's new history record's id)
   * @param historyInsert inserts an update's history record: {@link HistoryRows#bind}'s parameters,
   *     the opportunity's id last (SQLite: {@link HistoryRows#bindChained}'s)
   * @param chainsHistory whether the history is SQLite's chain (migrations V6, V7): then the writer
   *     names each record's id (the table's last id and up, read once a batch) and the record
   *     before it (the row's {@code history_head}, read by {@code select}); the row's update points
   *     the row at its record; and the batch's records are inserted at its end, in one JDBC batch
   *     before the commit (a record the database refuses for other than a condition of its own: the
   *     batch runs again with each record right after its row, failing its update alone). A write
   *     of the record less per update (the row's update is the only statement that writes), and one
   *     call into the database for all records instead of one each (docs/performance.md, "history
   *     costs little"). Otherwise each record is inserted right before its row is written.
   * @param text how the rows' text columns hold a string
   */
  record Dialect(
      String begin,
      String select,
      Optional<String> selectBatch,
      int maxBatch,
      boolean keepsConnection,
      Function<Throwable, Optional<String>> databaseCondition,
      String update,
      String historyInsert,
      boolean chainsHistory,
      TextColumns text) {

    /**
     * SQLite: {@code BEGIN IMMEDIATE} takes the file's one write lock at once; a plain read, since
     * nothing else writes meanwhile; a condition of the file fails the batch; the history as a
     * chain, its records inserted at the batch's end.
     */
    static final Dialect SQLITE =
        new Dialect(
            "BEGIN IMMEDIATE",
            HistoryRows.SELECT_WITH_HEAD,
            Optional.empty(),
            MAX_BATCH,
            true,
            WriteHealth::fileCondition,
            HistoryRows.UPDATE_SETTING_HEAD,
            HistoryRows.INSERT_CHAINED,
            true,
            TextColumns.AS_IS);
  }

  private final ConnectionFactory connections;
  private final Dialect dialect;
  private final ReentrantLock writeLock;
  private final Duration maxWait;
  private final WriteHealth health;
  private final BlockingQueue<PendingUpdate> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Thread thread;

  /** Completes the callers of each committed batch (see {@link #answer}). */
  private final ExecutorService answers =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread answering = new Thread(task, "opportunity-answers");
            answering.setDaemon(true);
            return answering;
          });

  private volatile boolean closing;
  private volatile boolean abandoned; // closed while a transaction ran on: it must not commit
  private final AtomicLong commits = new AtomicLong();
  private volatile IntConsumer committed = updates -> {}; // the metrics' hook: see onCommit
  private Statements statements; // the writer thread's own connection, opened on first use
  private long nextHistoryId; // SQLite: the id of the batch's next history record; 0: not read yet

  /**
   * @param connections the database's connections: the writer opens one, its own, at its first
   *     update
   * @param writeLock the database's one writer lock: held for each transaction
   * @param health the database's write health: told of every commit that wrote, and of every
   *     failure of the file
   */
  GroupCommitWriter(
      ConnectionFactory connections,
      ReentrantLock writeLock,
      Duration maxWait,
      WriteHealth health) {
    this(connections, writeLock, maxWait, health, Dialect.SQLITE);
  }

  /** The same on the database {@code dialect} describes. */
  GroupCommitWriter(
      ConnectionFactory connections,
      ReentrantLock writeLock,
      Duration maxWait,
      WriteHealth health,
      Dialect dialect) {
    this.connections = connections;
    this.dialect = dialect;
    this.writeLock = writeLock;
    this.maxWait = maxWait;
    this.health = health;
    this.thread = new Thread(this::run, "opportunity-writer");
    thread.setDaemon(true); // a writer stuck in a hung change must not keep the process alive
    thread.start();
  }

  /**
   * Applies {@code change} to the opportunity with {@code code} in the next group commit and waits
   * for it.
   */
  Opportunity update(OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
    return enqueue(code, origin, change).await(maxWait);
  }

  /**
   * The same without waiting: the stage completes, from the answering thread, once the commit that
   * holds the update is synced — or with {@link StoreBusyException} when the writer did not take
   * the update within {@code maxWait} (it is then never applied).
   */
  CompletionStage<Opportunity> submit(
      OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
    try {
      return enqueue(code, origin, change).answer(maxWait);
    } catch (StoreBusyException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private PendingUpdate enqueue(
      OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
    if (closing) throw new StoreBusyException("the store is closing");
    PendingUpdate update = new PendingUpdate(code, origin, change);
    if (!queue.offer(update))
      throw new StoreBusyException(QUEUE_CAPACITY + " updates are waiting already");
    return update;
  }

  /** Transactions committed so far: fewer than updates when commits were shared. */
  long commits() {
    return commits.get();
  }

  /**
   * Tells {@code listener}, on the writer's thread, the number of updates of each transaction
   * committed from now on (the metrics' group-commit batch size): it must be quick and never throw.
   */
  void onCommit(IntConsumer listener) {
    committed = listener;
  }

  /** Updates waiting for the writer now. */
  int waiting() {
    return queue.size();
  }

  private void run() {
    List<PendingUpdate> batch = new ArrayList<>(dialect.maxBatch());
    while (true) {
      PendingUpdate first;
      try {
        first = queue.poll(100, TimeUnit.MILLISECONDS); // also how soon a close is noticed
      } catch (InterruptedException e) {
        break;
      }
      if (first == null) {
        if (closing && queue.isEmpty()) break;
        continue;
      }
      batch.add(first);
      queue.drainTo(batch, dialect.maxBatch() - 1);
      batch.removeIf(update -> !update.start()); // withdrawn by callers that waited too long
      batch.sort(LOCK_ORDER);
      if (!batch.isEmpty()) commit(batch);
      batch.clear();
      if (Thread.interrupted()) break;
    }
    closeStatements();
  }

  /**
   * One transaction for the batch: at once where the dialect can, else (or after a failed
   * statement) each update in its own savepoint; one synced commit for all.
   */
  private void commit(List<PendingUpdate> batch) {
    writeLock.lock();
    try {
      Statements sql = statements();
      sql.begin.execute();
      nextHistoryId = 0;
      if (dialect.selectBatch().isEmpty() || !applyAtOnce(sql, dialect.selectBatch().get(), batch))
        applyOneByOne(batch, dialect.chainsHistory());
      if (dialect.chainsHistory() && !insertChainedHistory(statements(), batch))
        applyOneByOne(batch, false); // each record with its row, failing alone
      boolean wrote = batch.stream().anyMatch(update -> update.wrote);
      if (abandoned) throw new StoreBusyException("the store closed while the updates ran");
      statements().commit.execute(); // prepared again if a statement failed meanwhile
      commits.incrementAndGet();
      committed.accept(batch.size());
      if (wrote) health.succeeded(); // a batch that changed nothing proves nothing of the file
      answer(batch);
    } catch (RuntimeException
        | Error
        | SQLException e) { // begin or commit failed: nothing of the batch is stored
      rollbackQuietly();
      prepareAgain();
      Throwable failure = failureOfTheBatch(e, batch);
      for (PendingUpdate update : batch) {
        if (update.failure == null) update.failure = failure;
      }
      answer(batch);
    } finally {
      if (!dialect.keepsConnection()) closeStatements(); // back to the pool
      writeLock.unlock();
    }
  }

  /**
   * Each update in a savepoint of its own: a failing one is rolled back alone.
   *
   * @param recordsAtTheEnd SQLite: whether the records wait for the batch's end ({@link
   *     #insertChainedHistory}) or are inserted each right after its row
   */
  private void applyOneByOne(List<PendingUpdate> batch, boolean recordsAtTheEnd)
      throws SQLException {
    for (PendingUpdate update : batch) {
      Statements sql = statements();
      sql.savepoint.execute();
      try {
        update.stored = apply(sql, update, recordsAtTheEnd);
        sql.release.execute();
      } catch (RuntimeException | Error | SQLException e) {
        if (dialect.databaseCondition().apply(e).isPresent())
          throw e; // the database's, not the update's: the batch fails
        sql.rollbackToSavepoint.execute();
        sql.release.execute();
        update.chained = null; // its row's change is undone: so is its record
        update.failure = failureOfTheUpdate(e);
        if (e instanceof SQLException) prepareAgain();
      }
    }
  }

  /**
   * The batch in a few round trips instead of five an update (PostgreSQL, where each is a trip to
   * the server): every row of the batch read and locked by one statement, in the order of the
   * codes; each change applied in memory, in the batch's order, on the state the updates before it
   * left; the changed rows, then their history records, written as two JDBC batches. A change that
   * throws, an unknown code or a wrong next version fails that update alone: nothing of it was
   * sent. A statement that fails (one update's text refused, a deadlock) aborts the transaction:
   * then it is rolled back and begun again, and the batch runs {@link #applyOneByOne} — its changes
   * run a second time, on the rows as they are then.
   *
   * @return false when the batch must run one by one (in the transaction begun again)
   */
  private boolean applyAtOnce(Statements sql, String selectBatch, List<PendingUpdate> batch)
      throws SQLException {
    try {
      Map<OpportunityCode, Opportunity> rows = new HashMap<>();
      try (PreparedStatement select = sql.connection().prepareStatement(selectBatch)) {
        Object[] codes = batch.stream().map(update -> update.code.value()).distinct().toArray();
        select.setArray(1, sql.connection().createArrayOf("text", codes));
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            Opportunity opportunity = dialect.text().fromStore(OpportunityRow.read(row)).toDomain();
            rows.put(opportunity.code(), opportunity);
          }
        }
      }
      for (PendingUpdate update : batch) {
        try {
          Opportunity current = rows.get(update.code);
          if (current == null) throw new OpportunityNotFoundException(update.code.value());
          Opportunity next =
              Objects.requireNonNull(update.change.apply(current), "the change returned null");
          update.stored = next;
          if (next.equals(current)) continue;
          OpportunityRow.requireNextVersion(current, next);
          dialect.text().toStore(OpportunityRow.from(next)).bindUpdate(sql.update);
          sql.update.addBatch();
          HistoryRows.bind(
              sql.history, HistoryEntry.of(current, next, update.origin), next.id().value());
          sql.history.addBatch();
          rows.put(update.code, next);
          update.wrote = true;
        } catch (RuntimeException | Error e) {
          update.stored = null;
          update.failure = e;
        }
      }
      requireOneRowEach(sql.update.executeBatch(), "a locked row changed meanwhile");
      requireOneRowEach(sql.history.executeBatch(), "a history record was not written");
      return true;
    } catch (SQLException e) {
      if (dialect.databaseCondition().apply(e).isPresent()) throw e;
      log.debug("a batch of {} updates runs again one by one: {}", batch.size(), e.toString());
      sql.update.clearBatch();
      beginAgain(sql, batch);
      return false;
    }
  }

  /**
   * After a batch's statement failed for one update: the history's JDBC batch dropped, the
   * transaction rolled back and begun again, every update of the batch as before it ran.
   */
  private void beginAgain(Statements sql, List<PendingUpdate> batch) throws SQLException {
    sql.history.clearBatch();
    sql.rollback.execute();
    for (PendingUpdate update : batch) {
      update.stored = null;
      update.wrote = false;
      update.failure = null;
      update.chained = null;
    }
    sql.begin.execute();
    nextHistoryId = 0;
  }

  private static void requireOneRowEach(int[] counts, String otherwise) throws SQLException {
    for (int count : counts)
      if (count != 1 && count != Statement.SUCCESS_NO_INFO) throw new SQLException(otherwise);
  }

  /**
   * What an update that failed alone is refused with: a deadlock's victim (SQLSTATE {@code 40P01})
   * or a serialization failure ({@code 40001}) as {@link StoreBusyException}, to be tried again;
   * another database error as {@link IllegalStateException}; its own exception as it is.
   */
  private static Throwable failureOfTheUpdate(Throwable e) {
    if (!(e instanceof SQLException sql)) return e;
    if ("40P01".equals(sql.getSQLState()) || "40001".equals(sql.getSQLState())) {
      log.warn("an update lost a lock conflict and is refused as busy: {}", e.toString());
      return new StoreBusyException("the update lost a lock conflict: " + e.getMessage());
    }
    return new IllegalStateException(e.getMessage(), e);
  }

  /**
   * What the updates of a failed batch (those without a failure of their own) are refused with:
   * {@link StoreUnavailableException} for a condition of the file, counted and logged once per
   * streak by {@link WriteHealth}; otherwise the failure itself, logged here.
   */
  private Throwable failureOfTheBatch(Throwable e, List<PendingUpdate> batch) {
    Optional<String> condition = dialect.databaseCondition().apply(e);
    if (condition.isPresent()) {
      int refused = (int) batch.stream().filter(update -> update.failure == null).count();
      return health.failed(condition.get(), e, refused);
    }
    log.error("a group commit of {} updates failed: {}", batch.size(), e.toString());
    return e instanceof SQLException ? new IllegalStateException(e.getMessage(), e) : e;
  }

  /**
   * Completes the batch's callers from the answering thread, so that the writer goes on to the next
   * batch at once: one hand-off a batch instead of one wake-up a caller on the writer's time.
   */
  private void answer(List<PendingUpdate> batch) {
    List<PendingUpdate> answered = List.copyOf(batch);
    try {
      answers.execute(() -> answered.forEach(PendingUpdate::finish));
    } catch (RejectedExecutionException closed) { // a writer that outlived its close
      answered.forEach(PendingUpdate::finish);
    }
  }

  /**
   * Reads, changes and writes one opportunity, with its history record, inside the batch's
   * transaction: the record first, then the row — or on SQLite the row pointing at the record,
   * which the batch inserts at its end (see {@link Dialect#chainsHistory}).
   */
  private Opportunity apply(Statements sql, PendingUpdate update, boolean recordAtTheEnd)
      throws SQLException {
    Opportunity current;
    long head = HistoryRows.NO_PREVIOUS; // SQLite: the opportunity's newest record
    sql.select.setString(1, update.code.value());
    try (ResultSet row = sql.select.executeQuery()) {
      if (!row.next()) throw new OpportunityNotFoundException(update.code.value());
      current = dialect.text().fromStore(OpportunityRow.read(row)).toDomain();
      if (dialect.chainsHistory()) {
        head = row.getLong(HistoryRows.HEAD_COLUMN);
        if (row.wasNull()) head = HistoryRows.NO_PREVIOUS; // no record yet
      }
    }
    Opportunity next =
        Objects.requireNonNull(update.change.apply(current), "the change returned null");
    if (next.equals(current)) return current;
    OpportunityRow.requireNextVersion(current, next);
    HistoryEntry record = HistoryEntry.of(current, next, update.origin);
    if (dialect.chainsHistory()) {
      update.chained = new ChainedRecord(nextHistoryId(sql), head, record);
      sql.update.setLong(1, update.chained.id());
      dialect.text().toStore(OpportunityRow.from(next)).bindUpdate(sql.update, 2);
    } else {
      HistoryRows.bind(sql.history, record, next.id().value());
      insertRecord(sql, update);
      dialect.text().toStore(OpportunityRow.from(next)).bindUpdate(sql.update);
    }
    // A stale row: the update's savepoint takes the record just inserted back with it (SQLite:
    // applyOneByOne drops the record waiting for the batch's end).
    if (sql.update.executeUpdate() != 1)
      throw new StaleVersionException("opportunity " + update.code + " changed meanwhile");
    if (update.chained != null && !recordAtTheEnd) {
      bindRecord(sql, update.chained, next);
      insertRecord(sql, update);
      update.chained = null; // written
    }
    update.wrote = true;
    return next;
  }

  /**
   * SQLite: the id of the batch's next history record, from the table's last id, read once a batch
   * (the writer holds the one write lock: no other record is inserted meanwhile).
   */
  private long nextHistoryId(Statements sql) throws SQLException {
    if (nextHistoryId == 0) {
      try (ResultSet last = sql.lastHistoryId.executeQuery()) {
        nextHistoryId = (last.next() ? last.getLong(1) : 0) + 1;
      }
    }
    return nextHistoryId++;
  }

  /**
   * SQLite: the history records of the batch's updates that stand, in one JDBC batch, in the order
   * of their ids. A condition of the database fails the batch (none of it is acknowledged); a
   * record refused otherwise (a trigger, a constraint) begins the transaction again and returns
   * false: the batch then runs again with each record inserted with its row, so that only the
   * update of the refused record fails.
   */
  private boolean insertChainedHistory(Statements sql, List<PendingUpdate> batch)
      throws SQLException {
    int records = 0;
    for (PendingUpdate update : batch) {
      if (update.chained == null) continue;
      bindRecord(sql, update.chained, update.stored);
      sql.history.addBatch();
      records++;
    }
    if (records == 0) return true;
    try {
      requireOneRowEach(sql.history.executeBatch(), "a history record was not written");
      return true;
    } catch (SQLException e) {
      if (dialect.databaseCondition().apply(e).isPresent()) throw e;
      log.debug(
          "a batch of {} updates runs again, each record with its row: {}",
          batch.size(),
          e.toString());
      beginAgain(sql, batch);
      return false;
    }
  }

  /** Runs the history insert bound to {@code update}'s record; it must write one row. */
  private static void insertRecord(Statements sql, PendingUpdate update) throws SQLException {
    if (sql.history.executeUpdate() != 1)
      throw new IllegalStateException("the history record of " + update.code + " was not written");
  }

  /** Binds SQLite's history insert to {@code record} of {@code opportunity}. */
  private static void bindRecord(Statements sql, ChainedRecord record, Opportunity opportunity)
      throws SQLException {
    HistoryRows.bindChained(
        sql.history, record.id(), record.previous(), record.entry(), opportunity.id().value());
  }

  /**
   * A SQLite history record waiting for the batch's end: its id, the record before it ({@link
   * HistoryRows#NO_PREVIOUS} for none), what it records.
   */
  private record ChainedRecord(long id, long previous, HistoryEntry entry) {}

  /**
   * The writer's connection (autocommit; transactions by an explicit {@code BEGIN}) and its
   * statements, prepared once a connection: plain JDBC on the hot path, see {@link
   * OpportunityRow#read}.
   */
  private record Statements(
      Connection connection,
      PreparedStatement begin,
      PreparedStatement commit,
      PreparedStatement rollback,
      PreparedStatement savepoint,
      PreparedStatement release,
      PreparedStatement rollbackToSavepoint,
      PreparedStatement select,
      PreparedStatement update,
      PreparedStatement history,
      PreparedStatement lastHistoryId) {

    List<PreparedStatement> prepared() {
      return List.of(
          begin,
          commit,
          rollback,
          savepoint,
          release,
          rollbackToSavepoint,
          select,
          update,
          history,
          lastHistoryId);
    }

    static Statements open(ConnectionFactory connections, Dialect dialect) throws SQLException {
      return prepare(connections.openConnection(), dialect);
    }

    /** The statements prepared on {@code c}; {@code c} closed if one cannot be. */
    static Statements prepare(Connection c, Dialect dialect) throws SQLException {
      try {
        return new Statements(
            c,
            c.prepareStatement(dialect.begin()),
            c.prepareStatement("COMMIT"),
            c.prepareStatement("ROLLBACK"),
            c.prepareStatement("SAVEPOINT one_update"),
            c.prepareStatement("RELEASE one_update"),
            c.prepareStatement("ROLLBACK TO one_update"),
            c.prepareStatement(dialect.select()),
            c.prepareStatement(dialect.update()),
            c.prepareStatement(dialect.historyInsert()),
            c.prepareStatement(HistoryRows.SELECT_LAST_ID));
      } catch (SQLException | RuntimeException e) {
        c.close();
        throw e;
      }
    }
  }

  private Statements statements() throws SQLException {
    if (statements == null) statements = Statements.open(connections, dialect);
    return statements;
  }

  /**
   * After a statement failed: its statements prepared again on the same connection (a new one if
   * that fails). sqlite-jdbc finalizes a statement that fails for other than busy, locked, misuse
   * or a constraint (a full disk, an I/O error): used again, it would fail every later update.
   */
  private void prepareAgain() {
    if (statements == null) return;
    Connection connection = statements.connection();
    for (PreparedStatement statement : statements.prepared()) {
      try {
        statement.close();
      } catch (SQLException | RuntimeException ignored) {
        // finalized already, or the connection is broken: preparing again tells which
      }
    }
    try {
      statements = Statements.prepare(connection, dialect);
    } catch (SQLException | RuntimeException e) {
      log.debug("preparing the writer's statements again: {}; a new connection next", e.toString());
      statements = null;
    }
  }

  /**
   * After a failed begin or commit: roll back if a transaction is open; on any doubt, a new
   * connection.
   */
  private void rollbackQuietly() {
    if (statements == null) return;
    try {
      statements.rollback().execute();
    } catch (SQLException
        | RuntimeException e) { // no transaction open, or the connection is broken
      log.debug("rollback: {}; the writer opens a new connection", e.toString());
      closeStatements();
    }
  }

  private void closeStatements() {
    if (statements == null) return;
    try {
      statements.connection().close(); // and with it its statements
    } catch (SQLException | RuntimeException e) {
      log.warn("closing the writer's connection failed: {}", e.toString());
    }
    statements = null;
  }

  /**
   * Refuses new updates, lets the writer finish those already waiting for up to {@code bound}, then
   * interrupts it: an update still running then is not committed (SQLite rolls it back), and its
   * caller gets an error, never a success.
   *
   * @return whether the writer ended within the bound (and closed its connection)
   */
  boolean close(Duration bound) {
    closing = true;
    try {
      thread.join(bound.toMillis());
      if (thread.isAlive()) {
        log.warn("the writer did not finish within {}; interrupting it", bound);
        abandoned = true;
        thread.interrupt();
        thread.join(500);
      }
      answers.shutdown(); // what the writer handed over is still answered
      answers.awaitTermination(500, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(2));
  }

  /**
   * One caller's update: waiting, then running (the writer took it) or withdrawn (the caller gave
   * up).
   */
  private static final class PendingUpdate {
    private static final int WAITING = 0, RUNNING = 1, WITHDRAWN = 2;

    final OpportunityCode code;
    final ChangeOrigin origin;
    final UnaryOperator<Opportunity> change;
    private final AtomicInteger state = new AtomicInteger(WAITING);
    private final CompletableFuture<Opportunity> done = new CompletableFuture<>();
    Opportunity stored; // set by the writer before finish()
    boolean wrote; // set by the writer when the update changed the row
    ChainedRecord chained; // SQLite: set by the writer, the record its batch inserts at its end
    Throwable failure;

    PendingUpdate(OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
      this.code = code;
      this.origin = origin;
      this.change = change;
    }

    /** The writer takes the update: false when its caller withdrew it. */
    boolean start() {
      return state.compareAndSet(WAITING, RUNNING);
    }

    void finish() {
      if (failure == null) done.complete(stored);
      else done.completeExceptionally(failure);
    }

    /**
     * For a caller that does not wait: refused with {@link StoreBusyException} when the writer has
     * not taken the update within {@code maxWait} (it is then withdrawn, never applied); once
     * taken, its outcome, however long the transaction takes.
     */
    CompletionStage<Opportunity> answer(Duration maxWait) {
      return done.copy()
          .orTimeout(maxWait.toNanos(), TimeUnit.NANOSECONDS)
          .exceptionallyCompose(
              failure -> {
                if (failure instanceof TimeoutException && state.compareAndSet(WAITING, WITHDRAWN))
                  return CompletableFuture.failedFuture(
                      new StoreBusyException("the update waited " + maxWait + " for the writer"));
                return done; // its own outcome: a failure of the update itself, or the transaction
                // it is in
              });
    }

    /**
     * For a caller that waits: {@link #answer}, and an interrupt withdraws the update while the
     * writer has not taken it; once taken, its outcome is awaited and the interrupt kept for the
     * caller.
     */
    Opportunity await(Duration maxWait) {
      CompletableFuture<Opportunity> answer = answer(maxWait).toCompletableFuture();
      boolean interrupted = false;
      try {
        while (true) {
          try {
            return answer.get();
          } catch (InterruptedException e) {
            interrupted = true;
            if (state.compareAndSet(WAITING, WITHDRAWN))
              throw new StoreBusyException("interrupted while waiting");
          } catch (ExecutionException e) {
            throw rethrown(e.getCause());
          }
        }
      } finally {
        if (interrupted) Thread.currentThread().interrupt();
      }
    }

    private static RuntimeException rethrown(Throwable failure) {
      if (failure instanceof RuntimeException e) throw e;
      if (failure instanceof Error e) throw e;
      return new IllegalStateException(failure);
    }
  }
}

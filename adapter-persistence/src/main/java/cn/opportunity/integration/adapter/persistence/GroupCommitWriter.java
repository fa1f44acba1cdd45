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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one thread applies the updates of every waiting caller in one {@code BEGIN
 * IMMEDIATE} transaction and one synced commit, so concurrent updates share an fsync instead of
 * queueing for one each. Each update still runs on its own: in a savepoint, on the state the
 * updates before it left, and a failing one is rolled back to its savepoint alone, its neighbours
 * unharmed. Each change is written with its history record, in its savepoint. A caller returns only
 * after the commit that holds its update is synced.
 *
 * <p>Bounded: at most {@link #QUEUE_CAPACITY} updates wait; one not started within {@code maxWait}
 * is withdrawn and refused with {@link StoreBusyException}, so it is never applied after its caller
 * was told no.
 *
 * <p>A file that cannot be written (full, read-only, failing: see {@link WriteHealth}) fails the
 * whole batch, each update with {@link StoreUnavailableException}: SQLite may have rolled the whole
 * transaction back already, so none of it may be acknowledged.
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

  /** Updates waiting at most; beyond, callers are refused at once. */
  static final int QUEUE_CAPACITY = 4_096;

  /** Updates in one transaction at most: bounds the time a commit keeps its callers waiting. */
  static final int MAX_BATCH = 256;

  private final ConnectionFactory connections;
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
    this.connections = connections;
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
    List<PendingUpdate> batch = new ArrayList<>(MAX_BATCH);
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
      queue.drainTo(batch, MAX_BATCH - 1);
      batch.removeIf(update -> !update.start()); // withdrawn by callers that waited too long
      if (!batch.isEmpty()) commit(batch);
      batch.clear();
      if (Thread.interrupted()) break;
    }
    closeStatements();
  }

  /** One transaction for the batch: each update in its own savepoint; one synced commit for all. */
  private void commit(List<PendingUpdate> batch) {
    writeLock.lock();
    try {
      Statements sql = statements();
      sql.begin.execute();
      boolean wrote = false;
      for (PendingUpdate update : batch) {
        sql.savepoint.execute();
        try {
          update.stored = apply(sql, update);
          sql.release.execute();
          wrote |= update.wrote;
        } catch (RuntimeException | Error | SQLException e) {
          if (WriteHealth.fileCondition(e).isPresent())
            throw e; // the file's, not the update's: the batch fails
          sql.rollbackToSavepoint.execute();
          sql.release.execute();
          update.failure =
              e instanceof SQLException ? new IllegalStateException(e.getMessage(), e) : e;
        }
      }
      if (abandoned) throw new StoreBusyException("the store closed while the updates ran");
      sql.commit.execute();
      commits.incrementAndGet();
      committed.accept(batch.size());
      if (wrote) health.succeeded(); // a batch that changed nothing proves nothing of the file
      answer(batch);
    } catch (RuntimeException
        | Error
        | SQLException e) { // begin or commit failed: nothing of the batch is stored
      rollbackQuietly();
      Throwable failure = failureOfTheBatch(e, batch);
      for (PendingUpdate update : batch) {
        if (update.failure == null) update.failure = failure;
      }
      answer(batch);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * What the updates of a failed batch (those without a failure of their own) are refused with:
   * {@link StoreUnavailableException} for a condition of the file, counted and logged once per
   * streak by {@link WriteHealth}; otherwise the failure itself, logged here.
   */
  private Throwable failureOfTheBatch(Throwable e, List<PendingUpdate> batch) {
    Optional<String> condition = WriteHealth.fileCondition(e);
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
   * transaction.
   */
  private static Opportunity apply(Statements sql, PendingUpdate update) throws SQLException {
    Opportunity current;
    sql.select.setString(1, update.code.value());
    try (ResultSet row = sql.select.executeQuery()) {
      if (!row.next()) throw new OpportunityNotFoundException(update.code.value());
      current = OpportunityRow.read(row).toDomain();
    }
    Opportunity next =
        Objects.requireNonNull(update.change.apply(current), "the change returned null");
    if (next.equals(current)) return current;
    OpportunityRow.requireNextVersion(current, next);
    OpportunityRow.from(next).bindUpdate(sql.update);
    if (sql.update.executeUpdate() != 1)
      throw new StaleVersionException("opportunity " + update.code + " changed meanwhile");
    HistoryRows.bind(sql.history, HistoryEntry.of(current, next, update.origin), next.id().value());
    if (sql.history.executeUpdate() != 1)
      throw new IllegalStateException("the history record of " + update.code + " was not written");
    update.wrote = true;
    return next;
  }

  /**
   * The writer's connection (autocommit; transactions by explicit {@code BEGIN IMMEDIATE}) and its
   * statements, prepared once: plain JDBC on the hot path, see {@link OpportunityRow#read}.
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
      PreparedStatement history) {

    static Statements open(ConnectionFactory connections) throws SQLException {
      Connection c = connections.openConnection();
      try {
        return new Statements(
            c,
            c.prepareStatement("BEGIN IMMEDIATE"),
            c.prepareStatement("COMMIT"),
            c.prepareStatement("ROLLBACK"),
            c.prepareStatement("SAVEPOINT one_update"),
            c.prepareStatement("RELEASE one_update"),
            c.prepareStatement("ROLLBACK TO one_update"),
            c.prepareStatement(OpportunityDao.SELECT_BY_CODE),
            c.prepareStatement(OpportunityDao.UPDATE_BY_POSITION),
            c.prepareStatement(HistoryRows.INSERT_BY_ID));
      } catch (SQLException | RuntimeException e) {
        c.close();
        throw e;
      }
    }
  }

  private Statements statements() throws SQLException {
    if (statements == null) statements = Statements.open(connections);
    return statements;
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

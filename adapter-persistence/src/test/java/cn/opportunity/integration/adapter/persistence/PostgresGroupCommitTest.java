package cn.opportunity.integration.adapter.persistence;

import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.adapter.persistence.testing.PostgresServer;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.StoreBusyException;
import cn.opportunity.integration.domain.StoreUnavailableException;
import cn.opportunity.integration.domain.Version;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Group commit on a real PostgreSQL: the writer's contract, and what only PostgreSQL does — a
 * failing statement (which aborts a PostgreSQL transaction but for its savepoint), a lost
 * connection failing its batch, two instances' writers on the same rows never deadlocking, and a
 * deadlock with another transaction costing its victim alone.
 */
class PostgresGroupCommitTest extends GroupCommitContract {
  private PostgresServer.Database db;
  private final List<PostgresDatabase> opened = new ArrayList<>();

  @Override
  StoreDatabase open() {
    if (db == null) db = PostgresServer.shared().newMigratedDatabase();
    PostgresDatabase database = PostgresDatabase.open(db.url(), db.user(), db.password(), 4);
    opened.add(database);
    return database;
  }

  /**
   * The store's dialect on connections of the test's own, whose sessions check for a deadlock after
   * 100 ms (PostgreSQL's default: 1 s): in a deadlock with a transaction whose {@code
   * deadlock_timeout} is longer, the writer's statement is the victim.
   */
  @Override
  GroupCommitWriter newWriter(Duration maxWait) {
    return new GroupCommitWriter(
        () -> {
          Connection connection = connect();
          try (Statement statement = connection.createStatement()) {
            statement.execute("SET deadlock_timeout = '100ms'");
          }
          return connection;
        },
        new ReentrantLock(),
        maxWait,
        new WriteHealth(),
        PostgresOpportunityStore.DIALECT);
  }

  @Override
  void closeDatabases() {
    opened.forEach(PostgresDatabase::close);
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }

  /** The database's own writer, on its pool. */
  private GroupCommitWriter databaseWriter() {
    return ((PostgresDatabase) database).writer();
  }

  /** Every history record of {@code code}, counted by SQL: no page limit. */
  @Override
  int historyRecords(String code) {
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet count =
            statement.executeQuery(
                "SELECT count(*) FROM opportunity_history h JOIN opportunity o"
                    + " ON o.id = h.opportunity_id WHERE o.opportunity_code = '"
                    + code
                    + "'")) {
      count.next();
      return count.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sessions of the test's database waiting for a lock now. */
  private int sessionsWaitingForALock() {
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet waiting =
            statement.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND wait_event_type = 'Lock'")) {
      waiting.next();
      return waiting.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A check of the table refuses the value: the UPDATE fails, and with it the batch's first run.
   */
  @Test
  void failsAStatementTheDatabaseRefusesAloneAndCommitsTheRestOfTheBatch() throws Exception {
    aBatchOfMixedOutcomes(Optional.of(aSourceTheDatabaseRefuses()));
  }

  /**
   * A source the database refuses from now on, as an operator's constraint or trigger might: a
   * check the test adds to the table (an update alone, not a condition of the database). Called
   * before any transaction holds the table: the check waits for the table's lock.
   */
  private String aSourceTheDatabaseRefuses() {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "ALTER TABLE opportunity ADD CONSTRAINT refused_source CHECK (source IS DISTINCT FROM '坏')");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return "坏";
  }

  @Test
  void failsEveryUpdateOfABatchWhoseConnectionIsLostAndServesTheNextOnANewOne() throws Exception {
    GroupCommitWriter writer = databaseWriter();
    CountDownLatch firstEntered = new CountDownLatch(1), firstRelease = new CountDownLatch(1);
    CompletableFuture<Opportunity> first =
        inBackground(writer, "G-0", heldUntil(firstEntered, firstRelease, setSource("G-0", "先")));
    firstEntered.await();
    CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
    List<CompletableFuture<Opportunity>> batch = new ArrayList<>();
    batch.add(inBackground(writer, "G-1", setSource("G-1", "一")));
    batch.add(inBackground(writer, "G-2", setSource("G-2", "二")));
    await(() -> writer.waiting() == 2);
    // G-3 comes last in the batch's order of codes: the batch's rows are locked and G-1 and G-2
    // applied when the connection goes
    batch.add(inBackground(writer, "G-3", heldUntil(entered, release, setSource("G-3", "三"))));
    await(() -> writer.waiting() == 3);
    firstRelease.countDown();
    assertEquals("先", first.get(10, TimeUnit.SECONDS).details().source());
    entered.await();

    try (Connection admin = connect();
        Statement statement = admin.createStatement();
        ResultSet terminated =
            statement.executeQuery(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND state = 'idle in transaction'")) {
      assertTrue(terminated.next());
      assertEquals(1, terminated.getInt(1), "the writer's connection, inside its transaction");
    }
    release.countDown();

    for (CompletableFuture<Opportunity> update : batch)
      assertInstanceOf(StoreUnavailableException.class, failureOf(update));
    assertEquals(Version.FIRST, stored("G-1").version());
    assertEquals(Version.FIRST, stored("G-2").version());
    assertEquals(Version.FIRST, stored("G-3").version());
    Opportunity next =
        database
            .opportunityStore()
            .update(new OpportunityCode("G-1"), ORIGIN, setSource("G-1", "又一"));
    assertEquals(new Version(2), next.version());
    assertEquals(next, stored("G-1"));
  }

  /**
   * Two instances' writers, each batching updates of the same few rows in whatever order their
   * callers came: each batch locks its rows in the order of the codes, so no batch waits for
   * another that waits for it, and no update is a deadlock's victim.
   */
  @Test
  void twoInstancesUpdatingTheSameFewRowsNeverDeadlockAndLoseNothing() throws Exception {
    List<PostgresDatabase> instances =
        List.of((PostgresDatabase) database, (PostgresDatabase) open());
    int callersPerInstance = 8, updatesPerCaller = 40;
    Map<String, AtomicInteger> acknowledged = new ConcurrentHashMap<>();
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (int c = 0; c < 2 * callersPerInstance; c++) {
      PostgresDatabase instance = instances.get(c % 2);
      Random random = new Random(c);
      int caller = c;
      running.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
                for (int u = 0; u < updatesPerCaller; u++) {
                  String code = "G-" + random.nextInt(3);
                  instance
                      .opportunityStore()
                      .update(
                          new OpportunityCode(code),
                          ORIGIN,
                          setSource(code, "调用方" + caller + "第" + u + "次"));
                  acknowledged.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
                }
              },
              callers));
    }
    go.countDown();
    CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    int total = 0;
    for (int i = 0; i < 3; i++) {
      String code = "G-" + i;
      int updates = acknowledged.get(code).get();
      total += updates;
      assertEquals(new Version(1 + updates), stored(code).version(), code);
      assertEquals(1 + updates, historyRecords(code), code);
    }
    assertEquals(2 * callersPerInstance * updatesPerCaller, total);
    assertTrue(
        instances.get(0).writer().commits() + instances.get(1).writer().commits() < total,
        "commits were shared");
  }

  /**
   * Another transaction that locks rows in its own order (an import, say) can still deadlock with a
   * batch. When the writer's batch is the victim, it runs again, update by update in savepoints:
   * nothing of it lost, nothing refused. The rerun waits in the change of its first update (G-0)
   * until the other transaction has the row it asked for (G-1): else the rerun could lock G-1 first
   * and deadlock with it again, and that time its update of G-1 would be refused (see the next
   * test).
   */
  @Test
  void runsABatchThatWasADeadlocksVictimAgainOneByOne() throws Exception {
    GroupCommitWriter writer = databaseWriter();
    CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
    CompletableFuture<Opportunity> first =
        inBackground(writer, "G-3", heldUntil(entered, release, setSource("G-3", "先")));
    entered.await();
    CountDownLatch rerun = new CountDownLatch(1), goOn = new CountDownLatch(1);
    // the first run fails at its locking read, before any change runs: this one runs in the rerun
    CompletableFuture<Opportunity> g0 =
        inBackground(writer, "G-0", heldUntil(rerun, goOn, setSource("G-0", "零")));
    CompletableFuture<Opportunity> g1 = inBackground(writer, "G-1", setSource("G-1", "一"));
    CompletableFuture<Opportunity> g2 = inBackground(writer, "G-2", setSource("G-2", "二"));
    await(() -> writer.waiting() == 3);
    try (Connection other = connect();
        Statement statement = other.createStatement()) {
      other.setAutoCommit(false);
      statement.execute("SET deadlock_timeout = '20s'"); // so that the writer's check finds it
      statement.execute("SELECT 1 FROM opportunity WHERE opportunity_code = 'G-2' FOR UPDATE");
      release.countDown(); // the next batch: G-0 and G-1 locked, then G-2 waits for this one
      first.get(10, TimeUnit.SECONDS);
      await(() -> sessionsWaitingForALock() == 1);
      // waits for G-1, held by the writer: a cycle, which the writer's backend finds after 1 s;
      // its batch is rolled back, and this transaction gets G-1
      statement.execute("SELECT 1 FROM opportunity WHERE opportunity_code = 'G-1' FOR UPDATE");
      goOn.countDown(); // the rerun, holding G-0, goes on to G-1: it waits for this transaction
      statement.execute(
          "UPDATE opportunity SET description = '另一个事务' WHERE opportunity_code IN ('G-1', 'G-2')");
      other.commit();
    }

    assertEquals("零", g0.get(10, TimeUnit.SECONDS).details().source());
    assertEquals("一", g1.get(10, TimeUnit.SECONDS).details().source());
    assertEquals("二", g2.get(10, TimeUnit.SECONDS).details().source());
    assertEquals(new Version(2), stored("G-0").version());
    assertEquals(new Version(2), stored("G-1").version());
    assertEquals(new Version(2), stored("G-2").version());
    assertEquals("另一个事务", stored("G-1").details().description(), "the other's write kept");
  }

  /**
   * A batch that runs one by one (a statement of it refused) and, there, an update that is a
   * deadlock's victim. The batch's second run holds G-0 (its change waits) when another
   * transaction, holding G-2, asks for G-0; then the batch asks for G-2: a cycle, which the
   * writer's session finds first (its {@code deadlock_timeout} is the shorter, see {@link
   * #newWriter}). PostgreSQL aborts the writer's statement only: the update of G-2 is rolled back
   * to its savepoint and refused as busy (503 over HTTP), the rest of the batch committed, and the
   * other transaction goes on once it is.
   */
  @Test
  void refusesAnUpdateThatIsADeadlocksVictimAloneAndCommitsTheRestOfItsBatch() throws Exception {
    String refused = aSourceTheDatabaseRefuses(); // before a transaction holds the table
    GroupCommitWriter writer = writer(Duration.ofSeconds(30));
    CompletableFuture<Opportunity> first = holdTheWriter(writer, "先");
    UnaryOperator<Opportunity> zero = setSource("G-0", "零");
    CountDownLatch secondRun = new CountDownLatch(1), goOn = new CountDownLatch(1);
    UnaryOperator<Opportunity> zeroHeldOnItsSecondRun = heldUntil(secondRun, goOn, zero);
    AtomicInteger runs = new AtomicInteger();
    CompletableFuture<Opportunity> g0 =
        inBackground(
            writer,
            "G-0",
            current ->
                (runs.incrementAndGet() == 1 ? zero : zeroHeldOnItsSecondRun).apply(current));
    CompletableFuture<Opportunity> g1 = inBackground(writer, "G-1", setSource("G-1", refused));
    CompletableFuture<Opportunity> g2 = inBackground(writer, "G-2", setSource("G-2", "二"));
    CompletableFuture<Opportunity> g3 = inBackground(writer, "G-3", setSource("G-3", "三"));
    await(() -> writer.waiting() == 4);
    long commitsBefore = writer.commits();
    release();
    assertEquals("先", first.get(10, TimeUnit.SECONDS).details().source());
    secondRun.await(); // the first run failed on G-1's source; the second holds G-0, in a savepoint

    try (Connection other = connect();
        Statement statement = other.createStatement()) {
      other.setAutoCommit(false);
      statement.execute("SET deadlock_timeout = '1min'"); // the writer's session checks first
      statement.execute("SELECT 1 FROM opportunity WHERE opportunity_code = 'G-2' FOR UPDATE");
      CompletableFuture<Void> waitsForG0 =
          CompletableFuture.runAsync(
              () -> {
                try {
                  statement.execute(
                      "SELECT 1 FROM opportunity WHERE opportunity_code = 'G-0' FOR UPDATE");
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              },
              callers);
      await(() -> sessionsWaitingForALock() == 1);
      goOn.countDown(); // the batch goes on to G-1 (refused again), then waits for G-2: a cycle

      assertInstanceOf(StoreBusyException.class, failureOf(g2));
      waitsForG0.get(10, TimeUnit.SECONDS); // the batch committed: G-0 is free
      statement.execute(
          "UPDATE opportunity SET description = '另一个事务' WHERE opportunity_code = 'G-2'");
      other.commit();
    }

    assertEquals("零", g0.get(10, TimeUnit.SECONDS).details().source());
    assertInstanceOf(IllegalStateException.class, failureOf(g1));
    assertEquals("三", g3.get(10, TimeUnit.SECONDS).details().source());
    assertEquals(
        commitsBefore + 2,
        writer.commits(),
        "the held update alone, then the batch, its victim left out, in one commit");
    assertEquals(new Version(3), stored("G-0").version(), "the held update, then the batch's");
    assertEquals("零", stored("G-0").details().source());
    assertEquals(3, historyRecords("G-0"));
    assertEquals(Version.FIRST, stored("G-1").version());
    assertEquals(new Version(2), stored("G-3").version());
    assertEquals(2, historyRecords("G-3"));
    Opportunity victim = stored("G-2");
    assertEquals(Version.FIRST, victim.version(), "nothing of the victim written");
    assertEquals(1, historyRecords("G-2"), "no history record of the victim");
    assertEquals("另一个事务", victim.details().description(), "the other's write kept");
  }
}

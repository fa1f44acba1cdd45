package cn.opportunity.integration.adapter.persistence;

import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.adapter.persistence.testing.PostgresServer;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.StoreBusyException;
import cn.opportunity.integration.domain.StoreUnavailableException;
import cn.opportunity.integration.domain.Version;
import cn.opportunity.integration.domain.testing.Opportunities;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit on a real PostgreSQL: shared transactions, failures kept apart (a failing statement
 * too, which aborts a PostgreSQL transaction but for its savepoint), a lost connection failing its
 * batch, and two instances' writers on the same rows never deadlocking.
 */
class PostgresGroupCommitTest {
  private static final Instant LATER = Opportunities.CREATED_AT.plusSeconds(60);

  private PostgresServer.Database db;
  private final List<PostgresDatabase> databases = new ArrayList<>();
  private PostgresDatabase database;
  private final List<CountDownLatch> releases = new ArrayList<>();
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @BeforeEach
  void openDatabase() {
    db = PostgresServer.shared().newMigratedDatabase();
    database = open();
    for (int i = 0; i < 4; i++)
      database
          .opportunityStore()
          .importAll(List.of(anOpportunity().code("G-" + i).build()), List.of());
  }

  @AfterEach
  void close() {
    releases.forEach(CountDownLatch::countDown);
    callers.shutdownNow();
    databases.forEach(PostgresDatabase::close);
  }

  private PostgresDatabase open() {
    PostgresDatabase opened = PostgresDatabase.open(db.url(), db.user(), db.password(), 4);
    databases.add(opened);
    return opened;
  }

  private static UnaryOperator<Opportunity> setSource(String code, String source) {
    OpportunityPatch patch =
        OpportunityPatch.builder(new OpportunityCode(code))
            .set(OpportunityField.SOURCE, source)
            .build();
    return current -> current.apply(patch, LATER);
  }

  /** A change that holds the writer inside its transaction until {@code release}. */
  private UnaryOperator<Opportunity> heldUntil(
      CountDownLatch entered, CountDownLatch release, UnaryOperator<Opportunity> then) {
    releases.add(release);
    return current -> {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return then.apply(current);
    };
  }

  private CompletableFuture<Opportunity> inBackground(
      PostgresDatabase on, String code, UnaryOperator<Opportunity> change) {
    return CompletableFuture.supplyAsync(
        () -> on.opportunityStore().update(new OpportunityCode(code), ORIGIN, change), callers);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 10 s");
      Thread.sleep(5);
    }
  }

  private Opportunity stored(String code) {
    return database.opportunityStore().findByCode(new OpportunityCode(code)).orElseThrow();
  }

  private static Throwable failureOf(CompletableFuture<Opportunity> update) {
    return assertThrows(ExecutionException.class, () -> update.get(10, TimeUnit.SECONDS))
        .getCause();
  }

  @Test
  void sharesOneTransactionAmongWaitingUpdatesAndFailsOnlyTheFailingOnes() throws Exception {
    GroupCommitWriter writer = database.writer();
    CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
    CompletableFuture<Opportunity> first =
        inBackground(database, "G-0", heldUntil(entered, release, setSource("G-0", "先")));
    entered.await();
    RuntimeException refused = new OpportunityNotFoundException("G-1");
    List<CompletableFuture<Opportunity>> good = new ArrayList<>();
    for (int i = 1; i <= 6; i++)
      good.add(inBackground(database, "G-2", setSource("G-2", "第" + i + "次")));
    await(() -> writer.waiting() == 6);
    CompletableFuture<Opportunity> throwing =
        inBackground(
            database,
            "G-1",
            current -> {
              throw refused;
            });
    // PostgreSQL text holds no NUL: the UPDATE fails, and with it the transaction but for the
    // savepoint
    await(() -> writer.waiting() == 7);
    CompletableFuture<Opportunity> failingStatement =
        inBackground(database, "G-3", setSource("G-3", "坏\u0000"));
    await(() -> writer.waiting() == 8);
    good.add(inBackground(database, "G-3", setSource("G-3", "也好")));
    CompletableFuture<Opportunity> missing = inBackground(database, "NOPE", setSource("NOPE", "无"));
    await(() -> writer.waiting() == 10);
    long commitsBefore = writer.commits();

    release.countDown();

    assertEquals("先", first.get(10, TimeUnit.SECONDS).details().source());
    for (CompletableFuture<Opportunity> update : good) update.get(10, TimeUnit.SECONDS);
    assertEquals(refused, failureOf(throwing));
    assertInstanceOf(IllegalStateException.class, failureOf(failingStatement));
    assertInstanceOf(OpportunityNotFoundException.class, failureOf(missing));
    assertEquals(
        commitsBefore + 2,
        writer.commits(),
        "the first update alone, then the ten waiting in one transaction");
    assertEquals(new Version(7), stored("G-2").version(), "six updates of one row, one by one");
    assertEquals(new Version(2), stored("G-3").version(), "the update after the failed statement");
    assertEquals("也好", stored("G-3").details().source());
    assertEquals(Version.FIRST, stored("G-1").version());
    assertEquals(
        6,
        database
                .opportunityStore()
                .history(new OpportunityCode("G-2"), Long.MAX_VALUE, 50)
                .orElseThrow()
                .items()
                .size()
            - 1, // and the import's record
        "a history record for each update");
  }

  @Test
  void failsEveryUpdateOfABatchWhoseConnectionIsLostAndServesTheNextOnANewOne() throws Exception {
    GroupCommitWriter writer = database.writer();
    CountDownLatch firstEntered = new CountDownLatch(1), firstRelease = new CountDownLatch(1);
    CompletableFuture<Opportunity> first =
        inBackground(database, "G-0", heldUntil(firstEntered, firstRelease, setSource("G-0", "先")));
    firstEntered.await();
    CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
    List<CompletableFuture<Opportunity>> batch = new ArrayList<>();
    batch.add(inBackground(database, "G-1", setSource("G-1", "一")));
    batch.add(inBackground(database, "G-2", setSource("G-2", "二")));
    await(() -> writer.waiting() == 2);
    // G-3 comes last in the batch's order of codes: the batch's rows are locked and G-1 and G-2
    // applied when the connection goes
    batch.add(inBackground(database, "G-3", heldUntil(entered, release, setSource("G-3", "三"))));
    await(() -> writer.waiting() == 3);
    firstRelease.countDown();
    assertEquals("先", first.get(10, TimeUnit.SECONDS).details().source());
    entered.await();

    try (Connection admin = DriverManager.getConnection(db.url(), db.user(), db.password());
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
    List<PostgresDatabase> instances = List.of(database, open());
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
   * batch. When the writer's batch is the victim, it runs again, update by update in savepoints,
   * once the other transaction's locks are gone: nothing of it lost, nothing refused.
   */
  @Test
  void runsABatchThatWasADeadlocksVictimAgainOneByOne() throws Exception {
    GroupCommitWriter writer = database.writer();
    CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
    CompletableFuture<Opportunity> first =
        inBackground(database, "G-3", heldUntil(entered, release, setSource("G-3", "先")));
    entered.await();
    CompletableFuture<Opportunity> g0 = inBackground(database, "G-0", setSource("G-0", "零"));
    CompletableFuture<Opportunity> g1 = inBackground(database, "G-1", setSource("G-1", "一"));
    await(() -> writer.waiting() == 2);
    try (Connection other = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement statement = other.createStatement()) {
      other.setAutoCommit(false);
      statement.execute("SET deadlock_timeout = '20s'"); // so that the writer's check finds it
      statement.execute("SELECT 1 FROM opportunity WHERE opportunity_code = 'G-1' FOR UPDATE");
      release.countDown(); // the next batch: G-0 locked, then G-1 waits for this transaction
      first.get(10, TimeUnit.SECONDS);
      await(() -> writerWaitsForALock());
      // waits for G-0, held by the writer: a cycle, which the writer's backend finds after 1 s;
      // its batch is rolled back, and this transaction gets G-0
      statement.execute("SELECT 1 FROM opportunity WHERE opportunity_code = 'G-0' FOR UPDATE");
      statement.execute(
          "UPDATE opportunity SET description = '另一个事务' WHERE opportunity_code IN ('G-0', 'G-1')");
      other.commit();
    }

    assertEquals("零", g0.get(10, TimeUnit.SECONDS).details().source());
    assertEquals("一", g1.get(10, TimeUnit.SECONDS).details().source());
    assertEquals(new Version(2), stored("G-0").version());
    assertEquals(new Version(2), stored("G-1").version());
    assertEquals("另一个事务", stored("G-1").details().description(), "the other's write kept");
  }

  private boolean writerWaitsForALock() {
    try (Connection connection = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement statement = connection.createStatement();
        ResultSet waiting =
            statement.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE%'")) {
      waiting.next();
      return waiting.getInt(1) == 1;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void closingFinishesEveryUpdateItTookAndRefusesTheRest() throws Exception {
    List<CompletableFuture<Opportunity>> updates = new ArrayList<>();
    for (int i = 0; i < 200; i++)
      updates.add(inBackground(database, "G-1", setSource("G-1", "第" + i + "次")));
    await(() -> updates.stream().filter(CompletableFuture::isDone).count() >= 10);
    database.close();

    long acknowledged = 0;
    for (CompletableFuture<Opportunity> update : updates) {
      try {
        update.get(10, TimeUnit.SECONDS);
        acknowledged++;
      } catch (ExecutionException e) {
        assertInstanceOf(StoreBusyException.class, e.getCause());
      }
    }
    database = open();
    assertEquals(new Version(1 + acknowledged), stored("G-1").version());
  }

  private int historyRecords(String code) throws SQLException {
    try (Connection connection = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement statement = connection.createStatement();
        ResultSet count =
            statement.executeQuery(
                "SELECT count(*) FROM opportunity_history h JOIN opportunity o"
                    + " ON o.id = h.opportunity_id WHERE o.opportunity_code = '"
                    + code
                    + "'")) {
      count.next();
      return count.getInt(1);
    }
  }
}

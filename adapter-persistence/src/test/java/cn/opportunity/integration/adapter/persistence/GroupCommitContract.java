package cn.opportunity.integration.adapter.persistence;

import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.StoreBusyException;
import cn.opportunity.integration.domain.Version;
import cn.opportunity.integration.domain.testing.Opportunities;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What group commit does on every database it writes to: shared commits, failures kept apart,
 * bounded waits, bounded close. A dialect's test extends this class and says how to open its
 * database and a writer on it; each test starts with the opportunities G-0 to G-3 stored.
 */
abstract class GroupCommitContract {
  static final Instant LATER = Opportunities.CREATED_AT.plusSeconds(60);

  /** The database under test, opened by {@link #open} and seeded. */
  StoreDatabase database;

  private final List<GroupCommitWriter> writers = new ArrayList<>();
  private final List<CountDownLatch> releases = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  final ExecutorService callers = Executors.newCachedThreadPool(); // a thread a waiting caller

  /** A database of the dialect, on the same data at every call (a second instance, a reopening). */
  abstract StoreDatabase open();

  /** A writer of the dialect on {@link #database}'s data, besides the database's own. */
  abstract GroupCommitWriter newWriter(Duration maxWait);

  /** Closes every database {@link #open} opened. */
  abstract void closeDatabases();

  @BeforeEach
  void openDatabase() {
    database = open();
    for (int i = 0; i < 4; i++)
      database
          .opportunityStore()
          .importAll(List.of(anOpportunity().code("G-" + i).build()), List.of());
  }

  @AfterEach
  void close() {
    release.countDown();
    releases.forEach(CountDownLatch::countDown);
    callers.shutdownNow();
    writers.forEach(GroupCommitWriter::close);
    closeDatabases();
  }

  GroupCommitWriter writer(Duration maxWait) {
    GroupCommitWriter writer = newWriter(maxWait);
    writers.add(writer);
    return writer;
  }

  static UnaryOperator<Opportunity> setSource(String code, String source) {
    OpportunityPatch patch =
        OpportunityPatch.builder(new OpportunityCode(code))
            .set(OpportunityField.SOURCE, source)
            .build();
    return current -> current.apply(patch, LATER);
  }

  /**
   * A change that holds the writer inside its transaction until {@code release}, interrupts or not
   * (the worst case for a close); released at the latest after the test.
   */
  UnaryOperator<Opportunity> heldUntil(
      CountDownLatch entered, CountDownLatch release, UnaryOperator<Opportunity> then) {
    releases.add(release);
    return current -> {
      entered.countDown();
      boolean interrupted = false;
      while (release.getCount() > 0) {
        try {
          release.await();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) Thread.currentThread().interrupt();
      return then.apply(current);
    };
  }

  CompletableFuture<Opportunity> inBackground(
      GroupCommitWriter writer, String code, UnaryOperator<Opportunity> change) {
    return CompletableFuture.supplyAsync(
        () -> writer.update(new OpportunityCode(code), ORIGIN, change), callers);
  }

  /**
   * An update of G-0 to {@code source} that holds the writer inside its transaction until {@link
   * #release()}; returns once it does.
   */
  CompletableFuture<Opportunity> holdTheWriter(GroupCommitWriter writer, String source)
      throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CompletableFuture<Opportunity> held =
        inBackground(writer, "G-0", heldUntil(entered, release, setSource("G-0", source)));
    entered.await();
    return held;
  }

  /** Lets the update of {@link #holdTheWriter} go on. */
  void release() {
    release.countDown();
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 10 s");
      Thread.sleep(5);
    }
  }

  Opportunity stored(String code) {
    return database.opportunityStore().findByCode(new OpportunityCode(code)).orElseThrow();
  }

  /** The history records of {@code code}, the import's included. */
  int historyRecords(String code) {
    return database
        .opportunityStore()
        .history(new OpportunityCode(code), Long.MAX_VALUE, 50)
        .orElseThrow()
        .items()
        .size();
  }

  static Throwable failureOf(CompletableFuture<Opportunity> update) {
    return assertThrows(ExecutionException.class, () -> update.get(10, TimeUnit.SECONDS))
        .getCause();
  }

  @Test
  void sharesOneCommitAmongWaitingUpdatesAndFailsOnlyTheFailingOnes() throws Exception {
    aBatchOfMixedOutcomes(Optional.empty());
  }

  /**
   * One held update of G-0, then a batch that waits for it: six updates of G-2, a throwing change
   * of G-1, an update of G-3 with {@code refusedSource} (when the database refuses a text: its
   * statement fails), a good one of G-3, one of an unknown code. Each fails or is stored alone; the
   * batch is one commit.
   */
  void aBatchOfMixedOutcomes(Optional<String> refusedSource) throws Exception {
    GroupCommitWriter writer = writer(Duration.ofSeconds(30));
    List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    writer.onCommit(batchSizes::add);
    CompletableFuture<Opportunity> first = holdTheWriter(writer, "先");
    RuntimeException refused = new OpportunityNotFoundException("G-1");
    List<CompletableFuture<Opportunity>> good = new ArrayList<>();
    for (int i = 1; i <= 6; i++)
      good.add(inBackground(writer, "G-2", setSource("G-2", "第" + i + "次")));
    await(() -> writer.waiting() == 6);
    CompletableFuture<Opportunity> throwing =
        inBackground(
            writer,
            "G-1",
            current -> {
              throw refused;
            });
    await(() -> writer.waiting() == 7);
    Optional<CompletableFuture<Opportunity>> failingStatement =
        refusedSource.map(source -> inBackground(writer, "G-3", setSource("G-3", source)));
    int waiting = failingStatement.isPresent() ? 10 : 9;
    await(() -> writer.waiting() == waiting - 2); // the refused one before the good one of G-3
    good.add(inBackground(writer, "G-3", setSource("G-3", "也好")));
    CompletableFuture<Opportunity> missing = inBackground(writer, "NOPE", setSource("NOPE", "无"));
    await(() -> writer.waiting() == waiting);
    long commitsBefore = writer.commits();

    release();

    assertEquals("先", first.get(10, TimeUnit.SECONDS).details().source());
    for (CompletableFuture<Opportunity> update : good) update.get(10, TimeUnit.SECONDS);
    assertEquals(refused, failureOf(throwing));
    failingStatement.ifPresent(
        update -> assertInstanceOf(IllegalStateException.class, failureOf(update)));
    assertInstanceOf(OpportunityNotFoundException.class, failureOf(missing));
    assertEquals(
        commitsBefore + 2,
        writer.commits(),
        "the first update alone, then the " + waiting + " waiting in one commit");
    assertEquals(List.of(1, waiting), batchSizes, "what the metrics are told of each commit");
    assertEquals(
        new Version(7),
        stored("G-2").version(),
        "six updates of one row in one transaction, each on the one before");
    assertEquals(7, historyRecords("G-2"), "a history record for each update, and the import's");
    assertEquals(new Version(2), stored("G-3").version(), "the good update of G-3 alone");
    assertEquals("也好", stored("G-3").details().source());
    assertEquals(Version.FIRST, stored("G-1").version());
  }

  @Test
  void refusesAnUpdateThatWaitedTooLongAndNeverAppliesItLater() throws Exception {
    GroupCommitWriter writer = writer(Duration.ofMillis(200));
    CompletableFuture<Opportunity> hung = holdTheWriter(writer, "慢");

    assertThrows(
        StoreBusyException.class,
        () -> writer.update(new OpportunityCode("G-1"), ORIGIN, setSource("G-1", "迟到")));
    release();

    assertEquals(
        "慢",
        hung.get(10, TimeUnit.SECONDS).details().source(),
        "a running update finishes past the wait");
    writer.update(
        new OpportunityCode("G-2"),
        ORIGIN,
        setSource("G-2", "之后")); // the writer went on, past the withdrawn one
    assertEquals(anOpportunity().build().details().source(), stored("G-1").details().source());
  }

  /**
   * {@code submit}: the caller's thread returns at once; the answering thread completes the stage.
   */
  @Test
  void answersASubmittedUpdateFromItsOwnThreadOnceTheCommitIsSynced() throws Exception {
    GroupCommitWriter writer = writer(Duration.ofSeconds(30));
    holdTheWriter(writer, "先");
    CompletableFuture<String> answeredBy =
        writer
            .submit(new OpportunityCode("G-1"), ORIGIN, setSource("G-1", "异步"))
            .thenApply(
                stored -> stored.details().source() + " by " + Thread.currentThread().getName())
            .toCompletableFuture();
    CompletableFuture<Opportunity> missing =
        writer
            .submit(new OpportunityCode("NOPE"), ORIGIN, setSource("NOPE", "无"))
            .toCompletableFuture();
    Thread.sleep(100);
    assertFalse(answeredBy.isDone(), "answered before its commit");

    release();

    assertEquals("异步 by opportunity-answers", answeredBy.get(10, TimeUnit.SECONDS));
    assertEquals("异步", stored("G-1").details().source());
    assertInstanceOf(OpportunityNotFoundException.class, failureOf(missing));
  }

  @Test
  void refusesASubmittedUpdateThatWaitedTooLongAndNeverAppliesItLater() throws Exception {
    GroupCommitWriter writer = writer(Duration.ofMillis(200));
    holdTheWriter(writer, "慢");

    CompletableFuture<Opportunity> late =
        writer
            .submit(new OpportunityCode("G-1"), ORIGIN, setSource("G-1", "迟到"))
            .toCompletableFuture();
    assertInstanceOf(
        StoreBusyException.class,
        assertThrows(ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS)).getCause());
    release();

    writer.update(
        new OpportunityCode("G-2"),
        ORIGIN,
        setSource("G-2", "之后")); // the writer went on, past the withdrawn one
    assertEquals(anOpportunity().build().details().source(), stored("G-1").details().source());
  }

  @Test
  void closesWithinItsBoundPastAHungChangeAndCommitsNothingOfIt() throws Exception {
    GroupCommitWriter writer = writer(Duration.ofSeconds(30));
    CompletableFuture<Opportunity> hung = holdTheWriter(writer, "挂起");

    long started = System.nanoTime();
    assertFalse(writer.close(Duration.ofMillis(300)));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(tookMillis < 2_000, "close took " + tookMillis + " ms");
    assertThrows(
        StoreBusyException.class,
        () -> writer.update(new OpportunityCode("G-1"), ORIGIN, setSource("G-1", "关后")));

    release(); // the change returns after all: its transaction must not commit
    assertInstanceOf(StoreBusyException.class, failureOf(hung));
    assertEquals(Version.FIRST, stored("G-0").version());
  }

  /** The database's own writer, closed under load, then the database opened again. */
  @Test
  void closingTheDatabaseFinishesEveryUpdateItTookAndRefusesTheRest() throws Exception {
    List<CompletableFuture<Opportunity>> updates = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String source = "第" + i + "次";
      StoreDatabase closing = database;
      updates.add(
          CompletableFuture.supplyAsync(
              () ->
                  closing
                      .opportunityStore()
                      .update(new OpportunityCode("G-1"), ORIGIN, setSource("G-1", source)),
              callers));
    }
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
}

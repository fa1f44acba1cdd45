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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit on a real SQLite file: shared commits, failures kept apart, bounded waits, bounded
 * close.
 */
class GroupCommitWriterTest {
  private static final Instant LATER = Opportunities.CREATED_AT.plusSeconds(60);

  @TempDir Path dir;
  private TempDatabases databases;
  private SqliteDatabase database;
  private final List<GroupCommitWriter> writers = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final ExecutorService callers =
      Executors.newCachedThreadPool(); // one thread per waiting caller

  @BeforeEach
  void openDatabase() {
    databases = new TempDatabases(dir);
    database = databases.open("group.db");
    for (int i = 0; i < 4; i++)
      database
          .opportunityStore()
          .importAll(List.of(anOpportunity().code("G-" + i).build()), List.of());
  }

  @AfterEach
  void close() {
    release.countDown();
    callers.shutdownNow();
    writers.forEach(GroupCommitWriter::close);
    databases.close();
  }

  private GroupCommitWriter writer(Duration maxWait) {
    GroupCommitWriter writer =
        new GroupCommitWriter(
            database.connections(), new ReentrantLock(true), maxWait, new WriteHealth());
    writers.add(writer);
    return writer;
  }

  private static UnaryOperator<Opportunity> setSource(String code, String source) {
    OpportunityPatch patch =
        OpportunityPatch.builder(new OpportunityCode(code))
            .set(OpportunityField.SOURCE, source)
            .build();
    return current -> current.apply(patch, LATER);
  }

  /**
   * A change that holds the writer inside its transaction until {@link #release}, interrupts or
   * not.
   */
  private UnaryOperator<Opportunity> hungUntilReleased(
      CountDownLatch entered, UnaryOperator<Opportunity> then) {
    return current -> {
      entered.countDown();
      boolean interrupted = false;
      while (release.getCount() > 0) {
        try {
          release.await();
        } catch (InterruptedException e) {
          interrupted = true; // a hung change ignores interrupts: the worst case for close()
        }
      }
      if (interrupted) Thread.currentThread().interrupt();
      return then.apply(current);
    };
  }

  private CompletableFuture<Opportunity> inBackground(
      GroupCommitWriter writer, String code, UnaryOperator<Opportunity> change) {
    return CompletableFuture.supplyAsync(
        () -> writer.update(new OpportunityCode(code), ORIGIN, change), callers);
  }

  /**
   * An update of G-0 that holds the writer inside its transaction until {@link #release}; returns
   * once it does.
   */
  private CompletableFuture<Opportunity> holdTheWriter(GroupCommitWriter writer, String source)
      throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CompletableFuture<Opportunity> held =
        inBackground(writer, "G-0", hungUntilReleased(entered, setSource("G-0", source)));
    entered.await();
    return held;
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 10 s");
      Thread.sleep(5);
    }
  }

  private String sourceOf(String code) {
    return database
        .opportunityStore()
        .findByCode(new OpportunityCode(code))
        .orElseThrow()
        .details()
        .source();
  }

  @Test
  void sharesOneCommitAmongWaitingUpdatesAndFailsOnlyTheFailingOnes() throws Exception {
    GroupCommitWriter writer = writer(Duration.ofSeconds(30));
    List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    writer.onCommit(batchSizes::add);
    CompletableFuture<Opportunity> first = holdTheWriter(writer, "先");
    RuntimeException refused = new OpportunityNotFoundException("G-1");
    List<CompletableFuture<Opportunity>> good = new ArrayList<>();
    for (int i = 1; i <= 6; i++)
      good.add(inBackground(writer, "G-2", setSource("G-2", "第" + i + "次")));
    CompletableFuture<Opportunity> throwing =
        inBackground(
            writer,
            "G-1",
            current -> {
              throw refused;
            });
    CompletableFuture<Opportunity> missing = inBackground(writer, "NOPE", setSource("NOPE", "无"));
    good.add(inBackground(writer, "G-3", setSource("G-3", "也好")));
    await(() -> writer.waiting() == 9);
    long commitsBefore = writer.commits();

    release.countDown();

    assertEquals("先", first.get(10, TimeUnit.SECONDS).details().source());
    for (CompletableFuture<Opportunity> update : good) update.get(10, TimeUnit.SECONDS);
    ExecutionException thrown =
        assertThrows(ExecutionException.class, () -> throwing.get(10, TimeUnit.SECONDS));
    assertEquals(refused, thrown.getCause());
    assertInstanceOf(
        OpportunityNotFoundException.class,
        assertThrows(ExecutionException.class, () -> missing.get(10, TimeUnit.SECONDS)).getCause());
    assertEquals(
        commitsBefore + 2,
        writer.commits(),
        "the first update alone, then the nine waiting in one commit");
    assertEquals(List.of(1, 9), batchSizes, "what the metrics are told of each commit");
    Opportunity g2 =
        database.opportunityStore().findByCode(new OpportunityCode("G-2")).orElseThrow();
    assertEquals(
        new Version(7),
        g2.version(),
        "six updates of one row in one transaction, each on the one before");
    assertEquals("也好", sourceOf("G-3"));
    assertEquals(
        Version.FIRST,
        database.opportunityStore().findByCode(new OpportunityCode("G-1")).orElseThrow().version());
  }

  @Test
  void refusesAnUpdateThatWaitedTooLongAndNeverAppliesItLater() throws Exception {
    GroupCommitWriter writer = writer(Duration.ofMillis(200));
    CompletableFuture<Opportunity> hung = holdTheWriter(writer, "慢");

    assertThrows(
        StoreBusyException.class,
        () -> writer.update(new OpportunityCode("G-1"), ORIGIN, setSource("G-1", "迟到")));
    release.countDown();

    assertEquals(
        "慢",
        hung.get(10, TimeUnit.SECONDS).details().source(),
        "a running update finishes past the wait");
    writer.update(
        new OpportunityCode("G-2"),
        ORIGIN,
        setSource("G-2", "之后")); // the writer went on, past the withdrawn one
    assertEquals(Opportunities.anOpportunity().build().details().source(), sourceOf("G-1"));
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

    release.countDown();

    assertEquals("异步 by opportunity-answers", answeredBy.get(10, TimeUnit.SECONDS));
    assertEquals("异步", sourceOf("G-1"));
    assertInstanceOf(
        OpportunityNotFoundException.class,
        assertThrows(ExecutionException.class, () -> missing.get(10, TimeUnit.SECONDS)).getCause());
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
    release.countDown();

    writer.update(
        new OpportunityCode("G-2"),
        ORIGIN,
        setSource("G-2", "之后")); // the writer went on, past the withdrawn one
    assertEquals(Opportunities.anOpportunity().build().details().source(), sourceOf("G-1"));
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

    release.countDown(); // the change returns after all: its transaction must not commit
    assertInstanceOf(
        StoreBusyException.class,
        assertThrows(ExecutionException.class, () -> hung.get(10, TimeUnit.SECONDS)).getCause());
    assertEquals(
        Version.FIRST,
        database.opportunityStore().findByCode(new OpportunityCode("G-0")).orElseThrow().version());
  }

  @Test
  void closingTheDatabaseFinishesEveryUpdateItTookAndRefusesTheRest() throws Exception {
    List<CompletableFuture<Opportunity>> updates = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String source = "第" + i + "次";
      updates.add(
          CompletableFuture.supplyAsync(
              () ->
                  database
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
    SqliteDatabase reopened = databases.open("group.db");
    assertEquals(
        new Version(1 + acknowledged),
        reopened.opportunityStore().findByCode(new OpportunityCode("G-1")).orElseThrow().version());
  }
}

package cn.opportunity.integration.adapter.persistence;

import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.testing.CapturedLog;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file, its settings and its lifecycle. */
class SqliteDatabaseTest {
  @TempDir Path dir;
  private TempDatabases databases;

  @BeforeEach
  void setUp() {
    databases = new TempDatabases(dir);
  }

  @AfterEach
  void tearDown() {
    databases.close();
  }

  private static Map<String, Object> pragmas(Handle h) {
    return Map.of(
        "journal_mode", h.createQuery("PRAGMA journal_mode").mapTo(String.class).one(),
        "synchronous", h.createQuery("PRAGMA synchronous").mapTo(Integer.class).one(),
        "busy_timeout", h.createQuery("PRAGMA busy_timeout").mapTo(Integer.class).one(),
        "foreign_keys", h.createQuery("PRAGMA foreign_keys").mapTo(Integer.class).one(),
        "wal_autocheckpoint",
            h.createQuery("PRAGMA wal_autocheckpoint").mapTo(Integer.class).one());
  }

  @Test
  void tellsTheMetricsTheSizeOfEachGroupCommitAndHowManyUpdatesWait() {
    SqliteDatabase database = databases.open("metrics.db");
    database.opportunityStore().importAll(List.of(anOpportunity().code("M-1").build()), List.of());
    List<Integer> batchSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    database.onGroupCommit(batchSizes::add);
    OpportunityPatch patch =
        OpportunityPatch.builder(new OpportunityCode("M-1"))
            .set(OpportunityField.SOURCE, "指标")
            .build();
    database
        .opportunityStore()
        .update(new OpportunityCode("M-1"), ORIGIN, current -> current.apply(patch, Instant.now()));
    assertEquals(List.of(1), batchSizes);
    assertEquals(0, database.updatesWaiting());
  }

  @Test
  void configuresEveryConnectionForDurability() {
    Jdbi jdbi = databases.open("pragmas.db").jdbi(); // the stores' Jdbi
    Map<String, Object> expected =
        Map.of(
            "journal_mode",
            "wal",
            "synchronous",
            2,
            "busy_timeout",
            5000,
            "foreign_keys",
            1,
            "wal_autocheckpoint",
            SqliteDatabase.CHECKPOINT_PAGES);
    for (int connection = 0; connection < 3; connection++)
      assertEquals(expected, jdbi.withHandle(SqliteDatabaseTest::pragmas));
    assertEquals(expected, jdbi.inTransaction(SqliteDatabaseTest::pragmas));
  }

  /**
   * {@code BEGIN IMMEDIATE}: a second write transaction waits at its start, never fails half-way.
   */
  @Test
  void makesASecondWriteTransactionWaitUntilTheFirstCommits() throws Exception {
    Jdbi jdbi = databases.open("immediate.db").jdbi();
    CountDownLatch firstBegun = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Long> firstEnds =
          pool.submit(
              () ->
                  jdbi.inTransaction(
                      h -> {
                        firstBegun.countDown();
                        Thread.sleep(300);
                        return System.nanoTime();
                      }));
      firstBegun.await();
      Future<Long> secondBegins = pool.submit(() -> jdbi.inTransaction(h -> System.nanoTime()));
      assertTrue(
          secondBegins.get(10, TimeUnit.SECONDS) > firstEnds.get(10, TimeUnit.SECONDS),
          "the second transaction began while the first one held the write lock");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void opensUpdatesAndAnswersHealthWithoutBuildingJdbi() {
    SqliteDatabase seeded = databases.open("lazy.db");
    seeded.opportunityStore().importAll(List.of(anOpportunity().code("LZ-1").build()), List.of());
    seeded.close();

    SqliteDatabase database = databases.open("lazy.db");
    assertTrue(database.opportunityStore().isAvailable());
    Opportunity stored =
        database
            .opportunityStore()
            .update(
                new OpportunityCode("LZ-1"),
                ORIGIN,
                current ->
                    current.apply(
                        OpportunityPatch.builder(current.code())
                            .set(OpportunityField.DESCRIPTION, "懒加载")
                            .build(),
                        Instant.now()));
    assertEquals(2, stored.version().value());
    assertFalse(
        database.jdbiBuilt(), "the path to the first update does not wait for Jdbi's set-up");

    assertEquals(
        stored, database.opportunityStore().findByCode(new OpportunityCode("LZ-1")).orElseThrow());
    assertTrue(database.jdbiBuilt(), "built at its first use");
  }

  @Test
  void keepsTheWalWhileOpenSoRequestsDoNotCheckpoint() throws Exception {
    SqliteDatabase database = databases.open("anchor.db");
    database.opportunityStore().importAll(List.of(anOpportunity().code("AN-1").build()), List.of());
    assertTrue(database.opportunityStore().findByCode(new OpportunityCode("AN-1")).isPresent());
    assertTrue(Files.size(databases.file("anchor.db-wal")) > 0, "the commit is still in the WAL");
  }

  /**
   * A commit that crosses {@link SqliteDatabase#CHECKPOINT_PAGES} checkpoints: the WAL never holds
   * many more.
   */
  @Test
  void checkpointsInSmallStepsUnderSteadyUpdates() throws Exception {
    SqliteDatabase seeded = databases.open("steps.db");
    seeded
        .opportunityStore()
        .importAll(
            IntStream.range(0, 3_000)
                .mapToObj(
                    i ->
                        anOpportunity()
                            .code("ST-" + i)
                            .details(d -> d.description("x".repeat(400)))
                            .build())
                .toList(),
            List.of());
    seeded.close(); // the import's WAL goes with it: the file below grows from nothing

    SqliteDatabase database = databases.open("steps.db");
    for (int i = 0; i < 3_000; i += 7) { // one commit each, over pages all across the file
      database
          .opportunityStore()
          .update(
              new OpportunityCode("ST-" + i),
              ORIGIN,
              current ->
                  current.apply(
                      OpportunityPatch.builder(current.code())
                          .set(OpportunityField.DESCRIPTION, "y".repeat(400))
                          .build(),
                      Instant.now()));
    }
    // A WAL file is reused from its start after a checkpoint, never shrunk: its size is its
    // high-water mark.
    long mostFrames = walFrames(databases.file("steps.db-wal"));
    assertTrue(
        mostFrames >= SqliteDatabase.CHECKPOINT_PAGES
            && mostFrames < SqliteDatabase.CHECKPOINT_PAGES + 20,
        "frames the WAL held at most: " + mostFrames);
  }

  /** A WAL file's frames: a 32-byte header, then frames of a 24-byte header and one page each. */
  private static long walFrames(Path wal) throws Exception {
    try (RandomAccessFile file = new RandomAccessFile(wal.toFile(), "r")) {
      file.seek(8);
      int pageSize = file.readInt(); // big-endian, as SQLite writes it
      return (file.length() - 32) / (pageSize + 24);
    }
  }

  @Test
  void leavesNoWalFileAfterClose() {
    SqliteDatabase database = databases.open("clean.db");
    database.opportunityStore().importAll(List.of(anOpportunity().code("CL-1").build()), List.of());
    assertTrue(Files.exists(databases.file("clean.db-wal")));
    database.close();
    assertFalse(
        Files.exists(databases.file("clean.db-wal")),
        "close checkpoints the WAL into the file and removes it");
    assertFalse(Files.exists(databases.file("clean.db-shm")));
  }

  @Test
  void refusesOperationsOnceClosedAndSaysItIsUnavailable() {
    SqliteDatabase database = databases.open("closed.db");
    assertTrue(database.opportunityStore().isAvailable());
    database.close();
    database.close(); // idempotent
    assertFalse(database.opportunityStore().isAvailable());
    assertThrows(
        RuntimeException.class,
        () -> database.opportunityStore().findByCode(new OpportunityCode("X")));
    assertFalse(Files.exists(databases.file("closed.db-wal")), "no operation reopened the file");
  }

  @Test
  void createsTheDirectoriesOfTheFile() {
    SqliteDatabase database = databases.open("a/b/deep.db");
    assertTrue(database.opportunityStore().isAvailable());
    assertTrue(Files.isRegularFile(databases.file("a/b/deep.db")));
    assertEquals(databases.url("a/b/deep.db"), database.jdbcUrl());
    assertSame(database.opportunityStore(), database.opportunityStore());
  }

  @Test
  void refusesUrlsThatNameNoFile() {
    for (String url :
        List.of(
            "jdbc:sqlite::memory:",
            "jdbc:sqlite:",
            "jdbc:sqlite:file:x?mode=memory",
            "jdbc:postgresql://localhost/opportunities")) {
      assertThrows(IllegalArgumentException.class, () -> SqliteDatabase.open(url), url);
    }
  }

  /** A damaged table page, in a file whose last stop was clean (no {@code -wal} left). */
  private void damage(String name) throws Exception {
    SqliteDatabase database = databases.open(name);
    List<NewOpportunity> many =
        IntStream.range(0, 60)
            .mapToObj(
                i ->
                    anOpportunity()
                        .code("DMG-" + i)
                        .details(d -> d.description("长".repeat(200)))
                        .build())
            .toList();
    database.opportunityStore().importAll(many, List.of());
    int rootPage =
        database
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT rootpage FROM sqlite_schema WHERE name = 'opportunity'")
                        .mapTo(Integer.class)
                        .one());
    int pageSize =
        database
            .jdbi()
            .withHandle(h -> h.createQuery("PRAGMA page_size").mapTo(Integer.class).one());
    database.close();
    assertFalse(Files.exists(databases.file(name + "-wal")), "a clean close removes the -wal file");
    try (RandomAccessFile file = new RandomAccessFile(databases.file(name).toFile(), "rw")) {
      byte[] garbage = new byte[64];
      Arrays.fill(garbage, (byte) 0xFF);
      file.seek((long) (rootPage - 1) * pageSize + 8); // the table's root page, past its header
      file.write(garbage);
    }
  }

  /**
   * A crash leaves the {@code -wal} file (here one whose frames are gone: SQLite starts it anew).
   */
  @Test
  void checksAndRefusesADamagedFileAfterAnUncleanStop() throws Exception {
    damage("damaged.db");
    Files.write(databases.file("damaged.db-wal"), new byte[64]);
    IllegalStateException refused;
    try (CapturedLog log = CapturedLog.start()) {
      refused = assertThrows(IllegalStateException.class, () -> databases.open("damaged.db"));
      assertTrue(log.text().contains("the last stop was not clean; checking the file"), log.text());
    }
    assertTrue(
        refused.getMessage().contains("damaged.db: the file is damaged, PRAGMA quick_check"),
        refused.getMessage());
  }

  /**
   * The check reads the whole file (seconds for a million opportunities), so a file closed cleanly
   * opens without it: damage at rest shows in the first read of the damaged page, not at start.
   */
  @Test
  void opensAFileClosedCleanlyWithoutTheWholeFileCheck() throws Exception {
    damage("closed-cleanly.db");
    try (CapturedLog log = CapturedLog.start()) {
      databases.open("closed-cleanly.db");
      assertFalse(log.text().contains("quick_check"), log.text());
    }
  }
}

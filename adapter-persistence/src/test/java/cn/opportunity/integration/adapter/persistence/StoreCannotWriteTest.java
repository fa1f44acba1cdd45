package cn.opportunity.integration.adapter.persistence;

import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.StoreUnavailableException;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.dictionary.SalesFlow;
import cn.opportunity.integration.domain.dictionary.Stage;
import cn.opportunity.integration.domain.dictionary.StageKind;
import cn.opportunity.integration.domain.testing.CapturedLog;
import cn.opportunity.integration.domain.testing.Opportunities;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A file that cannot be written — full, read-only, failing — without root or a special file system:
 * {@code max_page_count} in the URL keeps every connection's file from growing beyond its size at
 * open, a ballast table takes some of that size, and emptying it makes room again, as deleting a
 * file does on a full disk.
 */
class StoreCannotWriteTest {
  private static final Instant LATER = Opportunities.CREATED_AT.plusSeconds(60);
  private static final String FULL = "database or disk is full";

  /** 2,000 characters of 3 UTF-8 bytes each: the row needs new (overflow) pages. */
  private static final String LONG_TEXT = "满".repeat(2_000);

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

  /**
   * A database with {@code codes} stored whose file may not grow: reopened with {@code
   * max_page_count} at its size, 64 of its pages taken by the ballast table, none free.
   */
  private SqliteDatabase fullDatabase(String name, String... codes) throws SQLException {
    SqliteDatabase filling = databases.open(name);
    filling
        .opportunityStore()
        .importAll(
            List.of(codes).stream().map(code -> anOpportunity().code(code).build()).toList(),
            List.of());
    filling.close();
    long pages;
    try (Connection connection = DriverManager.getConnection(databases.url(name));
        Statement sql = connection.createStatement()) {
      sql.execute("CREATE TABLE ballast (b BLOB)");
      sql.execute("INSERT INTO ballast VALUES (zeroblob(64 * 4096))");
      pages = single(sql, "PRAGMA page_count");
      assertEquals(0, single(sql, "PRAGMA freelist_count"), "no free page");
    }
    return databases.openUrl(databases.url(name) + "?max_page_count=" + pages);
  }

  /**
   * Empties the ballast through a connection of its own: its pages are free for the database's next
   * writes.
   */
  private void makeRoom(String name) throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(databases.url(name) + "?busy_timeout=5000");
        Statement sql = connection.createStatement()) {
      sql.execute("DELETE FROM ballast");
      assertTrue(single(sql, "PRAGMA freelist_count") >= 64, "the ballast's pages are free");
    }
  }

  private static long single(Statement sql, String query) throws SQLException {
    try (ResultSet row = sql.executeQuery(query)) {
      row.next();
      return row.getLong(1);
    }
  }

  private static UnaryOperator<Opportunity> set(String code, OpportunityField field, String value) {
    OpportunityPatch patch =
        OpportunityPatch.builder(new OpportunityCode(code)).set(field, value).build();
    return current -> current.apply(patch, LATER);
  }

  private static Opportunity stored(SqliteDatabase database, String code) {
    return database.opportunityStore().findByCode(new OpportunityCode(code)).orElseThrow();
  }

  @Test
  void refusesUpdatesOfAFullStoreAsUnavailableUntilThereIsRoomAgain() throws Exception {
    SqliteDatabase database = fullDatabase("full.db", "FULL-1");
    var store = database.opportunityStore();
    OpportunityCode code = new OpportunityCode("FULL-1");
    String log;
    long stackTraces;
    try (CapturedLog captured = CapturedLog.start()) {
      StoreUnavailableException refused =
          assertThrows(
              StoreUnavailableException.class,
              () ->
                  store.update(
                      code, ORIGIN, set("FULL-1", OpportunityField.DESCRIPTION, LONG_TEXT)));
      assertEquals(FULL, refused.reason());
      ExecutionException later =
          assertThrows(
              ExecutionException.class, // the path the HTTP adapter takes
              () ->
                  store
                      .updateLater(
                          code,
                          ORIGIN,
                          set("FULL-1", OpportunityField.DESCRIPTION, LONG_TEXT + "!"))
                      .toCompletableFuture()
                      .get(10, TimeUnit.SECONDS));
      assertInstanceOf(StoreUnavailableException.class, later.getCause());

      assertEquals(1, stored(database, "FULL-1").version().value(), "nothing stored");
      assertEquals(null, stored(database, "FULL-1").details().description());
      assertFalse(store.isAvailable());
      assertEquals(Optional.of(FULL), store.unavailableReason());

      Opportunity same =
          stored(database, "FULL-1"); // a change of nothing writes nothing: it proves no recovery
      store.update(code, ORIGIN, current -> current);
      assertEquals(same, stored(database, "FULL-1"));
      assertEquals(Optional.of(FULL), store.unavailableReason());

      makeRoom("full.db");
      Opportunity updated =
          store.update(code, ORIGIN, set("FULL-1", OpportunityField.DESCRIPTION, LONG_TEXT));
      assertEquals(2, updated.version().value());
      assertEquals(LONG_TEXT, stored(database, "FULL-1").details().description());
      assertTrue(store.isAvailable());
      assertEquals(Optional.empty(), store.unavailableReason());
      captured.awaitLineContaining("store: writes succeed again after 2 failed write(s) over PT");
      log = captured.text();
      stackTraces = captured.stackTraces();
    }
    assertEquals(
        1, log.split("store: writes failing \\(database or disk is full\\)", -1).length - 1, log);
    assertEquals(1, stackTraces, "one stack trace for the streak:\n" + log);
  }

  @Test
  void failsTheWholeBatchOfAnUpdateThatFindsTheStoreFull() throws Exception {
    SqliteDatabase database = fullDatabase("batch.db", "B-0", "B-1", "B-2", "B-3");
    var store = database.opportunityStore();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Opportunity> held =
        store
            .updateLater(
                new OpportunityCode("B-0"),
                ORIGIN,
                current -> {
                  entered
                      .countDown(); // holds the writer inside its transaction while the next batch
                  // gathers
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return current;
                })
            .toCompletableFuture();
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    CompletableFuture<Opportunity> before =
        store
            .updateLater(
                new OpportunityCode("B-1"), ORIGIN, set("B-1", OpportunityField.SOURCE, "先"))
            .toCompletableFuture();
    CompletableFuture<Opportunity> filling =
        store
            .updateLater(
                new OpportunityCode("B-2"),
                ORIGIN,
                set("B-2", OpportunityField.DESCRIPTION, LONG_TEXT))
            .toCompletableFuture();
    CompletableFuture<Opportunity> after =
        store
            .updateLater(
                new OpportunityCode("B-3"), ORIGIN, set("B-3", OpportunityField.SOURCE, "后"))
            .toCompletableFuture();
    release.countDown();
    held.get(10, TimeUnit.SECONDS);
    for (CompletableFuture<Opportunity> update : List.of(before, filling, after)) {
      ExecutionException refused =
          assertThrows(ExecutionException.class, () -> update.get(10, TimeUnit.SECONDS));
      assertInstanceOf(StoreUnavailableException.class, refused.getCause());
    }
    for (String code : List.of("B-1", "B-2", "B-3"))
      assertEquals(1, stored(database, code).version().value(), code);
  }

  @Test
  void refusesAnImportIntoAFullStoreAsUnavailableAndImportsNothing() throws Exception {
    SqliteDatabase database = fullDatabase("import.db", "I-0");
    List<NewOpportunity> many =
        IntStream.range(1, 200)
            .mapToObj(
                i -> anOpportunity().code("I-" + i).details(d -> d.description(LONG_TEXT)).build())
            .toList();
    StoreUnavailableException refused =
        assertThrows(
            StoreUnavailableException.class,
            () -> database.opportunityStore().importAll(many, List.of()));
    assertEquals(FULL, refused.reason());
    assertEquals(
        Optional.empty(), database.opportunityStore().findByCode(new OpportunityCode("I-1")));
    assertEquals(Optional.of(FULL), database.opportunityStore().unavailableReason());
  }

  @Test
  void refusesASnapshotSaveIntoAFullStoreAsUnavailableAndKeepsTheSavedOne() throws Exception {
    SqliteDatabase database = fullDatabase("snapshot.db", "S-0");
    DictionarySnapshot small = FixedFlowDictionary.builtIn(LATER).current().orElseThrow();
    database.dictionarySnapshotStore().save("xiaoman", small); // fits into the tables' own pages
    List<Stage> stages =
        IntStream.range(0, 500)
            .mapToObj(
                i ->
                    new Stage(
                        new StageCode("s" + i),
                        "阶段".repeat(50) + i,
                        StageKind.IN_PROGRESS,
                        i,
                        true))
            .toList();
    DictionarySnapshot large =
        new DictionarySnapshot(List.of(new SalesFlow("1", "大流程", stages)), List.of(), LATER);
    StoreUnavailableException refused =
        assertThrows(
            StoreUnavailableException.class,
            () -> database.dictionarySnapshotStore().save("xiaoman", large));
    assertEquals(FULL, refused.reason());
    DictionarySnapshot saved = database.dictionarySnapshotStore().load("xiaoman").orElseThrow();
    assertEquals(small.flows(), saved.flows());
    assertEquals(small.loadedAt(), saved.loadedAt());
    assertEquals(
        Optional.of(FULL), database.opportunityStore().unavailableReason(), "one file, one health");
  }

  @Test
  void refusesUpdatesOfAReadOnlyFileAsUnavailable() throws Exception {
    SqliteDatabase writable = databases.open("readonly.db");
    writable.opportunityStore().importAll(List.of(anOpportunity().code("RO-1").build()), List.of());
    writable.close();
    SqliteDatabase readOnly =
        databases.openUrl("jdbc:sqlite:file:" + databases.file("readonly.db") + "?mode=ro");
    assertTrue(readOnly.opportunityStore().isAvailable(), "readable, and no write has failed yet");
    StoreUnavailableException refused =
        assertThrows(
            StoreUnavailableException.class,
            () ->
                readOnly
                    .opportunityStore()
                    .update(
                        new OpportunityCode("RO-1"),
                        ORIGIN,
                        set("RO-1", OpportunityField.SOURCE, "只读")));
    assertEquals("attempt to write a readonly database", refused.reason());
    assertEquals(
        Optional.of("attempt to write a readonly database"),
        readOnly.opportunityStore().unavailableReason());
    assertEquals(1, stored(readOnly, "RO-1").version().value());
  }

  @ParameterizedTest
  @EnumSource(
      value = SQLiteErrorCode.class,
      names = {
        "SQLITE_FULL",
        "SQLITE_READONLY",
        "SQLITE_READONLY_DBMOVED",
        "SQLITE_IOERR",
        "SQLITE_IOERR_WRITE",
        "SQLITE_IOERR_FSYNC",
        "SQLITE_IOERR_NOMEM",
        "SQLITE_CANTOPEN",
        "SQLITE_CANTOPEN_ISDIR"
      })
  void findsAConditionOfTheFileBehindAFailureAndInAnyOfItsCauses(SQLiteErrorCode code) {
    SQLiteException failure =
        new SQLiteException("[" + code.name() + "] /secret/path/to/file.db", code);
    Optional<String> condition = WriteHealth.fileCondition(failure);
    assertTrue(condition.isPresent(), code.name());
    assertEquals(
        condition,
        WriteHealth.fileCondition(
            new IllegalStateException("wrapped", new RuntimeException(failure))));
    assertFalse(condition.get().contains("secret"), "SQLite's own words, never the message's path");
  }

  @ParameterizedTest
  @EnumSource(
      value = SQLiteErrorCode.class,
      names = {
        "SQLITE_ERROR",
        "SQLITE_BUSY",
        "SQLITE_CONSTRAINT",
        "SQLITE_CONSTRAINT_UNIQUE",
        "SQLITE_MISMATCH",
        "SQLITE_CORRUPT"
      })
  void findsNoConditionOfTheFileBehindOtherFailures(SQLiteErrorCode code) {
    assertEquals(Optional.empty(), WriteHealth.fileCondition(new SQLiteException("no", code)));
  }

  @Test
  void findsNoConditionOfTheFileBehindAFailureWithoutSqlite() {
    assertEquals(
        Optional.empty(),
        WriteHealth.fileCondition(new SQLException("jdbc:sqlite:x.db is closed")));
    assertEquals(Optional.empty(), WriteHealth.fileCondition(new IllegalStateException("a bug")));
  }
}

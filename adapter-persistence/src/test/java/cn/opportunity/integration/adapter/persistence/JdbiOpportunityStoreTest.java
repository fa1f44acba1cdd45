package cn.opportunity.integration.adapter.persistence;

import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
import static cn.opportunity.integration.domain.testing.Opportunities.aFullOpportunity;
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
import cn.opportunity.integration.domain.OpportunityId;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.StaleVersionException;
import cn.opportunity.integration.domain.Version;
import cn.opportunity.integration.domain.testing.OpportunityStoreContract;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store on real files: the store contract, and what only a database can get wrong. */
class JdbiOpportunityStoreTest extends OpportunityStoreContract {
  @TempDir Path dir;
  private TempDatabases databases;

  @Override
  protected OpportunityStore newStore() {
    databases = new TempDatabases(dir);
    return databases.open("store.db").opportunityStore();
  }

  @AfterEach
  void closeDatabases() {
    databases.close();
  }

  private SqliteDatabase database() {
    return databases.open("other.db");
  }

  private static Opportunity changeSource(
      OpportunityStore store, String code, String source, Instant now) {
    OpportunityPatch patch = patch(code, OpportunityField.SOURCE, source);
    return store.update(new OpportunityCode(code), ORIGIN, current -> current.apply(patch, now));
  }

  @Test
  void storesMoneyAsIntegerCentsAndInstantsAsFixedWidthUtcText() {
    SqliteDatabase database = database();
    Instant createdWithNanos = Instant.parse("2026-04-01T01:00:00.000000007Z");
    NewOpportunity full = aFullOpportunity().code("EXACT-1").createdAt(createdWithNanos).build();
    database.opportunityStore().importAll(List.of(full), List.of());
    Map<String, Object> raw =
        database
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            """
            SELECT typeof(amount_cents) AS amount_type, amount_cents, oms_push_time, created_at, updated_at,
                   expected_close_date, confidence_pct, status, lost_reason, archived, pushed_to_oms
              FROM opportunity WHERE opportunity_code = 'EXACT-1'""")
                        .mapToMap()
                        .one());
    assertEquals("integer", raw.get("amount_type"));
    assertEquals(9_999_999_999_999_999L, ((Number) raw.get("amount_cents")).longValue());
    assertEquals("2026-04-30T02:00:00.123456789Z", raw.get("oms_push_time"));
    assertEquals("2026-04-01T01:00:00.000000007Z", raw.get("created_at"));
    assertEquals("2026-04-01T01:00:00.000000007Z", raw.get("updated_at"));
    assertEquals("2027-02-28", raw.get("expected_close_date"));
    assertEquals(
        List.of("C", "lost", "competitor", 1, 0),
        List.of(
            raw.get("confidence_pct"),
            raw.get("status"),
            raw.get("lost_reason"),
            raw.get("archived"),
            raw.get("pushed_to_oms")));
    Opportunity stored = database.opportunityStore().findByCode(full.code()).orElseThrow();
    assertEquals(full.details(), stored.details());
    assertEquals("99999999999999.99", stored.details().amount().value().toPlainString());
    assertEquals(createdWithNanos, stored.createdAt());
  }

  @Test
  void keepsEveryAcknowledgedWriteAcrossReopening() {
    SqliteDatabase database = databases.open("reopen.db");
    database
        .opportunityStore()
        .importAll(List.of(aFullOpportunity().code("RE-1").build()), List.of());
    Opportunity written = changeSource(database.opportunityStore(), "RE-1", "复开", LATER);
    database.close();
    SqliteDatabase reopened = databases.open("reopen.db");
    assertEquals(
        written, reopened.opportunityStore().findByCode(new OpportunityCode("RE-1")).orElseThrow());
  }

  @Test
  void refusesAChangeThatReturnsAnythingButTheNextVersionAsABug() {
    insert(anOpportunity().code("BUG-1").build());
    Opportunity other = insert(anOpportunity().code("BUG-2").build());
    assertThrows(
        IllegalStateException.class,
        () ->
            store.update(
                new OpportunityCode("BUG-1"),
                ORIGIN,
                current ->
                    current
                        .apply(patch("BUG-1", OpportunityField.SOURCE, "一"), LATER)
                        .apply(patch("BUG-1", OpportunityField.SOURCE, "二"), LATER)));
    assertThrows(
        IllegalStateException.class,
        () ->
            store.update(
                new OpportunityCode("BUG-1"),
                ORIGIN,
                current -> other.apply(patch("BUG-2", OpportunityField.SOURCE, "三"), LATER)));
    assertEquals(
        Version.FIRST, store.findByCode(new OpportunityCode("BUG-1")).orElseThrow().version());
    assertEquals(
        Version.FIRST, store.findByCode(new OpportunityCode("BUG-2")).orElseThrow().version());
  }

  @Test
  void passesWhatTheChangeThrowsThroughUnwrapped() {
    insert(anOpportunity().code("PASS-1").build());
    RuntimeException thrown = new OpportunityNotFoundException("PASS-1");
    assertSame(
        thrown,
        assertThrows(
            RuntimeException.class,
            () ->
                store.update(
                    new OpportunityCode("PASS-1"),
                    ORIGIN,
                    c -> {
                      throw thrown;
                    })));
    OpportunityNotFoundException missing =
        assertThrows(
            OpportunityNotFoundException.class,
            () -> store.update(new OpportunityCode("MISSING"), ORIGIN, c -> c));
    assertEquals("MISSING", missing.code());
  }

  @Test
  void importsNothingWhenOneCodeIsCreatedTwice() {
    assertThrows(
        StaleVersionException.class,
        () ->
            store.importAll(
                List.of(
                    anOpportunity().code("TWICE-0").build(),
                    anOpportunity().code("TWICE-1").build(),
                    anOpportunity().code("TWICE-1").build()),
                List.of()));
    assertTrue(store.findByCode(new OpportunityCode("TWICE-0")).isEmpty());
    assertTrue(store.findByCode(new OpportunityCode("TWICE-1")).isEmpty());
  }

  @Test
  void importsNothingWhenAnUpdatedOpportunityIsNotStored() {
    Opportunity neverStored =
        Opportunity.created(new OpportunityId(77), anOpportunity().code("GHOST-1").build())
            .apply(patch("GHOST-1", OpportunityField.SOURCE, "幽灵"), LATER);
    assertThrows(
        StaleVersionException.class,
        () ->
            store.importAll(
                List.of(anOpportunity().code("GHOST-2").build()), List.of(neverStored)));
    assertTrue(store.findByCode(new OpportunityCode("GHOST-1")).isEmpty());
    assertTrue(store.findByCode(new OpportunityCode("GHOST-2")).isEmpty());
  }

  @Test
  void importsManyOpportunitiesWithTheirOwnIds() {
    List<NewOpportunity> many =
        IntStream.range(0, 300).mapToObj(i -> anOpportunity().code("MANY-" + i).build()).toList();
    store.importAll(many, List.of());
    long distinctIds =
        many.stream()
            .map(created -> store.findByCode(created.code()).orElseThrow().id())
            .distinct()
            .count();
    assertEquals(300, distinctIds);
  }

  /**
   * An import holds the database's writer for as long as its work runs: other connections see
   * nothing of it until it commits; an update of this process waits for it, and one of another
   * process (another {@link SqliteDatabase} on the file) waits in SQLite's busy timeout; both then
   * apply to the state the import left.
   */
  @Test
  void holdsTheWriterForTheWholeImportThenLetsWaitingUpdatesApplyToItsState() throws Exception {
    SqliteDatabase database = databases.open("shared.db");
    SqliteDatabase otherProcess = databases.open("shared.db");
    OpportunityStore importing = database.opportunityStore();
    OpportunityStore elsewhere = otherProcess.opportunityStore();
    importing.importAll(List.of(anOpportunity().code("HOLD-1").build()), List.of());
    Opportunity stored = importing.findByCode(new OpportunityCode("HOLD-1")).orElseThrow();
    CountDownLatch written = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> imported =
          pool.submit(
              () ->
                  importing.importInTransaction(
                      session -> {
                        session.write(
                            List.of(anOpportunity().code("HOLD-2").build()),
                            List.of(
                                stored.apply(
                                    patch("HOLD-1", OpportunityField.SOURCE, "导入"), LATER)));
                        written.countDown();
                        try {
                          assertTrue(release.await(30, TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                          throw new IllegalStateException(e);
                        }
                        return null;
                      }));
      assertTrue(written.await(30, TimeUnit.SECONDS));
      assertEquals(stored, elsewhere.findByCode(stored.code()).orElseThrow());
      assertEquals(stored, importing.findByCode(stored.code()).orElseThrow());
      assertTrue(elsewhere.findByCode(new OpportunityCode("HOLD-2")).isEmpty());
      OpportunityPatch here = patch("HOLD-1", OpportunityField.OPERATOR_NAME, "本进程");
      CompletableFuture<Opportunity> updatedHere =
          importing
              .updateLater(stored.code(), ORIGIN, current -> current.apply(here, LATER))
              .toCompletableFuture();
      OpportunityPatch there = patch("HOLD-1", OpportunityField.PRE_SALES_NAME, "他进程");
      Future<Opportunity> updatedThere =
          pool.submit(
              () ->
                  elsewhere.update(stored.code(), ORIGIN, current -> current.apply(there, LATER)));
      assertFalse(updatedHere.isDone());
      release.countDown();
      imported.get(30, TimeUnit.SECONDS);
      updatedHere.get(30, TimeUnit.SECONDS);
      updatedThere.get(30, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
    Opportunity last = elsewhere.findByCode(stored.code()).orElseThrow();
    assertEquals("导入", last.details().source());
    assertEquals("本进程", last.details().operatorName());
    assertEquals("他进程", last.details().preSalesName());
    assertEquals(new Version(4), last.version());
    assertTrue(elsewhere.findByCode(new OpportunityCode("HOLD-2")).isPresent());
  }

  /**
   * 32 writers, 20 updates each, on 4 opportunities (8 fields apiece), while readers poll them:
   * every last value lands, versions count every update, no read sees a version go back, and no
   * {@code SQLITE_BUSY} escapes.
   */
  @Test
  void losesNothingUnderManyConcurrentWritersAndReaders() throws Exception {
    SqliteDatabase database = database();
    OpportunityStore busy = database.opportunityStore();
    int rows = 4;
    int rounds = 20;
    List<OpportunityField> fields = disjointFields().subList(0, 8);
    for (int row = 0; row < rows; row++)
      busy.importAll(List.of(anOpportunity().code("BUSY-" + row).build()), List.of());
    ExecutorService pool = Executors.newFixedThreadPool(rows * fields.size() + rows);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Future<?>> writers = new ArrayList<>();
    List<Future<?>> readers = new ArrayList<>();
    try {
      for (int row = 0; row < rows; row++) {
        OpportunityCode code = new OpportunityCode("BUSY-" + row);
        for (OpportunityField field : fields) {
          writers.add(
              pool.submit(
                  () -> {
                    start.await();
                    for (int round = 1; round <= rounds; round++) {
                      OpportunityPatch patch =
                          OpportunityPatch.builder(code).set(field, valueOf(field, round)).build();
                      Instant now = LATER.plusMillis(round);
                      busy.update(code, ORIGIN, current -> current.apply(patch, now));
                    }
                    return null;
                  }));
        }
        readers.add(
            pool.submit(
                () -> {
                  start.await();
                  long seen = 0;
                  while (writing.get()) {
                    long version = busy.findByCode(code).orElseThrow().version().value();
                    if (version < seen)
                      throw new AssertionError(
                          code + " went back from version " + seen + " to " + version);
                    seen = version;
                    Thread.sleep(2); // poll, don't spin: 2 cores
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> writer : writers) writer.get(60, TimeUnit.SECONDS);
      writing.set(false);
      for (Future<?> reader : readers) reader.get(10, TimeUnit.SECONDS);
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }
    for (int row = 0; row < rows; row++) {
      Opportunity stored = busy.findByCode(new OpportunityCode("BUSY-" + row)).orElseThrow();
      for (OpportunityField field : fields)
        assertEquals(valueOf(field, rounds), field.valueIn(stored.details()), field.jsonName());
      assertEquals(new Version(1 + (long) fields.size() * rounds), stored.version());
    }
  }

  /**
   * A history page reads by key only (migration V6's chain): the milestone through its partial
   * index, each record by its id; the retention's delete reads the first records by id (migration
   * V9: no index on {@code at}), never the whole table in another order.
   */
  @Test
  void readsHistoryPagesAndPrunesThroughIndexes() {
    SqliteDatabase database = database();
    assertEquals(
        "SEARCH opportunity_history USING COVERING INDEX opportunity_history_milestone"
            + " (opportunity_id=? AND version>?)",
        plan(database, HistoryRows.SELECT_MILESTONE, 1L, 100L));
    assertEquals(
        "SEARCH opportunity_history USING INTEGER PRIMARY KEY (rowid=?)",
        plan(database, HistoryRows.SELECT_LINK, 1L));
    String prune = plan(database, HistoryRows.DELETE_OLDER_WRITTEN_FIRST, "2026-01-01", 1000);
    assertTrue(prune.contains("SCAN opportunity_history"), prune);
    assertFalse(prune.contains("TEMP B-TREE"), prune); // read in id order, no sort
  }

  /**
   * The retention deletes in the order records were written: a record made before the cut-off but
   * written after a newer one (an import of an old opportunity) waits until that one is old too;
   * within one chunk, every old record goes.
   */
  @Test
  void prunesTheHistoryInTheOrderItWasWritten() {
    OpportunityStore store = database().opportunityStore();
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    Instant cutOff = Instant.parse("2026-02-01T00:00:00Z");
    store.importAll(List.of(anOpportunity().code("P-1").createdAt(created).build()), List.of());
    OpportunityPatch patch = patch("P-1", OpportunityField.DESCRIPTION, "after the cut-off");
    store.update(new OpportunityCode("P-1"), ORIGIN, c -> c.apply(patch, cutOff.plusSeconds(60)));
    store.importAll(List.of(anOpportunity().code("P-2").createdAt(created).build()), List.of());
    // ids: 1 P-1 created (old), 2 P-1 changed (new), 3 P-2 created (old)
    assertEquals(1, store.pruneHistory(cutOff, 1));
    assertEquals(0, store.pruneHistory(cutOff, 1), "the newer record 2 stops the chunk");
    assertEquals(List.of(1L), versions(store, "P-2", Long.MAX_VALUE, 20), "kept: written after 2");
    assertEquals(1, store.pruneHistory(cutOff, 1_000), "a chunk that reaches it deletes it");
    assertEquals(List.of(), versions(store, "P-2", Long.MAX_VALUE, 20));
    assertEquals(List.of(2L), versions(store, "P-1", Long.MAX_VALUE, 20));
  }

  private static String plan(SqliteDatabase database, String sql, Object... parameters) {
    return database
        .jdbi()
        .withHandle(
            h -> {
              var query = h.createQuery("EXPLAIN QUERY PLAN " + sql);
              for (int i = 0; i < parameters.length; i++) query.bind(i, parameters[i]);
              return String.join(
                  " | ", query.map((row, context) -> row.getString("detail")).list());
            });
  }

  /**
   * Pages of a history longer than several milestones, at and around each: the same records, in the
   * same order, as a plain descending read would give.
   */
  @Test
  void pagesALongHistoryFromAnyVersion() {
    SqliteDatabase database = database();
    OpportunityStore store = database.opportunityStore();
    store.importAll(List.of(anOpportunity().code("LONG-1").build()), List.of());
    store.importAll(List.of(anOpportunity().code("LONG-2").build()), List.of()); // interleaved
    Instant now = Instant.parse("2026-05-01T00:00:00Z");
    List<CompletableFuture<Opportunity>> updates = new ArrayList<>();
    for (int i = 1; i <= 300; i++) {
      for (String code : List.of("LONG-1", "LONG-2")) {
        OpportunityPatch patch = patch(code, OpportunityField.DESCRIPTION, code + " " + i);
        updates.add(
            store
                .updateLater(new OpportunityCode(code), ORIGIN, c -> c.apply(patch, now))
                .toCompletableFuture());
      }
    }
    updates.forEach(CompletableFuture::join);
    long newest = 301;
    for (long before :
        List.of(
            Long.MAX_VALUE, 302L, 301L, 257L, 256L, 255L, 200L, 129L, 128L, 65L, 64L, 63L, 2L, 1L))
      for (int limit : List.of(1, 20, 100)) {
        var page = store.history(new OpportunityCode("LONG-1"), before, limit).orElseThrow();
        long top = Math.min(before - 1, newest);
        List<Long> expected = new ArrayList<>();
        for (long v = top; v >= 1 && expected.size() < limit; v--) expected.add(v);
        String at = "before " + before + ", limit " + limit;
        assertEquals(expected, page.items().stream().map(e -> e.version().value()).toList(), at);
        long last = expected.isEmpty() ? 0 : expected.get(expected.size() - 1);
        assertEquals(
            last > 1 ? java.util.Optional.of(last) : java.util.Optional.empty(),
            page.nextBefore(),
            at);
        if (!expected.isEmpty() && expected.get(0) > 1)
          assertEquals(
              "LONG-1 " + (expected.get(0) - 1),
              page.items().get(0).changes().byField().get("description").to(),
              at);
      }
  }

  /**
   * A file of schema version 5 (history under the unique index) keeps its history through migration
   * V6: its records are chained, its pages read the same, and a new change chains onto them.
   */
  @Test
  void chainsTheHistoryOfAVersion5File() throws Exception {
    Path file = dir.resolve("v5.db");
    {
      org.sqlite.SQLiteDataSource source =
          new org.sqlite.SQLiteDataSource(SqliteDatabase.settings());
      source.setUrl("jdbc:sqlite:" + file);
      assertEquals(
          5,
          Migrations.apply(
              source::getConnection, "/db/migration/", Migrations.FILES.subList(0, 5)));
      try (java.sql.Connection c = source.getConnection();
          java.sql.Statement sql = c.createStatement()) {
        sql.executeUpdate(
            "INSERT INTO opportunity (id, opportunity_code, opportunity_name, created_at, updated_at, version)"
                + " VALUES (7, 'OLD-1', 'old', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z', 130),"
                + " (8, 'OLD-2', 'old', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z', 3),"
                + " (9, 'OLD-3', 'old', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z', 1)");
        for (int v = 1; v <= 130; v++)
          for (int id : new int[] {7, 8})
            if (id == 7 || v <= 3)
              sql.executeUpdate(
                  "INSERT INTO opportunity_history (opportunity_id, version, at, caller, source, changes)"
                      + " VALUES ("
                      + id
                      + ", "
                      + v
                      + ", '2026-01-01T00:00:00.000000000Z', 'caller-1', 'update',"
                      + " '{\"description\":{\"from\":null,\"to\":\"v"
                      + v
                      + "\"}}')");
      }
    }
    OpportunityStore store = databases.open("v5.db").opportunityStore();
    assertEquals(List.of(130L, 129L, 128L), versions(store, "OLD-1", Long.MAX_VALUE, 3));
    assertEquals(List.of(65L, 64L, 63L, 62L), versions(store, "OLD-1", 66, 4));
    assertEquals(List.of(3L, 2L, 1L), versions(store, "OLD-2", Long.MAX_VALUE, 20));
    assertEquals(List.of(), versions(store, "OLD-3", Long.MAX_VALUE, 20)); // no record before V5
    OpportunityPatch patch = patch("OLD-1", OpportunityField.DESCRIPTION, "v131");
    store.update(new OpportunityCode("OLD-1"), ORIGIN, c -> c.apply(patch, Instant.now()));
    assertEquals(List.of(131L, 130L), versions(store, "OLD-1", Long.MAX_VALUE, 2));
    assertEquals(List.of(129L), versions(store, "OLD-1", 130, 1));
    // OLD-3 has no record: two changes in one batch start its chain, which ends at the first
    OpportunityCode old3 = new OpportunityCode("OLD-3");
    List<CompletableFuture<Opportunity>> changes = new ArrayList<>();
    for (String text : List.of("first", "second"))
      changes.add(
          store
              .updateLater(
                  old3,
                  ORIGIN,
                  c -> c.apply(patch("OLD-3", OpportunityField.DESCRIPTION, text), Instant.now()))
              .toCompletableFuture());
    changes.forEach(CompletableFuture::join);
    assertEquals(List.of(3L, 2L), versions(store, "OLD-3", Long.MAX_VALUE, 20));
    assertEquals(
        "second",
        store
            .history(old3, Long.MAX_VALUE, 1)
            .orElseThrow()
            .items()
            .get(0)
            .changes()
            .byField()
            .get("description")
            .to());
    assertEquals(List.of(131L, 130L), versions(store, "OLD-1", Long.MAX_VALUE, 2)); // untouched
  }

  private static List<Long> versions(OpportunityStore store, String code, long before, int limit) {
    return store.history(new OpportunityCode(code), before, limit).orElseThrow().items().stream()
        .map(e -> e.version().value())
        .toList();
  }
}

package cn.opportunity.integration.adapter.persistence;

import static cn.opportunity.integration.domain.testing.Opportunities.aFullOpportunity;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.Version;
import cn.opportunity.integration.domain.testing.OpportunityStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store on real files: the store contract, and what only a database can get wrong. */
class JdbiOpportunityStoreTest extends OpportunityStoreContract {
  @TempDir Path dir;
  private final List<SqliteDatabase> opened = new ArrayList<>();

  private String url(String name) {
    return "jdbc:sqlite:" + dir.resolve(name);
  }

  private SqliteDatabase open(String name) {
    SqliteDatabase database = SqliteDatabase.open(url(name));
    opened.add(database);
    return database;
  }

  @Override
  protected OpportunityStore newStore() {
    return open("store.db").opportunityStore();
  }

  @AfterEach
  void closeDatabases() {
    opened.forEach(SqliteDatabase::close);
  }

  @Test
  void createsTheSchemaOnceAndRecordsItsVersion() {
    SqliteDatabase first = open("schema.db");
    assertEquals(Migrations.FILES.size(), Migrations.currentVersion(first.jdbi()));
    first.close();
    SqliteDatabase again = open("schema.db");
    assertEquals(Migrations.FILES.size(), (int) again.jdbi().withHandle(h ->
        h.createQuery("SELECT COUNT(*) FROM schema_history").mapTo(Integer.class).one()));
  }

  @Test
  void refusesADatabaseFromANewerVersion() {
    SqliteDatabase database = open("newer.db");
    database.jdbi().useHandle(h -> h.execute(
        "INSERT INTO schema_history (version, description, applied_at) VALUES (999, 'future', 'x')"));
    database.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> SqliteDatabase.open(url("newer.db")));
    assertTrue(e.getMessage().contains("version 999, newer than this program"), e.getMessage());
  }

  @Test
  void createsTheDirectoryOfTheFile() {
    SqliteDatabase database = SqliteDatabase.open("jdbc:sqlite:" + dir.resolve("a/b/deep.db"));
    opened.add(database);
    assertTrue(Files.exists(dir.resolve("a/b/deep.db")));
  }

  @Test
  void configuresEveryConnectionForDurability() {
    SqliteDatabase database = open("pragmas.db");
    for (int i = 0; i < 3; i++) {
      Map<String, Object> pragmas = database.jdbi().withHandle(h -> Map.of(
          "journal_mode", h.createQuery("PRAGMA journal_mode").mapTo(String.class).one(),
          "synchronous", h.createQuery("PRAGMA synchronous").mapTo(Integer.class).one(),
          "busy_timeout", h.createQuery("PRAGMA busy_timeout").mapTo(Integer.class).one(),
          "foreign_keys", h.createQuery("PRAGMA foreign_keys").mapTo(Integer.class).one()));
      assertEquals(Map.of("journal_mode", "wal", "synchronous", 2, "busy_timeout", 5000, "foreign_keys", 1), pragmas);
    }
  }

  @Test
  void storesMoneyAsIntegerCentsAndInstantsAsFixedWidthText() {
    SqliteDatabase database = open("exact.db");
    NewOpportunity full = aFullOpportunity().code("EXACT-1").build();
    database.opportunityStore().importAll(List.of(full), List.of());
    Map<String, Object> raw = database.jdbi().withHandle(h -> h.createQuery(
            "SELECT typeof(amount_cents) AS t, amount_cents AS cents, oms_push_time AS pushed, created_at AS created"
                + " FROM opportunity WHERE opportunity_code = 'EXACT-1'")
        .mapToMap().one());
    assertEquals("integer", raw.get("t"));
    assertEquals(9999999999999999L, ((Number) raw.get("cents")).longValue());
    assertEquals("2026-04-30T02:00:00.123456789Z", raw.get("pushed"));
    assertEquals("2026-04-01T01:00:00.000000000Z", raw.get("created"));
    assertEquals(full.details(), database.opportunityStore().findByCode(full.code()).orElseThrow().details());
  }

  @Test
  void keepsWritesAcrossReopeningAndLeavesNoWalFileAfterClose() {
    SqliteDatabase database = open("reopen.db");
    database.opportunityStore().importAll(List.of(anOpportunity().code("RE-1").build()), List.of());
    OpportunityPatch patch = OpportunityPatch.builder(new OpportunityCode("RE-1")).set(OpportunityField.SOURCE, "复开").build();
    Opportunity written = database.opportunityStore().update(new OpportunityCode("RE-1"), c -> c.apply(patch, LATER));
    database.close();
    assertFalse(Files.exists(dir.resolve("reopen.db-wal")), "close checkpoints and removes the WAL");
    SqliteDatabase reopened = open("reopen.db");
    assertEquals(written, reopened.opportunityStore().findByCode(new OpportunityCode("RE-1")).orElseThrow());
  }

  @Test
  void keepsTheWalWhileOpenSoRequestsDoNotCheckpoint() {
    SqliteDatabase database = open("anchor.db");
    database.opportunityStore().importAll(List.of(anOpportunity().code("AN-1").build()), List.of());
    assertTrue(Files.exists(dir.resolve("anchor.db-wal")));
  }

  @Test
  void saysItIsUnavailableOnceClosedWithoutThrowing() throws Exception {
    SqliteDatabase database = open("gone.db");
    assertTrue(database.opportunityStore().isAvailable());
    database.close();
    Files.delete(dir.resolve("gone.db"));
    Files.createDirectory(dir.resolve("gone.db"));
    assertFalse(database.opportunityStore().isAvailable());
  }

  /** 32 writers over 4 opportunities, 20 updates each: nothing lost, no SQLITE_BUSY escapes. */
  @Test
  void losesNothingUnderManyConcurrentWriters() throws Exception {
    SqliteDatabase database = open("busy.db");
    OpportunityStore busy = database.opportunityStore();
    for (int row = 0; row < 4; row++) busy.importAll(List.of(anOpportunity().code("BUSY-" + row).build()), List.of());
    List<OpportunityField> fields = disjointFields().subList(0, 8);
    int rounds = 20;
    ExecutorService pool = Executors.newFixedThreadPool(32);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> writers = new ArrayList<>();
    for (int row = 0; row < 4; row++) {
      for (OpportunityField field : fields) {
        String code = "BUSY-" + row;
        writers.add(pool.submit(() -> {
          start.await();
          for (int round = 1; round <= rounds; round++) {
            OpportunityPatch patch = OpportunityPatch.builder(new OpportunityCode(code)).set(field, valueOf(field, round)).build();
            Instant now = LATER.plusMillis(round);
            busy.update(new OpportunityCode(code), c -> c.apply(patch, now));
          }
          return null;
        }));
      }
    }
    start.countDown();
    try {
      for (Future<?> writer : writers) writer.get(120, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    for (int row = 0; row < 4; row++) {
      Opportunity stored = busy.findByCode(new OpportunityCode("BUSY-" + row)).orElseThrow();
      for (OpportunityField field : fields) assertEquals(valueOf(field, rounds), field.valueIn(stored.details()));
      assertEquals(new Version(1 + (long) fields.size() * rounds), stored.version());
    }
  }
}

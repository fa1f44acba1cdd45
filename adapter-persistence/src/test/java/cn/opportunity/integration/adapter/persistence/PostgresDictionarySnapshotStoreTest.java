package cn.opportunity.integration.adapter.persistence;

import static cn.opportunity.integration.adapter.persistence.JdbiDictionarySnapshotStoreTest.assertSameSnapshot;
import static cn.opportunity.integration.adapter.persistence.JdbiDictionarySnapshotStoreTest.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.adapter.persistence.testing.PostgresServer;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dictionary snapshot in PostgreSQL, shared by the instances on one database; and {@link
 * StoreDatabase#open} choosing the database by its URL.
 */
class PostgresDictionarySnapshotStoreTest {
  @TempDir Path dir;

  @Test
  void keepsTheLastSnapshotForEveryInstanceOnTheDatabaseAndReplacesItWhole() {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    DictionarySnapshot first = snapshot(Instant.parse("2026-04-30T02:00:00.123456789Z"));
    DictionarySnapshot second =
        new DictionarySnapshot(
            List.of(FixedFlowDictionary.builtInFlow()),
            List.of(),
            Instant.parse("2026-05-01T00:00:00Z"));
    try (StoreDatabase one = StoreDatabase.open(db.url(), db.user(), db.password(), 2);
        StoreDatabase two = StoreDatabase.open(db.url(), db.user(), db.password(), 2)) {
      assertInstanceOf(PostgresDatabase.class, one);
      assertEquals(db.url(), one.jdbcUrl());
      assertTrue(two.dictionarySnapshotStore().load("xiaoman").isEmpty());
      one.dictionarySnapshotStore().save("xiaoman", first);
      one.dictionarySnapshotStore().save("other", second);
      assertSameSnapshot(first, two.dictionarySnapshotStore().load("xiaoman").orElseThrow());
      two.dictionarySnapshotStore().save("xiaoman", second);
      assertSameSnapshot(second, one.dictionarySnapshotStore().load("xiaoman").orElseThrow());
      assertEquals(
          List.of(), one.dictionarySnapshotStore().load("xiaoman").orElseThrow().skipped());
      assertSameSnapshot(second, one.dictionarySnapshotStore().load("other").orElseThrow());
      assertTrue(one.opportunityStore().isAvailable());
    }
  }

  @Test
  void opensSqliteByItsUrlAndRefusesAnyOtherDatabase() {
    try (StoreDatabase sqlite =
        StoreDatabase.open("jdbc:sqlite:" + dir.resolve("s.db"), "", "", 10)) {
      assertInstanceOf(SqliteDatabase.class, sqlite);
      assertTrue(sqlite.opportunityStore().isAvailable());
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> StoreDatabase.open("jdbc:mysql://127.0.0.1/x", "u", "p", 10));
  }
}

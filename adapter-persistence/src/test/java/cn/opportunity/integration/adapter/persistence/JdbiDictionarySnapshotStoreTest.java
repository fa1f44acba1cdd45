package cn.opportunity.integration.adapter.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.dictionary.LostReason;
import cn.opportunity.integration.domain.dictionary.SalesFlow;
import cn.opportunity.integration.domain.dictionary.Stage;
import cn.opportunity.integration.domain.dictionary.StageKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

class JdbiDictionarySnapshotStoreTest {
  @TempDir Path dir;

  static DictionarySnapshot snapshot(Instant at) {
    SalesFlow other =
        new SalesFlow(
            "3071499626",
            "外贸销售标准流程",
            List.of(
                new Stage(new StageCode("1101060278"), "赢单", StageKind.WON, 1, true),
                new Stage(new StageCode("2777669343"), "停用", StageKind.LOST, 2, false)));
    return new DictionarySnapshot(
        List.of(FixedFlowDictionary.builtInFlow(), other),
        List.of(
            new LostReason("1101043686", "产品质量", true),
            new LostReason("3421479132", "物流问题", false)),
        at,
        List.of("flow 3376272743 (test1): no stages", "stage 7 of flow 3071499626: unknown type 9"),
        "XIAOMAN_BASE_URL=https://example.invalid\nXIAOMAN_FLOW_IDS=3071499626");
  }

  static void assertSameSnapshot(DictionarySnapshot expected, DictionarySnapshot actual) {
    assertEquals(expected.flows(), actual.flows());
    assertEquals(expected.lostReasons(), actual.lostReasons());
    assertEquals(expected.loadedAt(), actual.loadedAt());
    assertEquals(expected.skipped(), actual.skipped());
    assertEquals(expected.settings(), actual.settings());
  }

  @Test
  void findsNothingBeforeTheFirstSave() {
    try (SqliteDatabase database = SqliteDatabase.open("jdbc:sqlite:" + dir.resolve("d.db"))) {
      assertTrue(database.dictionarySnapshotStore().load("xiaoman").isEmpty());
    }
  }

  @Test
  void keepsTheLastSnapshotAcrossReopeningAndReplacesItWhole() {
    String url = "jdbc:sqlite:" + dir.resolve("d.db");
    DictionarySnapshot first = snapshot(Instant.parse("2026-04-30T02:00:00.123456789Z"));
    DictionarySnapshot second =
        new DictionarySnapshot(
            List.of(FixedFlowDictionary.builtInFlow()),
            List.of(),
            Instant.parse("2026-05-01T00:00:00Z"));
    try (SqliteDatabase database = SqliteDatabase.open(url)) {
      database.dictionarySnapshotStore().save("xiaoman", first);
      database.dictionarySnapshotStore().save("other", second);
    }
    try (SqliteDatabase database = SqliteDatabase.open(url)) {
      assertSameSnapshot(first, database.dictionarySnapshotStore().load("xiaoman").orElseThrow());
      database.dictionarySnapshotStore().save("xiaoman", second);
      assertSameSnapshot(second, database.dictionarySnapshotStore().load("xiaoman").orElseThrow());
      assertEquals(
          List.of(),
          database.dictionarySnapshotStore().load("xiaoman").orElseThrow().skipped(),
          "what the first snapshot skipped went with it");
      assertSameSnapshot(second, database.dictionarySnapshotStore().load("other").orElseThrow());
    }
  }

  /**
   * A snapshot saved before the skipped items were kept: it left nothing out that anyone knows of.
   */
  @Test
  void readsASnapshotSavedBeforeSkippedItemsWereKept() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("old.db");
    SQLiteDataSource file = new SQLiteDataSource(SqliteDatabase.settings());
    file.setUrl(url);
    Migrations.apply(file::getConnection, "/db/migration/", Migrations.FILES.subList(0, 2));
    Jdbi.create(file)
        .useHandle(
            h -> {
              h.execute(
                  "INSERT INTO dictionary_snapshot (source, loaded_at) VALUES ('xiaoman', '2026-04-30T02:00:00.000000000Z')");
              h.execute(
                  "INSERT INTO dictionary_flow (source, position, flow_id, name) VALUES ('xiaoman', 0, '1', '流程')");
              h.execute(
                  "INSERT INTO dictionary_stage (source, flow_position, position, code, name, kind, stage_rank, enabled)"
                      + " VALUES ('xiaoman', 0, 0, '11', '赢单', 'won', 1, 1)");
            });
    try (SqliteDatabase database = SqliteDatabase.open(url)) {
      DictionarySnapshot old = database.dictionarySnapshotStore().load("xiaoman").orElseThrow();
      assertEquals(1, old.enabledStageCount());
      assertEquals(List.of(), old.skipped());
      assertEquals(Optional.empty(), old.settings(), "not recorded before V8 (SQLite)");
    }
  }
}

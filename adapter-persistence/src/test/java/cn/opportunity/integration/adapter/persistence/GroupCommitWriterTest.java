package cn.opportunity.integration.adapter.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit on a real SQLite file: the writer's contract. */
class GroupCommitWriterTest extends GroupCommitContract {
  @TempDir Path dir;
  private TempDatabases databases;

  @Override
  StoreDatabase open() {
    if (databases == null) databases = new TempDatabases(dir);
    return databases.open("group.db");
  }

  @Override
  GroupCommitWriter newWriter(Duration maxWait) {
    return new GroupCommitWriter(
        ((SqliteDatabase) database).connections(),
        new ReentrantLock(true),
        maxWait,
        new WriteHealth());
  }

  /**
   * The SQLite writer inserts a batch's history records at its end, in one statement: a record the
   * database refuses (here a trigger's) must still fail its own update alone.
   */
  @Test
  void failsAnUpdateWhoseHistoryRecordIsRefusedAloneAndCommitsTheRestOfTheBatch() throws Exception {
    try (Connection c = ((SqliteDatabase) database).connections().openConnection();
        Statement sql = c.createStatement()) {
      sql.execute(
          "CREATE TRIGGER injected_fault BEFORE INSERT ON opportunity_history"
              + " WHEN NEW.changes LIKE '%拒绝%' BEGIN SELECT RAISE(ABORT, 'injected'); END");
    }
    aBatchOfMixedOutcomes(Optional.of("拒绝"));
    assertEquals(2, historyRecords("G-3"), "the import's and the good update's, not the refused");
  }

  @Override
  void closeDatabases() {
    databases.close();
  }
}

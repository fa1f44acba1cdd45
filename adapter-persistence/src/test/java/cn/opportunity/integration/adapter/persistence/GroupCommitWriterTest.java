package cn.opportunity.integration.adapter.persistence;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
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

  @Override
  void closeDatabases() {
    databases.close();
  }
}

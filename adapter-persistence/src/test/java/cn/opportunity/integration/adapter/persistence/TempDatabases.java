package cn.opportunity.integration.adapter.persistence;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Databases in a test's temporary directory, all closed by {@link #close()}. */
final class TempDatabases implements AutoCloseable {
  private final Path dir;
  private final List<SqliteDatabase> opened = new ArrayList<>();

  TempDatabases(Path dir) {
    this.dir = dir;
  }

  String url(String name) {
    return "jdbc:sqlite:" + dir.resolve(name);
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  SqliteDatabase open(String name) {
    return openUrl(url(name));
  }

  /**
   * A database by its whole URL: one of {@link #url}, with parameters for the driver after a {@code
   * ?}.
   */
  SqliteDatabase openUrl(String url) {
    SqliteDatabase database = SqliteDatabase.open(url);
    opened.add(database);
    return database;
  }

  @Override
  public void close() {
    opened.forEach(SqliteDatabase::close);
  }
}

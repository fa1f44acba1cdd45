package cn.opportunity.integration.adapter.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versioned schema: {@code db/migration/V<n>__<description>.sql}, applied in order, each in its
 * own transaction together with its row in {@code schema_history}. A released file never changes: a
 * change of schema is a new file, added at the end of {@link #FILES}.
 */
final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** Every migration, in order (resources cannot be listed inside a jar). */
  static final List<String> FILES = List.of("V1__opportunity.sql", "V2__dictionary_snapshot.sql");

  private static final String DIRECTORY = "/db/migration/";

  private Migrations() {}

  /** Brings the schema up to date; returns its version. */
  static int apply(Jdbi jdbi) {
    return apply(jdbi, DIRECTORY, FILES);
  }

  /** {@link #apply(Jdbi)} with other files, for tests. */
  static int apply(Jdbi jdbi, String directory, List<String> files) {
    jdbi.useHandle(handle -> handle.execute("""
        CREATE TABLE IF NOT EXISTS schema_history (
            version     INTEGER PRIMARY KEY,
            description TEXT    NOT NULL,
            applied_at  TEXT    NOT NULL)"""));
    int known = files.size();
    int current = jdbi.withHandle(Migrations::version);
    if (current > known)
      throw new IllegalStateException("its schema is at version " + current + ", newer than this program knows ("
          + known + "): run the newer program, or restore a backup made for this one");
    for (int version = current + 1; version <= known; version++) {
      String file = files.get(version - 1);
      if (!file.startsWith("V" + version + "__") || !file.endsWith(".sql"))
        throw new IllegalStateException("migration " + version + " is named " + file + ", not V" + version + "__….sql");
      String sql = read(directory + file);
      int next = version;
      boolean applied = jdbi.inTransaction(handle -> {
        if (version(handle) >= next) return false;   // another process was quicker
        handle.createScript(sql).execute();
        handle.createUpdate("INSERT INTO schema_history (version, description, applied_at) VALUES (?, ?, ?)")
            .bind(0, next)
            .bind(1, file.substring(file.indexOf("__") + 2, file.length() - ".sql".length()))
            .bind(2, OpportunityRow.INSTANT.format(Instant.now()))
            .execute();
        return true;
      });
      if (applied) log.info("applied migration {}", file);
    }
    return known;
  }

  /** The highest version recorded: 0 for a new database. */
  static int version(Handle handle) {
    return handle.createQuery("SELECT COALESCE(MAX(version), 0) FROM schema_history").mapTo(Integer.class).one();
  }

  private static String read(String resource) {
    try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing migration " + resource);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package cn.opportunity.integration.adapter.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The versioned schema: {@code db/migration/V<n>__<description>.sql}, applied in order, each in
 * its own transaction and recorded in {@code schema_history}. A file is never changed once
 * released: a change of schema is a new file, added to {@link #FILES}.
 */
final class Migrations {
  /** Every migration, in order (resources cannot be listed inside a jar). */
  static final List<String> FILES = List.of("V1__opportunity.sql", "V2__dictionary_snapshot.sql");

  private Migrations() {}

  /** Brings the schema up to date; returns its version. */
  static int apply(Jdbi jdbi) {
    jdbi.useHandle(handle -> handle.execute("""
        CREATE TABLE IF NOT EXISTS schema_history (
            version     INTEGER PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at  TEXT NOT NULL)"""));
    int current = currentVersion(jdbi);
    if (current > FILES.size())
      throw new IllegalStateException("the database's schema is at version " + current + ", newer than this program"
          + " knows (" + FILES.size() + "): run a newer version of the program");
    for (int version = current + 1; version <= FILES.size(); version++) {
      String file = FILES.get(version - 1);
      String sql = read(file);
      int applied = version;
      jdbi.useTransaction(handle -> {
        handle.createScript(sql).execute();
        handle.createUpdate("INSERT INTO schema_history (version, description, applied_at) VALUES (?, ?, ?)")
            .bind(0, applied)
            .bind(1, file.substring(file.indexOf("__") + 2, file.length() - ".sql".length()))
            .bind(2, Instant.now().toString())
            .execute();
      });
    }
    return FILES.size();
  }

  static int currentVersion(Jdbi jdbi) {
    return jdbi.withHandle(handle ->
        handle.createQuery("SELECT COALESCE(MAX(version), 0) FROM schema_history").mapTo(Integer.class).one());
  }

  private static String read(String file) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + file)) {
      if (in == null) throw new IllegalStateException("missing migration " + file);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

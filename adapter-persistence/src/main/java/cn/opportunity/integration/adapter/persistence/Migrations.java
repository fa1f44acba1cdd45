package cn.opportunity.integration.adapter.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.ConnectionFactory;
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
  static final List<String> FILES =
      List.of(
          "V1__opportunity.sql",
          "V2__dictionary_snapshot.sql",
          "V3__dictionary_skipped.sql",
          "V4__lost_reason.sql",
          "V5__history.sql",
          "V6__history_chain.sql",
          "V7__history_head_by_writer.sql",
          "V8__dictionary_settings.sql",
          "V9__history_pruned_in_written_order.sql");

  private static final String DIRECTORY = "/db/migration/";

  private Migrations() {}

  /** Brings the schema up to date, on a connection of its own; returns its version. */
  static int apply(ConnectionFactory connections) throws SQLException {
    return apply(connections, DIRECTORY, FILES);
  }

  /**
   * {@link #apply(ConnectionFactory)} with other files, for tests. Plain JDBC, not Jdbi: it runs at
   * every start, before the first request can be served, and Jdbi's set-up costs more than all of
   * it.
   */
  static int apply(ConnectionFactory connections, String directory, List<String> files)
      throws SQLException {
    try (Connection connection = connections.openConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          """
          CREATE TABLE IF NOT EXISTS schema_history (
              version     INTEGER PRIMARY KEY,
              description TEXT    NOT NULL,
              applied_at  TEXT    NOT NULL)""");
      int known = files.size();
      int current = version(connection);
      if (current > known)
        throw new IllegalStateException(
            "its schema is at version "
                + current
                + ", newer than this program knows ("
                + known
                + "): run the newer program, or restore a backup made for this one");
      for (int version = current + 1; version <= known; version++) {
        String file = files.get(version - 1);
        if (!file.startsWith("V" + version + "__") || !file.endsWith(".sql"))
          throw new IllegalStateException(
              "migration " + version + " is named " + file + ", not V" + version + "__….sql");
        if (applyOne(connection, version, file, read(directory + file)))
          log.info("applied migration {}", file);
      }
      return known;
    }
  }

  /**
   * One migration and its history row in one transaction: false when another process was quicker.
   */
  private static boolean applyOne(Connection connection, int version, String file, String sql)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      try {
        if (version(connection) >= version) {
          statement.execute("ROLLBACK");
          return false;
        }
        statement.executeUpdate(sql); // every statement of the file (sqlite3_exec)
        try (PreparedStatement history =
            connection.prepareStatement(
                "INSERT INTO schema_history (version, description, applied_at) VALUES (?, ?, ?)")) {
          history.setInt(1, version);
          history.setString(
              2, file.substring(file.indexOf("__") + 2, file.length() - ".sql".length()));
          history.setString(3, OpportunityRow.INSTANT.format(Instant.now()));
          history.executeUpdate();
        }
        statement.execute("COMMIT");
        return true;
      } catch (SQLException | RuntimeException e) {
        try {
          statement.execute("ROLLBACK");
        } catch (SQLException rollbackFailed) {
          e.addSuppressed(rollbackFailed);
        }
        throw e;
      }
    }
  }

  /** The highest version recorded: 0 for a new database. */
  static int version(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_history")) {
      row.next();
      return row.getInt(1);
    }
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

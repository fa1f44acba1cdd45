package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.adapter.persistence.testing.PostgresServer;
import cn.opportunity.integration.domain.testing.TestSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar on PostgreSQL (CONTRACT §6): the shaded jar finds the driver and Flyway's
 * PostgreSQL support, migrates the database, imports into it and serves what it stores; the
 * password is in no line it prints.
 */
class PostgresJarIT {
  @TempDir Path dir;

  private static Map<String, String> environment(PostgresServer.Database db) {
    return Map.of(
        "OPP_DB_URL",
        db.url(),
        "OPP_DB_USER",
        db.user(),
        "OPP_DB_PASSWORD",
        db.password(),
        "OPP_INTERNAL_SECRETS",
        TestSecrets.INTERNAL,
        "OPP_HTTP_HOST",
        "127.0.0.1",
        "OPP_HTTP_PORT",
        "0");
  }

  /**
   * CONTRACT §6, "several instances starting at once migrate once", across processes: two jars
   * started together on an empty database both become ready, Flyway's history holds each migration
   * once and successful, and the migrations the two say they applied add up to the files, each
   * applied by one of them.
   */
  @Test
  void twoJarsStartingAtOnceOnAnEmptyDatabaseMigrateItOnce() throws Exception {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    List<JarProcess> jars = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) jars.add(JarProcess.start(dir, environment(db)));
      int applied = 0;
      for (JarProcess jar : jars) {
        int port = jar.awaitListening(Duration.ofSeconds(90));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ready(port) != 200) {
          assertTrue(System.nanoTime() < deadline, "never ready:\n" + jar.output());
          Thread.sleep(20);
        }
        Matcher migrated = APPLIED.matcher(jar.output());
        if (migrated.find()) applied += Integer.parseInt(migrated.group(1));
        else assertTrue(jar.output().contains("schema up to date at version"), jar.output());
      }
      int files = migrationFiles();
      assertEquals(files, applied, "the migrations applied by the two, together");
      try (Connection connection = DriverManager.getConnection(db.url(), db.user(), db.password());
          ResultSet row =
              connection
                  .createStatement()
                  .executeQuery(
                      "SELECT count(*), count(DISTINCT version), min(version::int),"
                          + " max(version::int), bool_and(success)"
                          + " FROM flyway_schema_history WHERE version IS NOT NULL")) {
        assertTrue(row.next());
        assertEquals(files, row.getInt(1), "each migration recorded once");
        assertEquals(files, row.getInt(2));
        assertEquals(1, row.getInt(3));
        assertEquals(files, row.getInt(4));
        assertTrue(row.getBoolean(5), "every migration successful");
      }
    } finally {
      for (JarProcess jar : jars) jar.close();
    }
  }

  private static int ready(int port) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static final Pattern APPLIED =
      Pattern.compile("\\((\\d+) migration\\(s\\) applied now\\)");

  /** How many {@code V<n>__*.sql} files the jar's {@code db/postgresql} holds. */
  private static int migrationFiles() throws Exception {
    try (FileSystem jar = FileSystems.newFileSystem(JarProcess.jar());
        Stream<Path> files = Files.list(jar.getPath("/db/postgresql"))) {
      return (int) files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
    }
  }

  @Test
  void importsAndServesOverPostgres() throws Exception {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    Map<String, String> environment = environment(db);
    Path lines = dir.resolve("seed.jsonl");
    Files.write(
        lines,
        List.of("{\"opportunityCode\":\"PG-JAR-1\",\"opportunityName\":\"一号\"}"),
        StandardCharsets.UTF_8);
    try (JarProcess importing = JarProcess.start(dir, environment, "import", lines.toString())) {
      assertEquals(0, importing.awaitExit(Duration.ofSeconds(60)), importing.output());
      assertFalse(importing.output().contains(db.password()));
    }
    try (JarProcess server = JarProcess.start(dir, environment)) {
      int port = server.awaitListening(Duration.ofSeconds(60));
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + port
                                  + "/api/opportunities/integration/PG-JAR-1"))
                      .header("X-Internal-Secret", TestSecrets.INTERNAL)
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertEquals(200, response.statusCode(), response.body());
      assertTrue(response.body().contains("\"一号\""), response.body());
      server.terminate();
      server.awaitExit(Duration.ofSeconds(30));
      assertFalse(server.output().contains(db.password()));
    }
  }
}

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar on PostgreSQL (CONTRACT §6): the shaded jar finds the driver and Flyway's
 * PostgreSQL support, migrates the database, imports into it and serves what it stores; the
 * password is in no line it prints.
 */
class PostgresJarIT {
  @TempDir Path dir;

  @Test
  void importsAndServesOverPostgres() throws Exception {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    Map<String, String> environment =
        Map.of(
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

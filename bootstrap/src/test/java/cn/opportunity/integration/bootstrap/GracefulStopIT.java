package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.TestSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM stops the real jar cleanly: it says so, exits, and leaves the store closed; its log is clean. */
class GracefulStopIT {
  @TempDir Path dir;

  @Test
  void stopsOnSigtermAndClosesTheStore() throws Exception {
    Path db = dir.resolve("stop.db");
    Map<String, String> environment = Map.of(
        "OPP_DB_URL", "jdbc:sqlite:" + db,
        "OPP_INTERNAL_SECRETS", TestSecrets.INTERNAL,
        "OPP_HTTP_HOST", "127.0.0.1",
        "OPP_HTTP_PORT", "0");
    String secret = environment.get("OPP_INTERNAL_SECRETS");
    try (JarProcess server = JarProcess.start(dir, environment)) {
      int port = server.awaitListening(Duration.ofSeconds(30));
      assertTrue(Files.exists(db));
      HttpResponse<String> refused = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/opportunities/integration/update"))
              .header("Content-Type", "application/json")
              .header("X-Internal-Secret", secret)
              .PUT(HttpRequest.BodyPublishers.ofString("{\"opportunityCode\":\"NOPE\",\"description\":\"body-marker\"}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, refused.statusCode());
      server.terminate();
      int status = server.awaitExit(Duration.ofSeconds(15));
      assertEquals(143, status, server.output());
      assertTrue(server.output().contains("stopped; store closed"), server.output());
      assertFalse(Files.exists(Path.of(db + "-wal")), "a clean close leaves no -wal file");
      assertTrue(server.output().contains("access - PUT /api/opportunities/integration/update 404"), server.output());
      assertFalse(server.output().contains(secret), "the secret never reaches the log");
      assertFalse(server.output().contains("body-marker"), "bodies never reach the log");
    }
  }

  @Test
  void refusesToStartWithAShortSecret() throws Exception {
    String shortSecret = TestSecrets.TOO_SHORT_INTERNAL;
    try (JarProcess server = JarProcess.start(dir, Map.of("OPP_INTERNAL_SECRETS", shortSecret))) {
      assertEquals(2, server.awaitExit(Duration.ofSeconds(30)));
      assertTrue(server.output().contains("OPP_INTERNAL_SECRETS: secret #1 is " + shortSecret.length() + " characters long"),
          server.output());
      assertFalse(server.output().contains(shortSecret), "the secret itself is never printed");
    }
  }
}

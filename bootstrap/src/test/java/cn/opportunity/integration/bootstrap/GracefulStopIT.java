package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM stops the real jar cleanly: it says so, exits, and leaves the store closed. */
class GracefulStopIT {
  @TempDir Path dir;

  @Test
  void stopsOnSigtermAndClosesTheStore() throws Exception {
    Path db = dir.resolve("stop.db");
    Map<String, String> environment = Map.of(
        "OPP_DB_URL", "jdbc:sqlite:" + db,
        "OPP_INTERNAL_SECRETS", "graceful-stop-secret-0123456789abcdef0123",
        "OPP_HTTP_HOST", "127.0.0.1",
        "OPP_HTTP_PORT", "0");
    try (JarProcess server = JarProcess.start(dir, environment)) {
      server.awaitListening(Duration.ofSeconds(30));
      assertTrue(Files.exists(db));
      server.terminate();
      int status = server.awaitExit(Duration.ofSeconds(15));
      assertEquals(143, status, server.output());
      assertTrue(server.output().contains("stopped; store closed"), server.output());
      assertFalse(Files.exists(Path.of(db + "-wal")), "a clean close leaves no -wal file");
    }
  }

  @Test
  void refusesToStartWithAShortSecret() throws Exception {
    try (JarProcess server = JarProcess.start(dir, Map.of("OPP_INTERNAL_SECRETS", "too-short"))) {
      assertEquals(2, server.awaitExit(Duration.ofSeconds(30)));
      assertTrue(server.output().contains("OPP_INTERNAL_SECRETS: secret #1 is 9 characters long"), server.output());
      assertFalse(server.output().contains("too-short"), "the secret itself is never printed");
    }
  }
}

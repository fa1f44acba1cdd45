package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.TestSecrets;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar with {@code OPP_STOP_DRAIN=PT2S} (CONTRACT.md §6): after SIGTERM ready answers 503
 * at once, an update sent during the drain is answered 200 and stored, and the process then stops
 * gracefully — not before the drain is over — leaving the store closed.
 */
class StopDrainIT {
  static final String SECRET = TestSecrets.INTERNAL;

  @TempDir Path dir;

  @Test
  void answersReadyWith503ServesAnUpdateDuringTheDrainThenExitsCleanly() throws Exception {
    Path db = dir.resolve("drain.db");
    Map<String, String> environment =
        JarProcess.environment("jdbc:sqlite:" + db, Map.of("OPP_STOP_DRAIN", "PT2S"));
    JarProcess.importLines(
        dir, environment, List.of("{\"opportunityCode\":\"DRAIN-1\",\"opportunityName\":\"排空\"}"));
    try (JarProcess server = JarProcess.start(dir, environment)) {
      int port = server.awaitListening(Duration.ofSeconds(30));
      assertTrue(get(port, "/health/ready").startsWith("HTTP/1.1 200 "));
      // Connected before the signal, so that only the update's own bytes fall into the drain.
      try (Socket update = new Socket("127.0.0.1", port)) {
        update.setSoTimeout(15_000);
        long signalled = System.nanoTime();
        server.terminate();
        server.awaitOutput("ready answers 503, serving on for PT2S", Duration.ofSeconds(5));
        String ready = get(port, "/health/ready");
        assertTrue(ready.startsWith("HTTP/1.1 503 "), ready);
        assertTrue(ready.endsWith("{\"status\":\"DOWN\",\"reason\":\"stopping\"}"), ready);

        byte[] body =
            "{\"opportunityCode\":\"DRAIN-1\",\"description\":\"排空中\"}"
                .getBytes(StandardCharsets.UTF_8);
        OutputStream out = update.getOutputStream();
        out.write(
            ("PUT /api/opportunities/integration/update HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nX-Internal-Secret: "
                    + SECRET
                    + "\r\nContent-Length: "
                    + body.length
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        String answer = new String(update.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertTrue(answer.contains("\"code\":\"0\""), answer);

        assertEquals(143, server.awaitExit(Duration.ofSeconds(20)), server.output());
        long tookMillis = (System.nanoTime() - signalled) / 1_000_000;
        assertTrue(
            tookMillis >= 2_000, "exited " + tookMillis + " ms after SIGTERM, within the drain");
      }
      String output = server.output();
      assertTrue(
          output.indexOf("ready answers 503") < output.indexOf("stopping: no new requests"),
          output);
      assertTrue(output.contains("stopped; store closed"), output);
      assertFalse(output.contains(SECRET), "the secret never reaches the log");
    }
    assertFalse(Files.exists(Path.of(db + "-wal")), "a clean close leaves no -wal file");
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet stored =
            connection
                .createStatement()
                .executeQuery(
                    "SELECT description, version FROM opportunity WHERE opportunity_code = 'DRAIN-1'")) {
      assertTrue(stored.next());
      assertEquals("排空中", stored.getString(1));
      assertEquals(2, stored.getInt(2));
    }
  }

  /** One GET over a fresh connection; the whole answer. */
  private static String get(int port, String path) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

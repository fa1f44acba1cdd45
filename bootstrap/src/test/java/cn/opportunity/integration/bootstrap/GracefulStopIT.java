package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.TestSecrets;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM stops the real jar cleanly: it says so, exits, and leaves the store closed; its log is
 * clean.
 */
class GracefulStopIT {
  @TempDir Path dir;

  @Test
  void stopsOnSigtermAndClosesTheStore() throws Exception {
    Path db = dir.resolve("stop.db");
    Map<String, String> environment = JarProcess.environment("jdbc:sqlite:" + db);
    String secret = environment.get("OPP_INTERNAL_SECRETS");
    try (JarProcess server = JarProcess.start(dir, environment)) {
      int port = server.awaitListening(Duration.ofSeconds(30));
      assertTrue(Files.exists(db));
      HttpResponse<String> refused =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + port + "/api/opportunities/integration/update"))
                      .header("Content-Type", "application/json")
                      .header("X-Internal-Secret", secret)
                      .PUT(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"opportunityCode\":\"NOPE\",\"description\":\"body-marker\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(404, refused.statusCode());
      server.terminate();
      int status = server.awaitExit(Duration.ofSeconds(15));
      assertEquals(143, status, server.output());
      assertTrue(server.output().contains("stopped; store closed"), server.output());
      assertFalse(Files.exists(Path.of(db + "-wal")), "a clean close leaves no -wal file");
      assertTrue(
          server.output().contains("access - PUT /api/opportunities/integration/update 404"),
          server.output());
      assertFalse(server.output().contains(secret), "the secret never reaches the log");
      assertFalse(server.output().contains("body-marker"), "bodies never reach the log");
    }
  }

  /**
   * 32 requests in flight (headers sent, bodies still coming) when SIGTERM arrives: all 32 are
   * answered 200 and stored, a new connection is refused, the jar exits within 12 s, the WAL is
   * gone and the file is intact.
   */
  @Test
  void finishesThirtyTwoRequestsInFlightAtSigtermThenClosesCleanly() throws Exception {
    Path db = dir.resolve("inflight.db");
    String secret = TestSecrets.INTERNAL;
    Map<String, String> environment = JarProcess.environment("jdbc:sqlite:" + db);
    int requests = 32;
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < requests; i++)
      lines.add("{\"opportunityCode\":\"STOP-" + i + "\",\"opportunityName\":\"停机 " + i + "\"}");
    JarProcess.importLines(dir, environment, lines);
    try (JarProcess server = JarProcess.start(dir, environment)) {
      int port = server.awaitListening(Duration.ofSeconds(30));
      List<Socket> sockets = new ArrayList<>();
      List<byte[]> rests = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        byte[] body =
            ("{\"opportunityCode\":\"STOP-" + i + "\",\"description\":\"在途-" + i + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("PUT /api/opportunities/integration/update HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nX-Internal-Secret: "
                    + secret
                    + "\r\n"
                    + "Content-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, 10); // the rest comes after SIGTERM: the request is in flight
        out.flush();
        sockets.add(socket);
        rests.add(Arrays.copyOfRange(body, 10, body.length));
      }
      Thread.sleep(500); // let Jetty take every request to its handler
      long stopping = System.nanoTime();
      server.terminate();
      server.awaitOutput("stopping: no new requests", Duration.ofSeconds(5));
      // The line is logged as the stop begins; the listener closes a moment later, long before the
      // requests in flight can finish (their bodies are still to come).
      assertTrue(
          newConnectionsRefusedWithin(port, Duration.ofSeconds(3)),
          "a new connection after SIGTERM is refused");
      for (int i = 0; i < requests; i++) {
        sockets.get(i).getOutputStream().write(rests.get(i));
        sockets.get(i).getOutputStream().flush();
      }
      for (int i = 0; i < requests; i++) {
        try (Socket socket = sockets.get(i)) {
          String answer =
              new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          assertTrue(answer.startsWith("HTTP/1.1 200"), "request " + i + ": " + answer);
          assertTrue(answer.contains("\"code\":\"0\""), "request " + i + ": " + answer);
        }
      }
      assertEquals(143, server.awaitExit(Duration.ofSeconds(12)), server.output());
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);
      assertTrue(tookMillis <= 12_000, "the stop took " + tookMillis + " ms");
    }
    assertFalse(Files.exists(Path.of(db + "-wal")), "a clean close leaves no -wal file");
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (ResultSet check = connection.createStatement().executeQuery("PRAGMA integrity_check")) {
        assertTrue(check.next());
        assertEquals("ok", check.getString(1));
      }
      try (ResultSet stored =
          connection
              .createStatement()
              .executeQuery(
                  "SELECT COUNT(*) FROM opportunity WHERE description = '在途-' || substr(opportunity_code, 6) AND version = 2")) {
        assertTrue(stored.next());
        assertEquals(requests, stored.getInt(1), "every request answered 200 is stored");
      }
    }
  }

  /**
   * Whether, within {@code bound}, a new connection to {@code port} is refused or closed
   * unanswered.
   */
  private static boolean newConnectionsRefusedWithin(int port, Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket late = new Socket("127.0.0.1", port)) {
        late.setSoTimeout(1_000);
        late.getOutputStream()
            .write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (late.getInputStream().read() < 0)
          return true; // accepted by a closing listener, closed unanswered
      } catch (SocketTimeoutException unanswered) {
        // accepted and not answered in time: not a refusal, try again
      } catch (IOException refused) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  @Test
  void refusesToStartWithAShortSecret() throws Exception {
    String shortSecret = TestSecrets.TOO_SHORT_INTERNAL;
    try (JarProcess server = JarProcess.start(dir, Map.of("OPP_INTERNAL_SECRETS", shortSecret))) {
      assertEquals(2, server.awaitExit(Duration.ofSeconds(30)));
      assertTrue(
          server
              .output()
              .contains(
                  "OPP_INTERNAL_SECRETS: secret #1 is "
                      + shortSecret.length()
                      + " characters long"),
          server.output());
      assertFalse(server.output().contains(shortSecret), "the secret itself is never printed");
    }
  }
}

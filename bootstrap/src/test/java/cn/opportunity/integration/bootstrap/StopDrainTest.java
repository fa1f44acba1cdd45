package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stop of CONTRACT.md §6 in-process: ready turns 503 the moment the stop begins, every other
 * request is still served during {@code OPP_STOP_DRAIN}, then the listener closes. The drain here
 * is a minute and the test ends it by interrupting the stopping thread, so nothing depends on how
 * fast the machine is.
 */
class StopDrainTest {
  static final String CODE = "DRAIN-1";

  @TempDir Path dir;

  @Test
  void answersReadyWith503AtOnceServesUpdatesThroughTheDrainThenCloses() throws Exception {
    ServiceHarness service = new ServiceHarness(dir);
    service.importLines("{\"opportunityCode\":\"" + CODE + "\",\"opportunityName\":\"排空\"}");
    service.environment.put("OPP_STOP_DRAIN", "PT1M");
    ServiceHarness client = service.start();
    Server server = service.server();
    int port = server.port();
    assertReady(client, 200, "{\"status\":\"UP\"}");

    Thread stopping = new Thread(server::stop, "graceful-stop");
    stopping.start();
    try {
      awaitNotReady(client);
      assertTrue(stopping.isAlive(), "still draining");
      HttpResponse<String> update =
          client.put("{\"opportunityCode\":\"" + CODE + "\",\"description\":\"排空中\"}");
      assertEquals(200, update.statusCode(), update.body());
      assertEquals("排空中", client.stored(CODE).get("description").asText());
      assertEquals(
          200, client.send(HttpRequest.newBuilder(client.uri("/health/live"))).statusCode());
      assertEquals(200, client.send(HttpRequest.newBuilder(client.uri("/health"))).statusCode());
      assertReady(client, 503, "{\"status\":\"DOWN\",\"reason\":\"stopping\"}");
    } finally {
      stopping.interrupt(); // ends the drain: the graceful stop goes on
      stopping.join(30_000);
    }
    assertFalse(stopping.isAlive(), "the stop ended");
    assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
    service.close(); // already stopped: nothing more to do
  }

  @Test
  void drainsNothingByDefault() {
    AppConfig config = AppConfig.load(new ServiceHarness(dir).environment, Optional.empty());
    assertEquals(Duration.ZERO, config.stopDrain());
  }

  private static void assertReady(ServiceHarness client, int status, String body) {
    HttpResponse<String> response =
        client.send(HttpRequest.newBuilder(client.uri("/health/ready")));
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(body, response.body());
  }

  /** The stop runs on its own thread: wait (bounded) until it has begun. */
  private static void awaitNotReady(ServiceHarness client) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (client.send(HttpRequest.newBuilder(client.uri("/health/ready"))).statusCode() != 503) {
      assertTrue(System.nanoTime() < deadline, "ready never turned 503");
      Thread.sleep(10);
    }
  }
}

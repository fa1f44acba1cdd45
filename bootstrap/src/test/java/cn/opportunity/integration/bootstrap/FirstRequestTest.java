package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server sends its first request itself before it is ready (docs/reliability.md, "the very
 * first requests"): the first requests of callers, arriving at once the moment it listens, are each
 * answered properly — never the empty 500 of Javalin's lazily built configuration.
 */
class FirstRequestTest {
  static final int STARTS = 5;
  static final int CALLERS = 32;

  @TempDir Path dir;

  @Test
  void answersEveryOneOfManySimultaneousFirstRequestsOfAFreshServer() throws Exception {
    ServiceHarness service = new ServiceHarness(dir);
    service.importLines("{\"opportunityCode\":\"FIRST-1\",\"opportunityName\":\"首个请求\"}");
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    try {
      for (int start = 0; start < STARTS; start++) {
        service.start();
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
          String body = "{\"opportunityCode\":\"FIRST-1\",\"description\":\"第" + i + "个\"}";
          answers.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                    return service.put(body);
                  },
                  callers));
        }
        go.countDown();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
          HttpResponse<String> response = answer.join();
          assertEquals(200, response.statusCode(), "start " + start + ": " + response.body());
          assertTrue(response.headers().firstValue("X-Request-Id").isPresent(), response.body());
        }
        service.stop();
      }
    } finally {
      callers.shutdownNow();
      service.close();
    }
  }

  @Test
  void sendsOneGetOfLivenessOverLoopback() throws Exception {
    AtomicReference<String> requestLine = new AtomicReference<>();
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread answering =
          new Thread(
              () -> {
                try (Socket peer = listener.accept()) {
                  requestLine.set(
                      new BufferedReader(
                              new InputStreamReader(
                                  peer.getInputStream(), StandardCharsets.US_ASCII))
                          .readLine());
                  peer.getOutputStream()
                      .write(
                          "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                              .getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                  requestLine.set(e.toString());
                }
              });
      answering.start();
      Server.sendFirstRequest("0.0.0.0", listener.getLocalPort()); // a wildcard host: loopback
      answering.join(5_000);
    }
    assertEquals("GET /health/live HTTP/1.1", requestLine.get());
  }

  @Test
  void goesOnWhenNothingAnswers() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    Server.sendFirstRequest("127.0.0.1", port); // refused: logged, no exception
  }
}

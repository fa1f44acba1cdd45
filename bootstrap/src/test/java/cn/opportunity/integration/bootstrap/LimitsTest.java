package cn.opportunity.integration.bootstrap;

import static cn.opportunity.integration.bootstrap.ServiceHarness.assertRawEnvelope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figure 5 of the reliability issue on the real service, for what {@code HttpApiTest} does not
 * already show (there: 413 with and without Content-Length, a body of exactly 64 KiB, the 431,
 * malformed-version, 404 and 405 envelopes for PUT, a broken chunk): 431 within a time bound, the
 * many kinds of malformed HTTP, 414, a huge announced body, and the nesting cap over HTTP.
 */
class LimitsTest {
  static final String CODE = "OPP-20260401-001";
  static final String UPDATE = "/api/opportunities/integration/update";
  static final Duration QUICKLY = Duration.ofSeconds(1);
  static final String HEAD =
      "PUT "
          + UPDATE
          + " HTTP/1.1\r\nHost: x\r\nX-Internal-Secret: "
          + ServiceHarness.SECRET
          + "\r\nContent-Type: application/json\r\nConnection: close\r\n";

  @TempDir Path dir;
  ServiceHarness service;

  @BeforeEach
  void startWithOneOpportunity() throws Exception {
    service = new ServiceHarness(dir);
    service.importLines("{\"opportunityCode\":\"" + CODE + "\",\"opportunityName\":\"智慧园区二期\"}");
    service.start();
  }

  @AfterEach
  void stop() {
    service.close();
  }

  @Test
  void answersA9KiBHeaderWith431Quickly() {
    StringBuilder manySmall = new StringBuilder();
    for (int i = 0; i < 180; i++)
      manySmall.append("X-Small-").append(i).append(": ").append("s".repeat(40)).append("\r\n");
    String[] requests = {
      HEAD + "X-Big: " + "a".repeat(9 * 1024) + "\r\nContent-Length: 0\r\n\r\n",
      HEAD + manySmall + "Content-Length: 0\r\n\r\n", // 9 KiB in 180 headers
      "GET /health HTTP/1.1\r\nHost: x\r\nCookie: " + "c".repeat(9 * 1024) + "\r\n\r\n"
    };
    for (String request : requests) {
      long start = System.nanoTime();
      String answer = service.raw("127.0.0.1", request);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertRawEnvelope(answer, 431, "请求头过大");
      assertTrue(took.compareTo(QUICKLY) < 0, "answered in " + took.toMillis() + " ms");
    }
    assertEquals(1, service.stored(CODE).get("version").asInt());
  }

  /** Whatever is wrong with the HTTP itself, the answer is the envelope, never a stack trace. */
  @Test
  void answersMalformedHttpWithTheEnvelope() {
    String update = "{\"opportunityCode\":\"" + CODE + "\",\"source\":\"x\"}";
    Map<String, Integer> requests = new LinkedHashMap<>();
    requests.put("GARBAGE\r\n\r\n", 400);
    requests.put("PUT /a b c HTTP/1.1\r\nHost: x\r\n\r\n", 400); // spaces in the target
    requests.put("PUT " + UPDATE + " HTTP/1.1\r\n\r\n", 400); // no Host
    requests.put("PUT " + UPDATE + " HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400);
    requests.put(HEAD + "no colon here\r\n\r\n", 400);
    requests.put(HEAD + "X-Folded: a\r\n  b\r\n\r\n", 400); // obsolete line folding
    requests.put(HEAD + "X-\u0000: a\r\n\r\n", 400);
    requests.put(HEAD + "Content-Length: abc\r\n\r\n", 400);
    requests.put(HEAD + "Content-Length: -1\r\n\r\n", 400);
    requests.put(HEAD + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400);
    requests.put(
        HEAD + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400); // smuggling
    requests.put(HEAD + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n" + update + "\r\n0\r\n\r\n", 400);
    requests.put(HEAD + "Content-Length: 500\r\n\r\n" + update, 400); // cut off
    for (Map.Entry<String, Integer> request : requests.entrySet()) {
      String answer = service.raw("127.0.0.1", request.getKey());
      try {
        assertRawEnvelope(answer, request.getValue(), "请求无效");
      } catch (AssertionError e) {
        throw new AssertionError(
            "for " + request.getKey().replace("\r\n", "|") + ": " + e.getMessage(), e);
      }
    }
    assertEquals(1, service.stored(CODE).get("version").asInt(), "nothing was changed");
  }

  /**
   * Statuses Jetty chooses for HTTP versions it does not speak: still the envelope, with the texts
   * of {@code HttpMessages.forStatus} (a 5xx reads 系统繁忙 there).
   */
  @Test
  void answersUnsupportedHttpVersionsWithTheEnvelope() {
    assertRawEnvelope(
        service.raw("127.0.0.1", "PUT " + UPDATE + " HTTP/2.0\r\nHost: x\r\n\r\n"), 426, "请求无效");
    assertRawEnvelope(
        service.raw("127.0.0.1", "PUT " + UPDATE + "\r\n\r\n"), 505, "系统繁忙，请稍后重试"); // HTTP/0.9
  }

  @Test
  void answersAnOverlongUriWith414() {
    assertRawEnvelope(
        service.raw("127.0.0.1", "PUT /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
        414,
        "请求地址过长");
  }

  /**
   * A Content-Length over the limit is refused at once: the server does not wait for a terabyte.
   */
  @Test
  void refusesAHugeAnnouncedBodyWithoutWaitingForIt() {
    long start = System.nanoTime();
    String answer = service.raw("127.0.0.1", HEAD + "Content-Length: 1000000000000\r\n\r\n{");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertRawEnvelope(answer, 413, "请求体过大");
    assertTrue(took.compareTo(QUICKLY) < 0, "answered in " + took.toMillis() + " ms");
  }

  /**
   * A value nested 31 deep (32 levels with the body) is read, and refused as a value; deeper is not
   * JSON to us.
   */
  @Test
  void readsNestingUpTo32LevelsAndRefusesDeeperAsMalformed() {
    assertRefused(service.put(nested(31)), 400, "字段类型错误: description");
    assertRefused(service.put(nested(32)), 400, "请求体不是有效的 JSON 对象");
    assertRefused(service.put(nested(40)), 400, "请求体不是有效的 JSON 对象");
    assertEquals(1, service.stored(CODE).get("version").asInt());
  }

  /**
   * 100,000 levels are 200 KB: over the size limit, with or without Content-Length, sent whole by
   * the client.
   */
  @Test
  void refusesNesting100000DeepAsTooLarge() {
    byte[] deep = nested(100_000).getBytes(StandardCharsets.UTF_8);
    assertTrue(deep.length > 64 * 1024);
    HttpRequest.Builder sized = update().PUT(HttpRequest.BodyPublishers.ofByteArray(deep));
    HttpRequest.Builder chunked =
        update()
            .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(deep)));
    assertRefused(service.send(sized), 413, "请求体过大");
    assertRefused(service.send(chunked), 413, "请求体过大");
    assertEquals(1, service.stored(CODE).get("version").asInt());
  }

  private HttpRequest.Builder update() {
    return HttpRequest.newBuilder(service.uri(UPDATE))
        .header("Content-Type", "application/json")
        .header("X-Internal-Secret", ServiceHarness.SECRET);
  }

  /** An update whose {@code description} is {@code depth} arrays deep. */
  private static String nested(int depth) {
    return "{\"opportunityCode\":\""
        + CODE
        + "\",\"description\":"
        + "[".repeat(depth)
        + "]".repeat(depth)
        + "}";
  }

  private static void assertRefused(HttpResponse<String> response, int status, String message) {
    assertEquals(status, response.statusCode(), response.body());
    JsonNode expected =
        ServiceHarness.JSON
            .createObjectNode()
            .put("code", "-1")
            .put("msg", message)
            .putNull("data");
    assertEquals(expected, ServiceHarness.json(response.body()));
  }
}

package cn.opportunity.integration.bootstrap;

import static cn.opportunity.integration.bootstrap.ServiceHarness.assertRawEnvelope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.CapturedLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CONTRACT.md §6, {@code OPP_TRUSTED_PROXIES}: real sockets from chosen loopback addresses. The
 * balancer is 127.0.0.2 (trusted); 127.0.0.3 is a peer that is not. The failed-secret throttle
 * counts, and the access log shows, the caller's address so found.
 */
class CallersBehindABalancerTest {
  static final String CODE = "OPP-20260401-001";
  static final String BALANCER = "127.0.0.2";
  static final String STRANGER = "127.0.0.3";
  static final String AUTH_FAILED = "内部接口鉴权失败";
  static final String TOO_MANY = "鉴权失败次数过多，请稍后再试";

  @TempDir Path dir;
  ServiceHarness service;
  CapturedLog log;

  @BeforeEach
  void startBehindTheBalancer() throws Exception {
    service = new ServiceHarness(dir);
    service.importLines("{\"opportunityCode\":\"" + CODE + "\",\"opportunityName\":\"智慧园区二期\"}");
    service.environment.put("OPP_TRUSTED_PROXIES", "10.9.9.9, " + BALANCER + "/32, ::1");
    log = CapturedLog.start();
    service.start();
  }

  @AfterEach
  void stop() {
    service.close();
    log.close();
  }

  /**
   * Ten wrong secrets of one caller through the balancer lock that caller out (429), while another
   * caller behind the same balancer is still answered 200 and, with a wrong secret, 401 — not 429.
   * The balancer's own address is not locked either.
   */
  @Test
  void throttlesOneCallerBehindTheBalancerWithoutThrottlingTheOthers() {
    for (int i = 0; i < 10; i++)
      assertRawEnvelope(send(BALANCER, "203.0.113.7", "wrong-" + i), 401, AUTH_FAILED);
    assertRawEnvelope(send(BALANCER, "203.0.113.7", "wrong"), 429, TOO_MANY);
    assertRawEnvelope(
        send(BALANCER, "198.51.100.1, 203.0.113.7", ServiceHarness.SECRET),
        429,
        TOO_MANY); // what the caller writes left of its own address changes nothing

    String other = send(BALANCER, "203.0.113.8", ServiceHarness.SECRET);
    assertTrue(other.startsWith("HTTP/1.1 200 "), other);
    assertRawEnvelope(send(BALANCER, "203.0.113.8", "wrong"), 401, AUTH_FAILED);
    String balancerItself = send(BALANCER, null, ServiceHarness.SECRET);
    assertTrue(balancerItself.startsWith("HTTP/1.1 200 "), balancerItself);
    String throughTwoBalancers = send(BALANCER, "203.0.113.9, 10.9.9.9", ServiceHarness.SECRET);
    assertTrue(throughTwoBalancers.startsWith("HTTP/1.1 200 "), throughTwoBalancers);

    service.stop(); // writes what the access log still holds
    String lines = log.text();
    assertEquals(12, count(lines, " caller=- from=203.0.113.7\n"), lines);
    assertEquals(2, count(lines, "from=203.0.113.8\n"), lines);
    assertEquals(1, count(lines, "caller=caller-1 from=" + BALANCER + "\n"), lines);
    assertEquals(1, count(lines, "caller=caller-1 from=203.0.113.9\n"), lines);
  }

  /**
   * A peer that is no trusted proxy cannot escape the throttle by sending a new {@code
   * X-Forwarded-For} each time, nor put someone else's address in the log.
   */
  @Test
  void ignoresTheHeaderOfAPeerThatIsNoTrustedProxy() {
    for (int i = 0; i < 10; i++)
      assertRawEnvelope(send(STRANGER, "203.0.113." + (100 + i), "wrong-" + i), 401, AUTH_FAILED);
    assertRawEnvelope(send(STRANGER, "203.0.113.200", ServiceHarness.SECRET), 429, TOO_MANY);
    assertRawEnvelope(send(STRANGER, BALANCER, ServiceHarness.SECRET), 429, TOO_MANY);

    String behindTheBalancer = send(BALANCER, "203.0.113.100", ServiceHarness.SECRET);
    assertTrue(
        behindTheBalancer.startsWith("HTTP/1.1 200 "),
        "the addresses the stranger named are not locked: " + behindTheBalancer);

    service.stop();
    String lines = log.text();
    assertEquals(12, count(lines, " caller=- from=" + STRANGER + "\n"), lines);
    assertEquals(1, count(lines, "from=203.0.113."), lines); // the balancer's caller only
  }

  private String send(String from, String forwardedFor, String secret) {
    String body = "{\"opportunityCode\":\"" + CODE + "\",\"source\":\"balanced\"}";
    return service.raw(
        from,
        "PUT /api/opportunities/integration/update HTTP/1.1\r\nHost: x\r\n"
            + (forwardedFor == null ? "" : "X-Forwarded-For: " + forwardedFor + "\r\n")
            + "X-Internal-Secret: "
            + secret
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\nConnection: close\r\n\r\n"
            + body);
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) count++;
    return count;
  }
}

package cn.opportunity.integration.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} and what each answered request tells the metrics (CONTRACT §6): its route's
 * template, never the path as sent; its status; an {@link Outcome} finer than the status.
 */
class MetricsHttpTest {
  static final String BY_CODE = HttpApi.API + "/{opportunityCode}";

  final HttpApiTest api = new HttpApiTest();

  @AfterEach
  void stop() {
    api.stop();
  }

  @Test
  void servesTheMetricsTextWithTheirContentTypeWithoutASecret() throws Exception {
    api.start();
    api.send(api.getOpportunity(HttpApiTest.CODE, HttpApiTest.SECRET));
    awaitAnswered(1);
    HttpResponse<String> answer = api.send(HttpRequest.newBuilder(api.uri("/metrics")).GET());
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals(
        RecordingMetrics.CONTENT_TYPE, answer.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(
        answer.body().contains("answered_total{route=\"" + BY_CODE + "\",status=\"200\""),
        answer.body());
  }

  @Test
  void tellsEachAnswerItsRouteTemplateStatusAndOutcome() throws Exception {
    api.dictionary = FakeFlowDictionary.neverLoaded();
    api.start();
    String update = "/api/opportunities/integration/update";
    api.send(api.getOpportunity(HttpApiTest.CODE, HttpApiTest.SECRET));
    api.send(api.getOpportunity("OPP-SECRET-CODE-1", HttpApiTest.SECRET));
    api.send(api.put(HttpApiTest.update("\"amount\":1"), "wrong-" + HttpApiTest.SECRET));
    api.send(api.put(HttpApiTest.update("\"amount\":-1"), HttpApiTest.SECRET));
    api.send(api.put("{not json", HttpApiTest.SECRET));
    api.send(api.put(HttpApiTest.update("\"stage\":\"won\""), HttpApiTest.SECRET));
    api.send(HttpRequest.newBuilder(api.uri("/no/such/OPP-SECRET-CODE-2")).GET());
    api.send(HttpRequest.newBuilder(api.uri("/health")).DELETE());
    api.send(
        api.put(HttpApiTest.update("\"amount\":1"), HttpApiTest.SECRET)
            .header("If-Match", "\"99\""));

    assertEquals(
        List.of(
            new Told(BY_CODE, 200, Outcome.SUCCESS),
            new Told(BY_CODE, 404, Outcome.NOT_FOUND),
            new Told(update, 401, Outcome.UNAUTHORIZED),
            new Told(update, 400, Outcome.REJECTED),
            new Told(update, 400, Outcome.BAD_REQUEST),
            new Told(update, 503, Outcome.DICTIONARY_UNAVAILABLE),
            new Told(HttpMetrics.UNMATCHED_ROUTE, 404, Outcome.NO_ROUTE),
            new Told(HttpMetrics.UNMATCHED_ROUTE, 405, Outcome.NO_ROUTE),
            new Told(update, 412, Outcome.VERSION_MISMATCH)),
        awaitAnswered(9));
    assertTrue(
        api.metrics.answered.stream().allMatch(a -> a.nanos() > 0),
        api.metrics.answered.toString());
  }

  @Test
  void withoutMetricsThereIsNoMetricsRoute() throws Exception {
    try (ApiHarness harness =
        new ApiHarness(
            new InMemoryOpportunityStore(),
            FakeFlowDictionary.loaded(HttpApiTest.CLOCK.instant()))) {
      ApiHarness.assertRefused(
          harness.send(harness.request("/metrics").GET()), 404, HttpMessages.NO_SUCH_ROUTE);
    }
  }

  /** What one request told the metrics, less its duration. */
  record Told(String route, int status, Outcome outcome) {}

  /**
   * The requests told so far, once there are {@code count}: the request logger runs as the answer
   * completes, which may be just after the client has it.
   */
  private List<Told> awaitAnswered(int count) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (api.metrics.answered.size() < count && System.nanoTime() < end) Thread.sleep(5);
    return api.metrics.answered.stream()
        .map(a -> new Told(a.route(), a.status(), a.outcome()))
        .toList();
  }
}

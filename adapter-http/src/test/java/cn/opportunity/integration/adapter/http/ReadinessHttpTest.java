package cn.opportunity.integration.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import cn.opportunity.integration.domain.testing.TestSecrets;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /health/live} and {@code GET /health/ready} (CONTRACT.md §6) through each phase of the
 * instance and with the store down; no secret, and every answer as openapi.json writes it.
 */
class ReadinessHttpTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-04-30T02:00:00Z"), ZoneOffset.UTC);

  final HttpClient client = HttpClient.newHttpClient();
  final InMemoryOpportunityStore store = new InMemoryOpportunityStore();
  final Readiness readiness = Readiness.starting();
  Javalin app;

  @BeforeEach
  void start() {
    app =
        HttpApi.create(
            HttpApiConfig.of(List.of(TestSecrets.INTERNAL)),
            HttpApi.UseCases.over(
                store,
                FakeFlowDictionary.loaded(CLOCK.instant()),
                new UpdatePolicy(ZoneId.of("Asia/Shanghai")),
                CLOCK),
            readiness);
    app.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    for (Connector connector : app.jettyServer().server().getConnectors()) {
      if (connector instanceof AbstractConnector c) c.setShutdownIdleTimeout(1);
    }
    app.stop();
  }

  HttpResponse<String> get(String path) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    OpenApiAnswers.assertValid(response);
    return response;
  }

  void assertAnswer(String path, int status, String body) throws Exception {
    HttpResponse<String> response = get(path);
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(body, response.body());
  }

  @Test
  void isNotReadyWhileStartingThenReadyThenNotReadyFromTheStopOnAndAliveThroughout()
      throws Exception {
    assertAnswer("/health/ready", 503, "{\"status\":\"DOWN\",\"reason\":\"starting\"}");
    assertAnswer("/health/live", 200, "{\"status\":\"UP\"}");

    readiness.markServing();
    assertAnswer("/health/ready", 200, "{\"status\":\"UP\"}");
    assertAnswer("/health/live", 200, "{\"status\":\"UP\"}");

    readiness.markStopping();
    assertAnswer("/health/ready", 503, "{\"status\":\"DOWN\",\"reason\":\"stopping\"}");
    assertAnswer("/health/live", 200, "{\"status\":\"UP\"}");
    readiness.markServing(); // a stop is never undone
    assertEquals(Readiness.Phase.STOPPING, readiness.phase());
    assertAnswer("/health/ready", 503, "{\"status\":\"DOWN\",\"reason\":\"stopping\"}");
  }

  @Test
  void isNotReadyWhileTheStoreIsUnusableAndSaysWhyAsHealthDoes() throws Exception {
    readiness.markServing();
    store.cannotWrite("database or disk is full");
    assertAnswer(
        "/health/ready",
        503,
        "{\"status\":\"DOWN\",\"reason\":\"store: database or disk is full\"}");
    assertAnswer("/health/live", 200, "{\"status\":\"UP\"}");
    assertEquals(503, get("/health").statusCode());

    store.canWriteAgain();
    assertAnswer("/health/ready", 200, "{\"status\":\"UP\"}");
    store.breakDown();
    assertAnswer("/health/ready", 503, "{\"status\":\"DOWN\",\"reason\":\"store: unavailable\"}");
  }

  @Test
  void staysReadyWithoutADictionaryBecauseUpdatesWithoutAStageStillWork() throws Exception {
    Javalin other =
        HttpApi.create(
            HttpApiConfig.of(List.of(TestSecrets.INTERNAL)),
            HttpApi.UseCases.over(
                store,
                FakeFlowDictionary.neverLoaded(),
                new UpdatePolicy(ZoneId.of("Asia/Shanghai")),
                CLOCK));
    other.start("127.0.0.1", 0);
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + other.port() + "/health/ready"))
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      OpenApiAnswers.assertValid(response);
      assertEquals(200, response.statusCode(), response.body());
      assertEquals("{\"status\":\"UP\"}", response.body());
    } finally {
      other.stop();
    }
  }
}

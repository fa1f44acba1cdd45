package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.adapter.persistence.SqliteDatabase;
import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.HistoryPage;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.Version;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request hung inside its store transaction (a change that never returns, deaf to interrupts)
 * does not hold the stop beyond the HTTP stop timeout (10 s) + 5 s (the store waits 2.5 s for it),
 * and nothing of it is written, even when it returns afterwards.
 */
class HungRequestStopTest {
  @TempDir Path dir;

  @Test
  void stopsWithinItsBoundPastAHungTransactionAndWritesNothingOfIt() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ServiceHarness harness = new ServiceHarness(dir);
    harness.importLines("{\"opportunityCode\":\"HUNG-1\",\"opportunityName\":\"挂起\"}");
    AppConfig config = AppConfig.load(harness.environment, Optional.empty());
    Server server =
        Server.start(config, Clock.systemUTC(), store -> new HangingStore(store, entered, release));
    CompletableFuture<HttpResponse<String>> hung;
    long started;
    try {
      hung =
          HttpClient.newHttpClient()
              .sendAsync(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + server.port()
                                  + "/api/opportunities/integration/update"))
                      .header("Content-Type", "application/json")
                      .header("X-Internal-Secret", ServiceHarness.SECRET)
                      .PUT(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"opportunityCode\":\"HUNG-1\",\"description\":\"半截\"}",
                              StandardCharsets.UTF_8))
                      .build(),
                  HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertTrue(entered.await(10, TimeUnit.SECONDS), "the request reached its transaction");
      started = System.nanoTime();
    } finally {
      server.stop();
    }
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(tookMillis < 15_000, "the stop took " + tookMillis + " ms");

    release.countDown(); // the change returns after all: its transaction must not commit
    try {
      HttpResponse<String> answer = hung.get(10, TimeUnit.SECONDS);
      assertNotEquals(200, answer.statusCode(), answer.body());
    } catch (java.util.concurrent.ExecutionException connectionClosed) {
      // the server closed the connection: also no acknowledgement
    }
    Thread.sleep(500); // give an abandoned transaction every chance to commit wrongly
    try (SqliteDatabase reopened =
        SqliteDatabase.open(config.dbUrl())) { // quick_check if a -wal was left
      Opportunity stored =
          reopened.opportunityStore().findByCode(new OpportunityCode("HUNG-1")).orElseThrow();
      assertEquals(Version.FIRST, stored.version());
      assertEquals(null, stored.details().description());
    }
  }

  /** Hands every change to the real store wrapped in a wait that ignores interrupts. */
  private record HangingStore(
      OpportunityStore inner, CountDownLatch entered, CountDownLatch release)
      implements OpportunityStore {
    @Override
    public Optional<Opportunity> findByCode(OpportunityCode code) {
      return inner.findByCode(code);
    }

    @Override
    public List<Opportunity> findPage(Optional<OpportunityCode> after, int limit) {
      return inner.findPage(after, limit);
    }

    @Override
    public Opportunity update(
        OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
      return inner.update(code, origin, hung(change));
    }

    /**
     * The path the HTTP adapter takes: no request thread waits, the writer hangs in its
     * transaction.
     */
    @Override
    public CompletionStage<Opportunity> updateLater(
        OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
      return inner.updateLater(code, origin, hung(change));
    }

    @Override
    public Optional<HistoryPage> history(OpportunityCode code, long beforeVersion, int limit) {
      return inner.history(code, beforeVersion, limit);
    }

    @Override
    public int pruneHistory(Instant before, int atMost) {
      return inner.pruneHistory(before, atMost);
    }

    private UnaryOperator<Opportunity> hung(UnaryOperator<Opportunity> change) {
      return current -> {
        entered.countDown();
        while (release.getCount() > 0) {
          try {
            release.await();
          } catch (InterruptedException deaf) {
            // a hung disk does not listen either
          }
        }
        return change.apply(current);
      };
    }

    @Override
    public void importAll(List<NewOpportunity> created, List<Opportunity> updated) {
      inner.importAll(created, updated);
    }

    @Override
    public boolean isAvailable() {
      return inner.isAvailable();
    }
  }
}

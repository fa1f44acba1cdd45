package cn.opportunity.integration.adapter.xiaoman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.Stage;
import cn.opportunity.integration.domain.dictionary.StageKind;
import cn.opportunity.integration.domain.testing.MutableClock;
import cn.opportunity.integration.domain.testing.TestSecrets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against a fake Xiaoman on loopback: grants, token reuse and renewal, faults, poisoned answers. */
class XiaomanClientTest {
  static final List<String> PUBLISHED_FLOW = List.of(FakeXiaomanServer.FLOW_WITH_PUBLISHED_STAGES);

  final FakeXiaomanServer xiaoman = newServer();
  final MutableClock clock = new MutableClock(Instant.parse("2026-04-30T02:00:00Z"));
  final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

  static FakeXiaomanServer newServer() {
    try {
      return new FakeXiaomanServer();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    xiaoman.close();
  }

  XiaomanConfig config(XiaomanConfig.GrantType grant, String clientSecret, Duration requestTimeout) {
    return new XiaomanConfig(xiaoman.baseUrl(), FakeXiaomanServer.CLIENT_ID, clientSecret, grant,
        Optional.of(FakeXiaomanServer.USERNAME), Optional.of(TestSecrets.XIAOMAN_PASSWORD), "opportunity",
        Duration.ofSeconds(2), requestTimeout);
  }

  XiaomanClient client(XiaomanConfig config) {
    return new XiaomanClient(config, XiaomanClient.httpClient(config), clock, sleeps::add, RandomGenerator.getDefault());
  }

  XiaomanClient client() {
    return client(config(XiaomanConfig.GrantType.CLIENT_CREDENTIALS, TestSecrets.XIAOMAN_CLIENT_SECRET, Duration.ofSeconds(5)));
  }

  /** A failure's message names the call and never a secret, the password, its digest or a token. */
  static XiaomanException assertFails(XiaomanException.Kind kind, Runnable call) {
    XiaomanException e = assertThrows(XiaomanException.class, call::run);
    assertEquals(kind, e.kind(), e.getMessage());
    for (String secret : TestSecrets.ALL.values()) {
      assertFalse(e.getMessage().contains(secret), "the message shows a secret");
    }
    return e;
  }

  @Test
  void readsThePublishedFlowItsStagesAndTheLostReasons() {
    DictionarySnapshot snapshot = client().fetchDictionary(PUBLISHED_FLOW);
    assertEquals(1, snapshot.flows().size());
    assertEquals("2019第四季度", snapshot.flows().get(0).name());
    assertEquals(8, snapshot.enabledStageCount());
    Stage won = snapshot.resolveStage("1101060278").orElseThrow();
    assertEquals("赢单", won.name());
    assertEquals(StageKind.WON, won.kind());
    assertEquals(StageKind.LOST, snapshot.resolveStage("输单").orElseThrow().kind());
    assertEquals(StageKind.IN_PROGRESS, snapshot.resolveStage("开发(1)").orElseThrow().kind());
    assertEquals(5, snapshot.lostReasons().size());
    assertEquals("产品质量", snapshot.lostReasons().get(0).name());
    assertEquals(clock.instant(), snapshot.loadedAt());
    assertEquals(1, xiaoman.tokenRequests.get());
  }

  @Test
  void takesEveryUsableFlowWhenNoneIsConfigured() {
    DictionarySnapshot snapshot = client().fetchDictionary(List.of());
    assertEquals(9, snapshot.flows().size());
    assertTrue(snapshot.resolveStage("赢单").isEmpty(), "a name shared by several flows names no stage");
  }

  @Test
  void sendsTheDigestOfThePasswordForThePasswordGrant() {
    client(config(XiaomanConfig.GrantType.PASSWORD, TestSecrets.XIAOMAN_CLIENT_SECRET, Duration.ofSeconds(5)))
        .fetchDictionary(PUBLISHED_FLOW);
    assertEquals(1, xiaoman.tokenRequests.get());
    assertEquals(1, xiaoman.issuedRefreshTokens.size());
  }

  @Test
  void reusesTheTokenAcrossReloads() {
    XiaomanClient client = client();
    client.fetchDictionary(PUBLISHED_FLOW);
    clock.advance(Duration.ofHours(7));
    client.fetchDictionary(PUBLISHED_FLOW);
    assertEquals(1, xiaoman.tokenRequests.get());
    clock.advance(Duration.ofMinutes(56));   // 8 h less 4 min: within the renewal margin
    client.fetchDictionary(PUBLISHED_FLOW);
    assertEquals(2, xiaoman.tokenRequests.get());
  }

  @Test
  void renewsAnExpiringTokenWithItsRefreshToken() {
    xiaoman.expiresIn = 3600;
    XiaomanClient client = client(config(XiaomanConfig.GrantType.PASSWORD, TestSecrets.XIAOMAN_CLIENT_SECRET, Duration.ofSeconds(5)));
    client.fetchDictionary(PUBLISHED_FLOW);
    clock.advance(Duration.ofMinutes(56));
    client.fetchDictionary(PUBLISHED_FLOW);
    assertEquals(1, xiaoman.tokenRequests.get());
    assertEquals(1, xiaoman.refreshRequests.get());
  }

  @Test
  void asksForANewGrantWhenTheRefreshTokenIsRevoked() {
    xiaoman.expiresIn = 3600;
    xiaoman.refuseRefresh = true;
    XiaomanClient client = client(config(XiaomanConfig.GrantType.PASSWORD, TestSecrets.XIAOMAN_CLIENT_SECRET, Duration.ofSeconds(5)));
    client.fetchDictionary(PUBLISHED_FLOW);
    clock.advance(Duration.ofHours(1));
    client.fetchDictionary(PUBLISHED_FLOW);
    assertEquals(1, xiaoman.refreshRequests.get());
    assertEquals(2, xiaoman.tokenRequests.get());
  }

  @Test
  void retriesACallOnceWithANewTokenAfterA401() {
    XiaomanClient client = client();
    client.fetchDictionary(PUBLISHED_FLOW);
    int calls = xiaoman.dataRequests.get();
    xiaoman.revokeTokens();
    client.fetchDictionary(PUBLISHED_FLOW);
    assertEquals(2, xiaoman.tokenRequests.get(), "one 401 costs one token request");
    assertEquals(calls + 1, xiaoman.dataRequests.get() - calls, "and one retried call");
  }

  @Test
  void surfacesTwoRefusedTokensInARowInsteadOfLooping() {
    xiaoman.nextDataStatuses.addAll(List.of(401, 401));
    XiaomanException e = assertFails(XiaomanException.Kind.AUTHENTICATION, () -> client().fetchDictionary(PUBLISHED_FLOW));
    assertTrue(e.getMessage().contains("field=sales_flow"), e.getMessage());
    assertEquals(2, xiaoman.dataRequests.get());
    assertEquals(2, xiaoman.tokenRequests.get());
  }

  @Test
  void reportsAnInvalidClientWithXiaomansMessageButNotTheSecret() {
    XiaomanException e = assertFails(XiaomanException.Kind.AUTHENTICATION,
        () -> client(config(XiaomanConfig.GrantType.CLIENT_CREDENTIALS, TestSecrets.WRONG_XIAOMAN_CLIENT_SECRET, Duration.ofSeconds(5)))
            .fetchDictionary(PUBLISHED_FLOW));
    assertTrue(e.getMessage().contains("Client authentication failed"), e.getMessage());
    assertFalse(e.getMessage().contains(TestSecrets.WRONG_XIAOMAN_CLIENT_SECRET));
    assertEquals(1, xiaoman.tokenRequests.get(), "a 400 is never retried");
  }

  @Test
  void retriesServerErrorsAtMostTwiceWithJitter() {
    XiaomanClient client = client();
    xiaoman.nextDataStatuses.addAll(List.of(503, 502));
    client.fetchDictionary(PUBLISHED_FLOW);
    assertEquals(2, sleeps.size());
    assertTrue(sleeps.stream().allMatch(d -> !d.isZero() && d.compareTo(XiaomanHttp.BACKOFF_CAP) <= 0), sleeps.toString());
    int before = xiaoman.dataRequests.get();
    xiaoman.nextDataStatuses.addAll(List.of(503, 503, 503));
    assertFails(XiaomanException.Kind.UNAVAILABLE, () -> client.fetchDictionary(PUBLISHED_FLOW));
    assertEquals(3, xiaoman.dataRequests.get() - before);
  }

  @Test
  void neverRetriesA400A403OrA404() {
    for (int status : new int[] {400, 403, 404}) {
      int before = xiaoman.dataRequests.get();
      xiaoman.nextDataStatuses.add(status);
      assertFails(XiaomanException.Kind.REJECTED, () -> client().fetchDictionary(PUBLISHED_FLOW));
      assertEquals(1, xiaoman.dataRequests.get() - before, "status " + status);
    }
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void honoursRetryAfterUpToACap() {
    xiaoman.retryAfter = "5";
    xiaoman.nextDataStatuses.add(429);
    client().fetchDictionary(PUBLISHED_FLOW);
    assertEquals(List.of(Duration.ofSeconds(5)), sleeps);
    xiaoman.retryAfter = "3600";
    xiaoman.nextDataStatuses.add(503);
    int before = xiaoman.dataRequests.get();
    assertFails(XiaomanException.Kind.UNAVAILABLE, () -> client().fetchDictionary(PUBLISHED_FLOW));
    assertEquals(1, xiaoman.dataRequests.get() - before, "a wait beyond the cap is not waited");
  }

  @Test
  void endsEachAttemptOnAStalledServerWithinTheRequestTimeout() {
    xiaoman.dataDelayMillis = 3_000;
    long started = System.nanoTime();
    assertFails(XiaomanException.Kind.UNAVAILABLE,
        () -> client(config(XiaomanConfig.GrantType.CLIENT_CREDENTIALS, TestSecrets.XIAOMAN_CLIENT_SECRET, Duration.ofMillis(300)))
            .fetchDictionary(PUBLISHED_FLOW));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals(3, xiaoman.dataRequests.get());
    assertTrue(millis < 3 * 300 + 1_000, "three attempts of 300 ms took " + millis + " ms");
  }

  /**
   * Xiaoman crawls: every answer comes just inside the timeout, and each call succeeds only at its
   * third attempt. Call by call, nothing is wrong; the reload as a whole would take about 9 × 450 ms
   * plus waits, so it ends at its bound (four request timeouts), give or take a second.
   */
  @Test
  void endsAWholeReloadWithinItsBoundWhenEveryCallIsSlowAndRetried() {
    Duration timeout = Duration.ofMillis(500);
    XiaomanConfig config = config(XiaomanConfig.GrantType.CLIENT_CREDENTIALS, TestSecrets.XIAOMAN_CLIENT_SECRET, timeout);
    XiaomanClient client = new XiaomanClient(config, XiaomanClient.httpClient(config), clock,
        wait -> Thread.sleep(wait.toMillis()), RandomGenerator.getDefault());   // real waits: they count
    xiaoman.dataDelayMillis = 450;
    for (int call = 0; call < 3; call++) xiaoman.nextDataStatuses.addAll(List.of(503, 503, 200));
    long started = System.nanoTime();
    XiaomanException e = assertFails(XiaomanException.Kind.UNAVAILABLE, () -> client.fetchDictionary(PUBLISHED_FLOW));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals(Duration.ofSeconds(2), config.reloadBound());
    assertTrue(millis < config.reloadBound().toMillis() + 1_000, "the reload took " + millis + " ms: " + e.getMessage());
    assertTrue(e.getMessage().contains("time is up") || e.getMessage().contains("within the timeout"), e.getMessage());
  }

  @Test
  void rejectsPoisonedAnswers() {
    String flowsOk = FakeXiaomanServer.fixture("selector-sales_flow.json");
    List<String> poisoned = List.of(
        "{\"code\":200,\"data\":[]}",                                                     // no flow
        "not json at all",
        "{\"code\":200,\"data\":{}}",
        "{\"code\":200,\"data\":[{\"name\":\"no id\",\"enable_flag\":1,\"disable_flag\":0}]}",
        "{\"code\":500,\"message\":\"数据库错误\"}",
        "{\"code\":200,\"data\":[" + "{\"flow_id\":1,\"name\":\"" + "x".repeat(1_100_000) + "\"}]}");
    for (String body : poisoned) {
      xiaoman.nextDataBodies.add(body);
      assertFails(XiaomanException.Kind.REJECTED, () -> client().fetchDictionary(List.of()));
    }
    for (String stages : List.of(
        "{\"code\":200,\"data\":[]}",
        "{\"code\":200,\"data\":[{\"stage_name\":\"无编号\",\"type\":1,\"enable_flag\":1}]}",
        "{\"code\":200,\"data\":[{\"stage_id\":7,\"stage_name\":\"怪\",\"type\":9,\"enable_flag\":1}]}",
        "{\"code\":200,\"data\":[{\"stage_id\":7,\"stage_name\":\"甲\",\"type\":1,\"enable_flag\":1},"
            + "{\"stage_id\":\"7\",\"stage_name\":\"乙\",\"type\":2,\"enable_flag\":1}]}")) {
      xiaoman.nextDataBodies.addAll(List.of(flowsOk, stages));
      assertFails(XiaomanException.Kind.REJECTED, () -> client().fetchDictionary(PUBLISHED_FLOW));
    }
    xiaoman.nextDataStatuses.add(302);
    assertFails(XiaomanException.Kind.REJECTED, () -> client().fetchDictionary(PUBLISHED_FLOW));
  }

  /** Stage ids and names are trimmed as the domain trims sent values, so that the two still meet. */
  @Test
  void trimsNoBreakSpacesAroundStageIdsAndNames() {
    xiaoman.nextDataBodies.addAll(List.of(FakeXiaomanServer.fixture("selector-sales_flow.json"),
        "{\"code\":200,\"data\":[{\"stage_id\":\"\\u00A07\\uFEFF\",\"stage_name\":\"\\u202F方案\\u00A0交流\\u00A0\","
            + "\"type\":1,\"enable_flag\":1}]}"));
    DictionarySnapshot snapshot = client().fetchDictionary(PUBLISHED_FLOW);
    Stage stage = snapshot.resolveStage("7").orElseThrow();
    assertEquals("方案\u00A0交流", stage.name());
    assertEquals(Optional.of(stage), snapshot.resolveStage("方案\u00A0交流"));
  }

  /** A name of only no-break spaces is no name: the answer is read as if the member were missing. */
  @Test
  void readsAStageNameOfOnlyNoBreakSpacesAsMissing() {
    String blankName = "\"stage_name\":\"\\u00A0\\u2007\\uFEFF\",";
    String stages = "{\"code\":200,\"data\":[{\"stage_id\":8,\"stage_name\":\"立项\",\"type\":1,\"enable_flag\":1},"
        + "{\"stage_id\":9,%s\"type\":1,\"enable_flag\":1}]}";
    assertEquals(outcome(String.format(stages, "")), outcome(String.format(stages, blankName)));
  }

  /** What a reload of the published flow with these stages comes to: the stages read, or the refusal. */
  private String outcome(String stages) {
    xiaoman.nextDataBodies.addAll(List.of(FakeXiaomanServer.fixture("selector-sales_flow.json"), stages));
    try {
      return client().fetchDictionary(PUBLISHED_FLOW).flows().toString();
    } catch (XiaomanException e) {
      return e.kind() + ": " + e.getMessage();
    }
  }

  /** 50 callers that all find the token expired cause exactly one more token request. */
  @Test
  void letsOneTokenRequestServeManyWaitingCallers() throws Exception {
    XiaomanConfig config = config(XiaomanConfig.GrantType.CLIENT_CREDENTIALS, TestSecrets.XIAOMAN_CLIENT_SECRET, Duration.ofSeconds(5));
    XiaomanTokens tokens = new XiaomanTokens(config,
        new XiaomanHttp(XiaomanClient.httpClient(config), sleeps::add, RandomGenerator.getDefault()), clock);
    XiaomanHttp.Deadline deadline = XiaomanHttp.Deadline.after(Duration.ofSeconds(20));
    assertEquals(TestSecrets.ACCESS_TOKEN_STEM + "1", tokens.token(deadline));
    clock.advance(Duration.ofHours(8));   // expired
    ExecutorService pool = Executors.newFixedThreadPool(50);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<String>> callers = new ArrayList<>();
      for (int i = 0; i < 50; i++) callers.add(pool.submit(() -> {
        start.await();
        return tokens.token(deadline);
      }));
      start.countDown();
      for (Future<String> caller : callers) assertEquals(TestSecrets.ACCESS_TOKEN_STEM + "2", caller.get(10, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, xiaoman.tokenRequests.get());
  }
}

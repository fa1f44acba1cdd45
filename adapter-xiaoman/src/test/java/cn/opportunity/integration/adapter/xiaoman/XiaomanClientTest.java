package cn.opportunity.integration.adapter.xiaoman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.LostReason;
import cn.opportunity.integration.domain.dictionary.SalesFlow;
import cn.opportunity.integration.domain.dictionary.Stage;
import cn.opportunity.integration.domain.dictionary.StageKind;
import cn.opportunity.integration.domain.testing.MutableClock;
import cn.opportunity.integration.domain.testing.TestSecrets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a fake Xiaoman on loopback: grants, token reuse and renewal, faults, poisoned
 * answers.
 */
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

  XiaomanConfig config(
      XiaomanConfig.GrantType grant, String clientSecret, Duration requestTimeout) {
    return new XiaomanConfig(
        xiaoman.baseUrl(),
        FakeXiaomanServer.CLIENT_ID,
        clientSecret,
        grant,
        Optional.of(FakeXiaomanServer.USERNAME),
        Optional.of(TestSecrets.XIAOMAN_PASSWORD),
        "opportunity",
        Duration.ofSeconds(2),
        requestTimeout);
  }

  XiaomanClient client(XiaomanConfig config) {
    return new XiaomanClient(
        config, XiaomanClient.httpClient(config), clock, sleeps::add, RandomGenerator.getDefault());
  }

  XiaomanClient client() {
    return client(
        config(
            XiaomanConfig.GrantType.CLIENT_CREDENTIALS,
            TestSecrets.XIAOMAN_CLIENT_SECRET,
            Duration.ofSeconds(5)));
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
    assertEquals(
        List.of(
            new LostReason("1101043686", "产品质量", true),
            new LostReason("1101043685", "客户关系", true),
            new LostReason("1126283152", "sandbox", true),
            new LostReason("3421479132", "物流问题", true),
            new LostReason("3421479652", "竞对询价", true)),
        snapshot.lostReasons(),
        "reason_id as text, name, enable_flag 1: the published fail_reason in its order");
    assertEquals("3421479132", snapshot.resolveLostReason("物流问题").orElseThrow().id());
    assertEquals(clock.instant(), snapshot.loadedAt());
    assertEquals(1, xiaoman.tokenRequests.get());
  }

  /** The seven published flows without stages, in the order of the published sales_flow. */
  static final List<String> FLOWS_WITHOUT_STAGES =
      List.of(
          "flow 3376272743 (test1): no stages",
          "flow 1101043671 (默认销售流程ppo): no stages",
          "flow 3393002828 (以定金到账计算业绩): no stages",
          "flow 3393007163 (以定金到账计算业绩1): no stages",
          "flow 3393008614 (以定金到账计算业绩3): no stages",
          "flow 3474496034 (customer0130（sharon）): no stages",
          "flow 3420459094 (kevin必填校验): no stages");

  /**
   * The published sales_flow as it is: nine usable flows, stages for two; the others are skipped,
   * not fatal.
   */
  @Test
  void loadsTheFlowsThatHaveStagesAndSkipsTheOthers() {
    DictionarySnapshot snapshot = client().fetchDictionary(List.of());
    assertEquals(
        List.of(
            FakeXiaomanServer.FLOW_WITH_PUBLISHED_STAGES,
            FakeXiaomanServer.FLOW_WITH_MADE_UP_STAGES),
        snapshot.flows().stream().map(SalesFlow::id).toList());
    assertEquals(8 + 2, snapshot.enabledStageCount());
    assertEquals(StageKind.WON, snapshot.resolveStage("1101060278").orElseThrow().kind());
    assertEquals(StageKind.IN_PROGRESS, snapshot.resolveStage("30714996261").orElseThrow().kind());
    assertTrue(
        snapshot.resolveStage("赢单").isEmpty(), "a name shared by several flows names no stage");
    assertEquals(FLOWS_WITHOUT_STAGES, snapshot.skipped());
    assertEquals(5, snapshot.lostReasons().size());
  }

  @Test
  void keepsTheGoodStagesOfAFlowWithBadOnes() {
    xiaoman.stageLists.put(
        FakeXiaomanServer.FLOW_WITH_PUBLISHED_STAGES,
        "{\"code\":200,\"data\":["
            + "{\"stage_id\":11,\"stage_name\":\"开发\",\"type\":1,\"rank\":1,\"enable_flag\":1},"
            + "{\"stage_id\":12,\"stage_name\":\"怪\",\"type\":9,\"enable_flag\":1},"
            + "{\"stage_id\":13,\"stage_name\":\"无类型\",\"enable_flag\":1},"
            + "{\"stage_id\":14,\"stage_name\":\"空类型\",\"type\":null,\"enable_flag\":1},"
            + "{\"stage_id\":15,\"stage_name\":\"字\",\"type\":\"won\",\"enable_flag\":1},"
            + "{\"stage_id\":16,\"stage_name\":\"溢出\",\"type\":4294967298,\"enable_flag\":1}," // 2
            // +
            // 2^32: not 2
            + "{\"stage_name\":\"无编号\",\"type\":1,\"enable_flag\":1},"
            + "{\"stage_id\":18,\"stage_name\":\"  \",\"type\":1,\"enable_flag\":1},"
            + "42,"
            + "{\"stage_id\":\"19\",\"name\":\"赢\",\"type\":\"2\",\"rank\":2,\"enable_flag\":1}]}");
    DictionarySnapshot snapshot = client().fetchDictionary(PUBLISHED_FLOW);
    SalesFlow flow = snapshot.flows().get(0);
    assertEquals(
        List.of("11", "19"), flow.stages().stream().map(stage -> stage.code().value()).toList());
    assertEquals(StageKind.WON, snapshot.resolveStage("赢").orElseThrow().kind());
    assertEquals(
        List.of(
            "stage 12 of flow 1101060263: unknown type 9",
            "stage 13 of flow 1101060263: no type",
            "stage 14 of flow 1101060263: no type",
            "stage 15 of flow 1101060263: unknown type \"won\"",
            "stage 16 of flow 1101060263: unknown type 4294967298",
            "stage #7 (无编号) of flow 1101060263: no stage_id",
            "stage 18 of flow 1101060263: no stage_name",
            "stage #9 of flow 1101060263: no stage_id"),
        snapshot.skipped());
  }

  /**
   * A stage's code names one stage. Listed twice — in one flow or in two — it could be either, so
   * neither is taken (an update naming it gets 400), and a flow left with no stage is skipped too.
   */
  @Test
  void takesNoStageWhoseIdIsListedTwice() {
    xiaoman.stageLists.put(
        FakeXiaomanServer.FLOW_WITH_PUBLISHED_STAGES,
        "{\"code\":200,\"data\":["
            + "{\"stage_id\":7,\"stage_name\":\"甲\",\"type\":1,\"enable_flag\":1},"
            + "{\"stage_id\":\"7\",\"stage_name\":\"乙\",\"type\":2,\"enable_flag\":1},"
            + "{\"stage_id\":8,\"stage_name\":\"丙\",\"type\":2,\"enable_flag\":1},"
            + "{\"stage_id\":9,\"stage_name\":\"丁\",\"type\":1,\"enable_flag\":1}]}");
    xiaoman.stageLists.put(
        FakeXiaomanServer.FLOW_WITH_MADE_UP_STAGES,
        "{\"code\":200,\"data\":["
            + "{\"stage_id\":8,\"stage_name\":\"丙\",\"type\":3,\"enable_flag\":0},"
            + "{\"stage_id\":10,\"stage_name\":\"戊\",\"type\":1,\"enable_flag\":1}]}");
    xiaoman.stageLists.put(
        FakeXiaomanServer.FLOW_TEST1,
        "{\"code\":200,\"data\":["
            + "{\"stage_id\":8,\"stage_name\":\"丙\",\"type\":2,\"enable_flag\":1}]}");
    DictionarySnapshot snapshot = client().fetchDictionary(List.of());
    assertEquals(
        List.of(List.of("9"), List.of("10")),
        snapshot.flows().stream()
            .map(flow -> flow.stages().stream().map(stage -> stage.code().value()).toList())
            .toList());
    for (String gone : List.of("7", "8", "甲", "乙", "丙"))
      assertTrue(snapshot.resolveStage(gone).isEmpty(), gone);
    assertEquals(
        List.of(
            "stage 7: listed 2 times (flows 1101060263, 1101060263)",
            "stage 8: listed 3 times (flows 1101060263, 3071499626, 3376272743)",
            "flow 3376272743 (test1): no usable stage"),
        snapshot.skipped().stream().filter(item -> !item.endsWith("no stages")).toList());
  }

  @Test
  void skipsFlowsWithoutIdOrNameAndFlowsListedTwice() {
    xiaoman.nextDataBodies.add(
        "{\"code\":200,\"data\":["
            + "{\"name\":\"无编号\",\"enable_flag\":1,\"disable_flag\":0},"
            + "{\"flow_id\":1101060263,\"enable_flag\":1,\"disable_flag\":0},"
            + "{\"flow_id\":3071499626,\"name\":\"外贸\",\"enable_flag\":1,\"disable_flag\":0},"
            + "{\"flow_id\":\"3071499626\",\"name\":\"外贸又一次\",\"enable_flag\":1,\"disable_flag\":0},"
            + "{\"flow_id\":3376272743,\"enable_flag\":1,\"disable_flag\":1}," // not usable: not a
            // fault
            + "{\"flow_id\":3393002828,\"enable_flag\":0,\"disable_flag\":0},"
            + "\"noise\"]}");
    DictionarySnapshot snapshot = client().fetchDictionary(List.of());
    assertEquals(List.of("3071499626"), snapshot.flows().stream().map(SalesFlow::id).toList());
    assertEquals("外贸", snapshot.flows().get(0).name());
    assertEquals(
        List.of(
            "flow #1 (无编号) of sales_flow: no flow_id",
            "flow 1101060263: no name",
            "flow 3071499626 (外贸又一次): listed twice"),
        snapshot.skipped());
    assertEquals(1 + 1 + 1, xiaoman.dataRequests.get(), "sales_flow, one stage_list, fail_reason");
  }

  @Test
  void skipsLostReasonsWithoutIdOrNameAndOnesListedTwice() {
    xiaoman.nextDataBodies.addAll(
        List.of(
            FakeXiaomanServer.fixture("selector-sales_flow.json"),
            FakeXiaomanServer.fixture("selector-stage_list-1101060263.json"),
            "{\"code\":200,\"data\":["
                + "{\"reason_id\":1,\"name\":\"价格\",\"enable_flag\":1},"
                + "{\"name\":\"无编号\",\"enable_flag\":1},"
                + "{\"reason_id\":2,\"enable_flag\":1},"
                + "{\"reason_id\":3,\"name\":\"甲\",\"enable_flag\":1},"
                + "{\"reason_id\":\"3\",\"name\":\"乙\",\"enable_flag\":1},"
                + "{\"reason_id\":4,\"name\":\" \",\"enable_flag\":0},"
                + "{\"reason_id\":5,\"name\":\"停用\",\"enable_flag\":0},"
                + "{\"reason_id\":6,\"name\":\"无标记\"}]}"));
    DictionarySnapshot snapshot = client().fetchDictionary(PUBLISHED_FLOW);
    assertEquals(
        List.of(
            new LostReason("1", "价格", true),
            new LostReason("5", "停用", false),
            new LostReason("6", "无标记", true)),
        snapshot.lostReasons());
    assertTrue(snapshot.resolveLostReason("5").isEmpty(), "enable_flag 0: disabled");
    assertEquals(8, snapshot.enabledStageCount());
    assertEquals(
        List.of(
            "lost reason #2 (无编号) of fail_reason: no reason_id",
            "lost reason 2: no name",
            "lost reason 4: no name",
            "lost reason 3: listed 2 times"),
        snapshot.skipped());
  }

  /**
   * XIAOMAN_FLOW_IDS: a named flow without stages, or one sales_flow does not list, is skipped like
   * the rest.
   */
  @Test
  void skipsConfiguredFlowsWithoutStagesOrMissingFromSalesFlow() {
    DictionarySnapshot snapshot =
        client()
            .fetchDictionary(
                List.of(
                    FakeXiaomanServer.FLOW_WITH_PUBLISHED_STAGES,
                    FakeXiaomanServer.FLOW_TEST1,
                    "999",
                    FakeXiaomanServer.FLOW_TEST1));
    assertEquals(PUBLISHED_FLOW, snapshot.flows().stream().map(SalesFlow::id).toList());
    assertEquals(
        List.of(
            "flow 999: not in sales_flow (XIAOMAN_FLOW_IDS)", "flow 3376272743 (test1): no stages"),
        snapshot.skipped());
    XiaomanException none =
        assertFails(
            XiaomanException.Kind.REJECTED, () -> client().fetchDictionary(List.of("999", "998")));
    assertTrue(
        none.getMessage().contains("none of the flows of XIAOMAN_FLOW_IDS"), none.getMessage());
    assertTrue(none.getMessage().contains("flow 999: not in sales_flow"), none.getMessage());
    XiaomanException empty =
        assertFails(
            XiaomanException.Kind.REJECTED,
            () -> client().fetchDictionary(List.of(FakeXiaomanServer.FLOW_TEST1)));
    assertTrue(empty.getMessage().contains("no flow has an enabled stage"), empty.getMessage());
  }

  /**
   * What Xiaoman sends is quoted in /health: cut short, and at most fifty items with a count of the
   * rest.
   */
  @Test
  void keepsTheSkippedListShort() {
    StringBuilder stages =
        new StringBuilder(
            "{\"code\":200,\"data\":[{\"stage_id\":1,\"stage_name\":\"好\",\"type\":1,\"enable_flag\":1}");
    stages
        .append(",{\"stage_id\":\"")
        .append("长".repeat(100))
        .append("\",\"stage_name\":\"长\",\"type\":9}");
    for (int i = 0; i < 119; i++)
      stages.append(",{\"stage_id\":").append(100 + i).append(",\"stage_name\":\"坏\"}");
    xiaoman.stageLists.put(
        FakeXiaomanServer.FLOW_WITH_PUBLISHED_STAGES, stages.append("]}").toString());
    List<String> skipped = client().fetchDictionary(PUBLISHED_FLOW).skipped();
    assertEquals(XiaomanClient.MAX_SKIPPED_LISTED + 1, skipped.size());
    assertEquals(
        "stage "
            + "长".repeat(XiaomanClient.MAX_SHOWN_CHARS)
            + "… of flow 1101060263: unknown type 9",
        skipped.get(0));
    assertEquals("stage 100 of flow 1101060263: no type", skipped.get(1));
    assertEquals("… and 70 more", skipped.get(XiaomanClient.MAX_SKIPPED_LISTED));
  }

  @Test
  void sendsTheDigestOfThePasswordForThePasswordGrant() {
    client(
            config(
                XiaomanConfig.GrantType.PASSWORD,
                TestSecrets.XIAOMAN_CLIENT_SECRET,
                Duration.ofSeconds(5)))
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
    clock.advance(Duration.ofMinutes(56)); // 8 h less 4 min: within the renewal margin
    client.fetchDictionary(PUBLISHED_FLOW);
    assertEquals(2, xiaoman.tokenRequests.get());
  }

  @Test
  void renewsAnExpiringTokenWithItsRefreshToken() {
    xiaoman.expiresIn = 3600;
    XiaomanClient client =
        client(
            config(
                XiaomanConfig.GrantType.PASSWORD,
                TestSecrets.XIAOMAN_CLIENT_SECRET,
                Duration.ofSeconds(5)));
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
    XiaomanClient client =
        client(
            config(
                XiaomanConfig.GrantType.PASSWORD,
                TestSecrets.XIAOMAN_CLIENT_SECRET,
                Duration.ofSeconds(5)));
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
    XiaomanException e =
        assertFails(
            XiaomanException.Kind.AUTHENTICATION, () -> client().fetchDictionary(PUBLISHED_FLOW));
    assertTrue(e.getMessage().contains("field=sales_flow"), e.getMessage());
    assertEquals(2, xiaoman.dataRequests.get());
    assertEquals(2, xiaoman.tokenRequests.get());
  }

  @Test
  void reportsAnInvalidClientWithXiaomansMessageButNotTheSecret() {
    XiaomanException e =
        assertFails(
            XiaomanException.Kind.AUTHENTICATION,
            () ->
                client(
                        config(
                            XiaomanConfig.GrantType.CLIENT_CREDENTIALS,
                            TestSecrets.WRONG_XIAOMAN_CLIENT_SECRET,
                            Duration.ofSeconds(5)))
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
    assertTrue(
        sleeps.stream().allMatch(d -> !d.isZero() && d.compareTo(XiaomanHttp.BACKOFF_CAP) <= 0),
        sleeps.toString());
    int before = xiaoman.dataRequests.get();
    xiaoman.nextDataStatuses.addAll(List.of(503, 503, 503));
    assertFails(XiaomanException.Kind.UNAVAILABLE, () -> client.fetchDictionary(PUBLISHED_FLOW));
    assertEquals(3, xiaoman.dataRequests.get() - before);
  }

  @Test
  void countsEachExchangeByItsOutcomeRetriesIncluded() {
    XiaomanClient client = client();
    xiaoman.nextDataStatuses.addAll(List.of(503, 429, 401));
    client.fetchDictionary(PUBLISHED_FLOW);
    int exchanges = xiaoman.dataRequests.get() + xiaoman.tokenRequests.get();
    assertEquals(1, client.calls(XiaomanClient.CallOutcome.SERVER_ERROR));
    assertEquals(1, client.calls(XiaomanClient.CallOutcome.THROTTLED));
    assertEquals(1, client.calls(XiaomanClient.CallOutcome.REFUSED), "the refused token");
    assertEquals(exchanges - 3, client.calls(XiaomanClient.CallOutcome.SUCCESS));
    assertEquals(0, client.calls(XiaomanClient.CallOutcome.TIMEOUT));
    assertEquals(0, client.calls(XiaomanClient.CallOutcome.UNREACHABLE));
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
    assertFails(
        XiaomanException.Kind.UNAVAILABLE,
        () ->
            client(
                    config(
                        XiaomanConfig.GrantType.CLIENT_CREDENTIALS,
                        TestSecrets.XIAOMAN_CLIENT_SECRET,
                        Duration.ofMillis(300)))
                .fetchDictionary(PUBLISHED_FLOW));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals(3, xiaoman.dataRequests.get());
    assertTrue(millis < 3 * 300 + 1_000, "three attempts of 300 ms took " + millis + " ms");
  }

  /**
   * Xiaoman crawls: every answer comes just inside the timeout, and each call succeeds only at its
   * third attempt. Call by call, nothing is wrong; the reload as a whole would take about 9 × 450
   * ms plus waits, so it ends at its bound (four request timeouts), give or take a second.
   */
  @Test
  void endsAWholeReloadWithinItsBoundWhenEveryCallIsSlowAndRetried() {
    Duration timeout = Duration.ofMillis(500);
    XiaomanConfig config =
        config(
            XiaomanConfig.GrantType.CLIENT_CREDENTIALS, TestSecrets.XIAOMAN_CLIENT_SECRET, timeout);
    XiaomanClient client =
        new XiaomanClient(
            config,
            XiaomanClient.httpClient(config),
            clock,
            wait -> Thread.sleep(wait.toMillis()),
            RandomGenerator.getDefault()); // real waits: they count
    xiaoman.dataDelayMillis = 450;
    for (int call = 0; call < 3; call++) xiaoman.nextDataStatuses.addAll(List.of(503, 503, 200));
    long started = System.nanoTime();
    XiaomanException e =
        assertFails(
            XiaomanException.Kind.UNAVAILABLE, () -> client.fetchDictionary(PUBLISHED_FLOW));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals(Duration.ofSeconds(2), config.reloadBound());
    assertTrue(
        millis < config.reloadBound().toMillis() + 1_000,
        "the reload took " + millis + " ms: " + e.getMessage());
    // Which failure is reported last (the bound, a timeout, or the 503 of an attempt that the bound
    // left no time to retry) depends on the machine's load: the bound on the duration is the rule.
  }

  /** An answer unusable as a whole is refused whole: the caller keeps the snapshot it has. */
  @Test
  void refusesAnAnswerThatIsUnusableAsAWhole() {
    String flowsOk = FakeXiaomanServer.fixture("selector-sales_flow.json");
    String stagesOk = FakeXiaomanServer.fixture("selector-stage_list-1101060263.json");
    Map<String, List<String>> poisoned = new LinkedHashMap<>();
    poisoned.put("no flow", List.of("{\"code\":200,\"data\":[]}"));
    poisoned.put("not JSON", List.of("not json at all"));
    poisoned.put("data not a list", List.of("{\"code\":200,\"data\":{}}"));
    poisoned.put(
        "its only flow without id",
        List.of(
            "{\"code\":200,\"data\":[{\"name\":\"no id\",\"enable_flag\":1,\"disable_flag\":0}]}"));
    poisoned.put("an error code", List.of("{\"code\":500,\"message\":\"数据库错误\"}"));
    poisoned.put(
        "over 1 MiB",
        List.of(
            "{\"code\":200,\"data\":["
                + "{\"flow_id\":1,\"name\":\""
                + "x".repeat(1_100_000)
                + "\"}]}"));
    poisoned.put(
        "a stage list with an error code",
        List.of(flowsOk, "{\"code\":404,\"message\":\"flow not found\"}"));
    poisoned.put("a stage list not a list", List.of(flowsOk, "{\"code\":200,\"data\":\"none\"}"));
    poisoned.put("a stage list not JSON", List.of(flowsOk, "<html>"));
    poisoned.put(
        "lost reasons with an error code",
        List.of(flowsOk, stagesOk, "{\"code\":403,\"message\":\"no permission\"}"));
    poisoned.put("its only flow without stages", List.of(flowsOk, "{\"code\":200,\"data\":[]}"));
    poisoned.put(
        "its only flow with no stage left",
        List.of(
            flowsOk,
            "{\"code\":200,\"data\":[{\"stage_id\":7,\"stage_name\":\"甲\",\"type\":1,\"enable_flag\":1},"
                + "{\"stage_id\":\"7\",\"stage_name\":\"乙\",\"type\":2,\"enable_flag\":1},"
                + "{\"stage_id\":8,\"stage_name\":\"怪\",\"type\":9,\"enable_flag\":1}]}"));
    poisoned.put(
        "no enabled stage",
        List.of(
            flowsOk,
            "{\"code\":200,\"data\":[{\"stage_id\":7,\"stage_name\":\"甲\",\"type\":1,\"enable_flag\":0}]}"));
    poisoned.forEach(
        (what, bodies) -> {
          xiaoman.nextDataBodies.clear();
          xiaoman.nextDataBodies.addAll(bodies);
          XiaomanException e =
              assertThrows(
                  XiaomanException.class, () -> client().fetchDictionary(PUBLISHED_FLOW), what);
          assertEquals(XiaomanException.Kind.REJECTED, e.kind(), what + ": " + e.getMessage());
        });
    xiaoman.nextDataStatuses.add(302);
    assertFails(XiaomanException.Kind.REJECTED, () -> client().fetchDictionary(PUBLISHED_FLOW));
  }

  /**
   * Stage ids and names are trimmed as the domain trims sent values, so that the two still meet.
   */
  @Test
  void trimsNoBreakSpacesAroundStageIdsAndNames() {
    xiaoman.nextDataBodies.addAll(
        List.of(
            FakeXiaomanServer.fixture("selector-sales_flow.json"),
            "{\"code\":200,\"data\":[{\"stage_id\":\"\\u00A07\\uFEFF\",\"stage_name\":\"\\u202F方案\\u00A0交流\\u00A0\","
                + "\"type\":1,\"enable_flag\":1}]}"));
    DictionarySnapshot snapshot = client().fetchDictionary(PUBLISHED_FLOW);
    Stage stage = snapshot.resolveStage("7").orElseThrow();
    assertEquals("方案\u00A0交流", stage.name());
    assertEquals(Optional.of(stage), snapshot.resolveStage("方案\u00A0交流"));
  }

  /**
   * A name of only no-break spaces is no name: the answer is read as if the member were missing.
   */
  @Test
  void readsAStageNameOfOnlyNoBreakSpacesAsMissing() {
    String blankName = "\"stage_name\":\"\\u00A0\\u2007\\uFEFF\",";
    String stages =
        "{\"code\":200,\"data\":[{\"stage_id\":8,\"stage_name\":\"立项\",\"type\":1,\"enable_flag\":1},"
            + "{\"stage_id\":9,%s\"type\":1,\"enable_flag\":1}]}";
    assertEquals(outcome(String.format(stages, "")), outcome(String.format(stages, blankName)));
  }

  /**
   * What a reload of the published flow with these stages comes to: the stages read, or the
   * refusal.
   */
  private String outcome(String stages) {
    xiaoman.nextDataBodies.addAll(
        List.of(FakeXiaomanServer.fixture("selector-sales_flow.json"), stages));
    try {
      return client().fetchDictionary(PUBLISHED_FLOW).flows().toString();
    } catch (XiaomanException e) {
      return e.kind() + ": " + e.getMessage();
    }
  }

  /**
   * The published sales_flow with no flow that has stages: refused whole, never an empty
   * dictionary.
   */
  @Test
  void refusesADictionaryWhereNoFlowHasStages() {
    xiaoman.stageLists.clear();
    XiaomanException e =
        assertFails(XiaomanException.Kind.REJECTED, () -> client().fetchDictionary(List.of()));
    assertTrue(
        e.getMessage()
            .startsWith(
                "no flow has an enabled stage (9 item(s) skipped: flow 1101060263 (2019第四季度): no stages; …)"),
        e.getMessage());
  }

  /** 50 callers that all find the token expired cause exactly one more token request. */
  @Test
  void letsOneTokenRequestServeManyWaitingCallers() throws Exception {
    XiaomanConfig config =
        config(
            XiaomanConfig.GrantType.CLIENT_CREDENTIALS,
            TestSecrets.XIAOMAN_CLIENT_SECRET,
            Duration.ofSeconds(5));
    XiaomanTokens tokens =
        new XiaomanTokens(
            config,
            new XiaomanHttp(
                XiaomanClient.httpClient(config), sleeps::add, RandomGenerator.getDefault()),
            clock);
    XiaomanHttp.Deadline deadline = XiaomanHttp.Deadline.after(Duration.ofSeconds(20));
    assertEquals(TestSecrets.ACCESS_TOKEN_STEM + "1", tokens.token(deadline));
    clock.advance(Duration.ofHours(8)); // expired
    ExecutorService pool = Executors.newFixedThreadPool(50);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<String>> callers = new ArrayList<>();
      for (int i = 0; i < 50; i++)
        callers.add(
            pool.submit(
                () -> {
                  start.await();
                  return tokens.token(deadline);
                }));
      start.countDown();
      for (Future<String> caller : callers)
        assertEquals(TestSecrets.ACCESS_TOKEN_STEM + "2", caller.get(10, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, xiaoman.tokenRequests.get());
  }
}

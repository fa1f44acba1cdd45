package cn.opportunity.integration.adapter.xiaoman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.ReloadLease;
import cn.opportunity.integration.domain.testing.CapturedLog;
import cn.opportunity.integration.domain.testing.InMemoryDictionarySnapshotStore;
import cn.opportunity.integration.domain.testing.MutableClock;
import cn.opportunity.integration.domain.testing.TestSecrets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class XiaomanFlowDictionaryTest {
  static final Duration HOUR = Duration.ofHours(1);
  final FakeXiaomanServer xiaoman = XiaomanClientTest.newServer();
  final MutableClock clock = new MutableClock(Instant.parse("2026-04-30T02:00:00Z"));
  final InMemoryDictionarySnapshotStore saved = new InMemoryDictionarySnapshotStore();
  final List<XiaomanFlowDictionary> started = new ArrayList<>();

  @AfterEach
  void stop() {
    started.forEach(XiaomanFlowDictionary::close);
    xiaoman.close();
  }

  XiaomanFlowDictionary dictionary(Duration requestTimeout) {
    return dictionary(requestTimeout, XiaomanClientTest.PUBLISHED_FLOW);
  }

  XiaomanFlowDictionary dictionary(Duration requestTimeout, List<String> flowIds) {
    return dictionary(requestTimeout, flowIds, null);
  }

  /** With {@code lease} null: the 3-argument constructor (an instance alone with its store). */
  XiaomanFlowDictionary dictionary(
      Duration requestTimeout, List<String> flowIds, ReloadLease lease) {
    XiaomanConfig config =
        new XiaomanConfig(
            xiaoman.baseUrl(),
            FakeXiaomanServer.CLIENT_ID,
            TestSecrets.XIAOMAN_CLIENT_SECRET,
            XiaomanConfig.GrantType.CLIENT_CREDENTIALS,
            Optional.empty(),
            Optional.empty(),
            "opportunity",
            Duration.ofSeconds(1),
            requestTimeout);
    XiaomanClient client =
        new XiaomanClient(
            config,
            XiaomanClient.httpClient(config),
            clock,
            wait -> {},
            RandomGenerator.getDefault());
    XiaomanFlowDictionary dictionary =
        lease == null
            ? new XiaomanFlowDictionary(client, saved, flowIds)
            : new XiaomanFlowDictionary(client, saved, lease, clock, flowIds);
    started.add(dictionary);
    return dictionary;
  }

  @Test
  void loadsAtStartAndSavesWhatItLoaded() {
    XiaomanFlowDictionary dictionary = dictionary(Duration.ofSeconds(5));
    dictionary.start(Duration.ofSeconds(5), HOUR);
    assertEquals(8, dictionary.current().orElseThrow().enabledStageCount());
    assertEquals("xiaoman", dictionary.source());
    assertEquals(Optional.empty(), dictionary.lastError());
    assertEquals(8, saved.load("xiaoman").orElseThrow().enabledStageCount());
  }

  /**
   * Instances sharing a store (CONTRACT §6): only the holder of the turn calls Xiaoman; another
   * takes the snapshot the holder saved once it is newer than its own, and says when nobody has
   * reloaded for two intervals.
   */
  @Test
  void reloadsOnlyInItsTurnAndOtherwiseTakesTheNewerSavedSnapshot() {
    AtomicReference<Boolean> turn = new AtomicReference<>(true);
    List<Duration> terms = new ArrayList<>();
    ReloadLease lease =
        (source, term) -> {
          assertEquals("xiaoman", source);
          terms.add(term);
          return turn.get();
        };
    XiaomanFlowDictionary holder =
        dictionary(Duration.ofSeconds(5), XiaomanClientTest.PUBLISHED_FLOW, lease);
    holder.start(Duration.ofSeconds(5), HOUR);
    assertEquals(List.of(HOUR), terms, "claimed for one interval");
    DictionarySnapshot first = holder.current().orElseThrow();
    assertTrue(saved.load("xiaoman").orElseThrow() == first);

    turn.set(false);
    XiaomanFlowDictionary other =
        dictionary(Duration.ofSeconds(5), XiaomanClientTest.PUBLISHED_FLOW, lease);
    int calls = xiaoman.dataRequests.get();
    other.start(Duration.ofSeconds(5), HOUR);
    assertEquals(calls, xiaoman.dataRequests.get(), "not its turn: no call to Xiaoman");
    assertTrue(other.current().orElseThrow() == first, "the saved snapshot in force");

    clock.advance(Duration.ofMinutes(1));
    assertTrue(holder.reload());
    DictionarySnapshot second = holder.current().orElseThrow();
    assertFalse(other.refresh());
    assertEquals(second.loadedAt(), other.current().orElseThrow().loadedAt(), "took the newer one");
    assertEquals(Optional.empty(), other.lastError());

    assertFalse(other.refresh());
    assertEquals(second.loadedAt(), other.current().orElseThrow().loadedAt());
    clock.advance(HOUR.multipliedBy(2).plusSeconds(1));
    assertFalse(other.refresh());
    assertTrue(
        other.lastError().orElseThrow().contains("no instance has reloaded from Xiaoman since"),
        other.lastError().toString());
    assertTrue(holder.reload());
    assertFalse(other.refresh());
    assertEquals(Optional.empty(), other.lastError(), "a newer snapshot: Xiaoman answers again");
  }

  /**
   * Instances on one store with other flow ids (CONTRACT §6: their settings must agree): neither
   * takes the other's saved snapshot, each loads its own; each says so in its last error while the
   * saved snapshot it reads is the other's, and logs it once; never a secret in the log.
   */
  @Test
  void neverTakesASnapshotFetchedWithOtherSettingsAndSaysSo() {
    AtomicReference<Boolean> turn = new AtomicReference<>(true);
    ReloadLease lease = (source, term) -> turn.get();
    List<String> otherFlow = List.of(FakeXiaomanServer.FLOW_WITH_MADE_UP_STAGES);
    String publishedStage = "1101060278";
    String madeUpStage = FakeXiaomanServer.FLOW_WITH_MADE_UP_STAGES + "1";
    XiaomanFlowDictionary one =
        dictionary(Duration.ofSeconds(5), XiaomanClientTest.PUBLISHED_FLOW, lease);
    one.start(Duration.ofSeconds(5), HOUR);
    assertTrue(
        saved.load("xiaoman").orElseThrow().settings().orElseThrow().contains("XIAOMAN_FLOW_IDS="),
        "saved with the settings it was fetched with");

    turn.set(false);
    XiaomanFlowDictionary two;
    try (CapturedLog log = CapturedLog.start()) {
      two = dictionary(Duration.ofSeconds(5), otherFlow, lease);
      two.start(Duration.ofSeconds(5), HOUR);
      assertTrue(
          log.text()
              .contains(
                  "was fetched with other settings (XIAOMAN_FLOW_IDS '"
                      + FakeXiaomanServer.FLOW_WITH_PUBLISHED_STAGES
                      + "' there, '"
                      + FakeXiaomanServer.FLOW_WITH_MADE_UP_STAGES
                      + "' here); not using it, loading from Xiaoman"),
          log.text());
    }
    assertTrue(two.current().orElseThrow().resolveStage(madeUpStage).isPresent(), "its own");
    assertTrue(two.current().orElseThrow().resolveStage(publishedStage).isEmpty());
    assertEquals(Optional.empty(), two.lastError(), "at start: maybe its own of before a change");

    try (CapturedLog log = CapturedLog.start()) {
      for (int round = 0; round < 3; round++) {
        clock.advance(Duration.ofMinutes(1));
        turn.set(round % 2 == 0);
        assertTrue(one.refresh(), "the saved one is the other's: reloads, turn or not");
        assertTrue(two.refresh());
        for (XiaomanFlowDictionary instance : List.of(one, two))
          assertEquals(
              "the saved Xiaoman snapshot was fetched by an instance with other settings"
                  + " (XIAOMAN_FLOW_IDS differ); this instance loads its own: every instance on"
                  + " one database needs the same XIAOMAN_* settings",
              instance.lastError().orElseThrow());
        assertTrue(one.current().orElseThrow().resolveStage(publishedStage).isPresent());
        assertTrue(one.current().orElseThrow().resolveStage(madeUpStage).isEmpty());
        assertTrue(two.current().orElseThrow().resolveStage(madeUpStage).isPresent());
        assertTrue(two.current().orElseThrow().resolveStage(publishedStage).isEmpty());
      }
      assertEquals(
          2,
          log.text().lines().filter(l -> l.contains("fetched by an instance with other")).count(),
          "once per instance: " + log.text());
      assertFalse(log.text().contains(TestSecrets.XIAOMAN_CLIENT_SECRET));

      xiaoman.nextDataStatuses.add(500);
      xiaoman.nextDataStatuses.add(500);
      xiaoman.nextDataStatuses.add(500);
      xiaoman.nextDataStatuses.add(500);
      turn.set(false);
      assertFalse(one.refresh());
      assertTrue(
          one.lastError()
              .orElseThrow()
              .endsWith(
                  "; "
                      + "the saved Xiaoman snapshot was fetched"
                      + " by an instance with other settings (XIAOMAN_FLOW_IDS differ); this instance"
                      + " loads its own: every instance on one database needs the same XIAOMAN_*"
                      + " settings"),
          one.lastError().toString());

      two.close();
      clock.advance(Duration.ofMinutes(1));
      turn.set(true);
      assertTrue(one.refresh()); // reads two's, saves its own
      assertTrue(one.refresh()); // reads its own: the other is gone
      assertEquals(Optional.empty(), one.lastError());
      assertTrue(
          log.text().contains("the saved Xiaoman snapshot has this instance's settings again"));
    }
  }

  /** A snapshot saved before the settings were recorded is taken as this instance's. */
  @Test
  void takesASnapshotSavedWithoutSettingsAsItsOwn() {
    XiaomanFlowDictionary first = dictionary(Duration.ofSeconds(5));
    first.start(Duration.ofSeconds(5), HOUR);
    DictionarySnapshot fetched = first.current().orElseThrow();
    saved.save(
        "xiaoman",
        new DictionarySnapshot(
            fetched.flows(), fetched.lostReasons(), fetched.loadedAt(), fetched.skipped()));
    XiaomanFlowDictionary other =
        dictionary(
            Duration.ofSeconds(5), XiaomanClientTest.PUBLISHED_FLOW, (source, term) -> false);
    int calls = xiaoman.dataRequests.get();
    other.start(Duration.ofSeconds(5), HOUR);
    assertEquals(calls, xiaoman.dataRequests.get(), "taken, not fetched");
    assertEquals(fetched.loadedAt(), other.current().orElseThrow().loadedAt());
    assertFalse(other.refresh());
    assertEquals(Optional.empty(), other.lastError());
  }

  /** Without any dictionary an instance asks Xiaoman itself, its turn or not. */
  @Test
  void reloadsWithoutATurnWhenItHasNoDictionaryAtAll() {
    XiaomanFlowDictionary dictionary =
        dictionary(
            Duration.ofSeconds(5), XiaomanClientTest.PUBLISHED_FLOW, (source, term) -> false);
    dictionary.start(Duration.ofSeconds(5), HOUR);
    assertEquals(8, dictionary.current().orElseThrow().enabledStageCount());
    assertEquals(1, saved.saves.get());
  }

  /**
   * A store that cannot tell whose turn it is (the database down): no instance reloads, the
   * dictionary in force stays; without one, the instance reloads.
   */
  @Test
  void keepsItsDictionaryWhenNobodyCanTellWhoseTurnItIs() {
    ReloadLease down =
        (source, term) -> {
          throw new IllegalStateException("the database cannot be reached");
        };
    XiaomanFlowDictionary dictionary =
        dictionary(Duration.ofSeconds(5), XiaomanClientTest.PUBLISHED_FLOW, down);
    dictionary.start(Duration.ofSeconds(5), HOUR);
    DictionarySnapshot first = dictionary.current().orElseThrow();
    int calls = xiaoman.dataRequests.get();
    assertFalse(dictionary.refresh());
    assertEquals(calls, xiaoman.dataRequests.get());
    assertTrue(dictionary.current().orElseThrow() == first);
  }

  @Test
  void keepsTheSnapshotInForceWhenAReloadFailsAndRecoversAfter() {
    XiaomanFlowDictionary dictionary = dictionary(Duration.ofSeconds(5));
    dictionary.start(Duration.ofSeconds(5), HOUR);
    DictionarySnapshot before = dictionary.current().orElseThrow();
    xiaoman.nextDataStatuses.addAll(List.of(503, 503, 503));
    assertFalse(dictionary.reload());
    assertTrue(dictionary.current().orElseThrow() == before, "the old snapshot stays in force");
    assertTrue(
        dictionary.lastError().orElseThrow().contains("HTTP 503"),
        dictionary.lastError().toString());
    xiaoman.nextDataBodies.add("{\"code\":200,\"data\":[]}"); // poisoned: no flow
    assertFalse(dictionary.reload());
    assertTrue(dictionary.current().orElseThrow() == before);
    assertEquals(1, saved.saves.get(), "nothing bad was saved");
    assertTrue(dictionary.reload());
    assertEquals(Optional.empty(), dictionary.lastError());
    assertEquals(2, saved.saves.get());
    assertEquals(2, dictionary.reloads(XiaomanFlowDictionary.ReloadOutcome.SUCCESS));
    assertEquals(1, dictionary.reloads(XiaomanFlowDictionary.ReloadOutcome.UNAVAILABLE));
    assertEquals(1, dictionary.reloads(XiaomanFlowDictionary.ReloadOutcome.REJECTED));
    assertEquals(0, dictionary.reloads(XiaomanFlowDictionary.ReloadOutcome.AUTHENTICATION));
    xiaoman.nextDataStatuses.addAll(List.of(401, 401)); // a new token refused too
    assertFalse(dictionary.reload());
    assertEquals(1, dictionary.reloads(XiaomanFlowDictionary.ReloadOutcome.AUTHENTICATION));
    assertEquals(3, dictionary.calls(XiaomanClient.CallOutcome.SERVER_ERROR), "each attempt");
  }

  @Test
  void startsFromTheSavedSnapshotWhenXiaomanIsDown() {
    XiaomanFlowDictionary first = dictionary(Duration.ofSeconds(5));
    first.start(Duration.ofSeconds(5), HOUR);
    Instant loadedAt = first.current().orElseThrow().loadedAt();
    xiaoman.close(); // down
    XiaomanFlowDictionary restarted = dictionary(Duration.ofSeconds(1));
    restarted.start(Duration.ofSeconds(5), HOUR);
    assertEquals(loadedAt, restarted.current().orElseThrow().loadedAt());
    assertTrue(restarted.current().orElseThrow().resolveStage("赢单").isPresent());
    assertTrue(restarted.lastError().isPresent());
  }

  @Test
  void hasNoDictionaryWhenXiaomanIsDownAndNothingWasSaved() {
    xiaoman.close();
    XiaomanFlowDictionary dictionary = dictionary(Duration.ofSeconds(1));
    dictionary.start(Duration.ofSeconds(5), HOUR);
    assertTrue(dictionary.current().isEmpty());
    assertTrue(
        dictionary.lastError().orElseThrow().contains("cannot reach Xiaoman"),
        dictionary.lastError().toString());
  }

  @Test
  void neverHoldsTheStartLongerThanItsBound() {
    xiaoman.dataDelayMillis = 3_000;
    XiaomanFlowDictionary dictionary = dictionary(Duration.ofSeconds(2));
    long started = System.nanoTime();
    dictionary.start(Duration.ofMillis(300), HOUR);
    long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertTrue(millis < 1_000, "start took " + millis + " ms");
    assertTrue(dictionary.current().isEmpty());
  }

  /**
   * A day of 503s at the default interval: every check served from the snapshot, attempts bounded.
   */
  @Test
  void servesTheSnapshotThroughADayLongOutageWithBoundedAttempts() {
    XiaomanFlowDictionary dictionary = dictionary(Duration.ofSeconds(5));
    dictionary.start(Duration.ofSeconds(5), Duration.ofMinutes(10));
    Instant loadedAt = dictionary.current().orElseThrow().loadedAt();
    int before = xiaoman.dataRequests.get();
    int reloads = 24 * 6;
    xiaoman.nextDataStatuses.addAll(
        java.util.Collections.nCopies(reloads * (XiaomanHttp.RETRIES + 1), 503));
    for (int i = 0; i < reloads; i++) {
      clock.advance(Duration.ofMinutes(10));
      assertFalse(dictionary.reload());
      int outbound = xiaoman.dataRequests.get() + xiaoman.tokenRequests.get();
      for (int check = 0;
          check < 100;
          check++) // the request path: memory only, whatever Xiaoman does
      assertEquals(
            "1101060278",
            dictionary.current().orElseThrow().resolveStage("赢单").orElseThrow().code().value());
      assertEquals(
          outbound,
          xiaoman.dataRequests.get() + xiaoman.tokenRequests.get(),
          "a stage check called Xiaoman");
    }
    assertEquals(
        reloads * (XiaomanHttp.RETRIES + 1),
        xiaoman.dataRequests.get() - before,
        "three attempts a reload, no more");
    assertEquals(loadedAt, dictionary.current().orElseThrow().loadedAt());
    assertEquals(
        Duration.ofHours(24),
        Duration.between(loadedAt, clock.instant()),
        "the snapshot's age shows the outage");
    assertTrue(xiaoman.tokenRequests.get() <= 4, "tokens reused: " + xiaoman.tokenRequests.get());
    assertTrue(dictionary.reload(), "the first reload after the outage succeeds");
    assertEquals(clock.instant(), dictionary.current().orElseThrow().loadedAt());
  }

  @Test
  void logsAFailureStreakOnceAndNeverASecretOrToken() {
    String log;
    try (CapturedLog captured = CapturedLog.start()) {
      XiaomanFlowDictionary dictionary = dictionary(Duration.ofSeconds(5));
      dictionary.start(Duration.ofSeconds(5), HOUR);
      xiaoman.nextDataStatuses.addAll(java.util.Collections.nCopies(5 * 3, 503));
      for (int i = 0; i < 5; i++) dictionary.reload();
      xiaoman.revokeTokens();
      dictionary.reload();
      log = captured.text();
    }
    assertEquals(1, log.split("reload from Xiaoman failed", -1).length - 1, log);
    assertTrue(log.contains("Xiaoman answers again"), log);
    for (String secret : TestSecrets.ALL.values()) {
      assertFalse(log.contains(secret), "the log shows a secret");
    }
  }

  @Test
  void refusesADisabledStageOfXiaoman() {
    xiaoman.nextDataBodies.addAll(
        List.of(
            FakeXiaomanServer.fixture("selector-sales_flow.json"),
            "{\"code\":200,\"data\":[{\"stage_id\":11,\"stage_name\":\"在用\",\"type\":1,\"enable_flag\":1},"
                + "{\"stage_id\":12,\"stage_name\":\"停用\",\"type\":3,\"enable_flag\":0}]}"));
    XiaomanFlowDictionary dictionary = dictionary(Duration.ofSeconds(5));
    dictionary.start(Duration.ofSeconds(5), HOUR);
    DictionarySnapshot snapshot = dictionary.current().orElseThrow();
    assertTrue(snapshot.resolveStage("11").isPresent());
    assertTrue(snapshot.resolveStage("12").isEmpty());
    assertTrue(snapshot.resolveStage("停用").isEmpty());
  }

  /**
   * Every flow of Xiaoman's answer without stages: refused whole, the snapshot in force and saved
   * stays.
   */
  @Test
  void keepsTheSnapshotWhenNoFlowHasAStage() {
    XiaomanFlowDictionary dictionary = dictionary(Duration.ofSeconds(5), List.of());
    dictionary.start(Duration.ofSeconds(5), HOUR);
    DictionarySnapshot before = dictionary.current().orElseThrow();
    xiaoman.stageLists.clear();
    assertFalse(dictionary.reload());
    assertTrue(dictionary.current().orElseThrow() == before, "the old snapshot stays in force");
    assertTrue(
        dictionary.lastError().orElseThrow().startsWith("no flow has an enabled stage"),
        dictionary.lastError().toString());
    assertEquals(1, saved.saves.get(), "nothing was saved over it");
    assertEquals(10, saved.load("xiaoman").orElseThrow().enabledStageCount());
  }

  /**
   * The published sales_flow as it is: the flows with stages validate, test1 and the others have
   * none, and the snapshot — saved, so a restart during an outage shows it too — names them. The
   * log lists them once, at WARN, and again only when the list changes.
   */
  @Test
  void loadsTheFlowsWithStagesSavesWhatItSkippedAndLogsItOncePerChange() {
    String log;
    XiaomanFlowDictionary dictionary;
    try (CapturedLog captured = CapturedLog.start()) {
      dictionary = dictionary(Duration.ofSeconds(5), List.of());
      dictionary.start(Duration.ofSeconds(5), HOUR);
      assertTrue(dictionary.reload());
      assertTrue(dictionary.reload());
      xiaoman.stageLists.put(
          FakeXiaomanServer.FLOW_TEST1,
          FakeXiaomanServer.madeUpStages(FakeXiaomanServer.FLOW_TEST1));
      assertTrue(dictionary.reload());
      log = captured.text();
    }
    DictionarySnapshot snapshot = dictionary.current().orElseThrow();
    assertTrue(
        snapshot.resolveStage("33762727431").isPresent(), "test1's stages, once it has some");
    List<String> withoutTest1 = XiaomanClientTest.FLOWS_WITHOUT_STAGES.subList(1, 7);
    assertEquals(withoutTest1, snapshot.skipped());
    assertEquals(withoutTest1, saved.load("xiaoman").orElseThrow().skipped());
    List<String> lines = log.lines().filter(line -> line.contains("stage dictionary: ")).toList();
    List<String> loaded = lines.stream().filter(line -> line.contains("from Xiaoman")).toList();
    assertEquals(4, loaded.size(), log);
    assertTrue(
        loaded.get(0).contains(" WARN ")
            && loaded.get(0).contains("2 flow(s), 10 enabled stage(s)")
            && loaded.get(0).contains(String.join("; ", XiaomanClientTest.FLOWS_WITHOUT_STAGES)),
        loaded.get(0));
    for (int i = 1; i < 3; i++) {
      assertTrue(
          loaded.get(i).contains(" INFO ") && loaded.get(i).contains("skipped the same 7 item(s)"),
          loaded.get(i));
      assertFalse(loaded.get(i).contains("test1"), loaded.get(i));
    }
    assertTrue(
        loaded.get(3).contains(" WARN ")
            && loaded.get(3).contains("3 flow(s), 12 enabled stage(s)")
            && loaded.get(3).contains(String.join("; ", withoutTest1))
            && !loaded.get(3).contains("test1"),
        loaded.get(3));

    xiaoman.close(); // down: a restart takes the saved snapshot, with what it left out
    XiaomanFlowDictionary restarted = dictionary(Duration.ofSeconds(1), List.of());
    restarted.start(Duration.ofSeconds(5), HOUR);
    assertEquals(withoutTest1, restarted.current().orElseThrow().skipped());
    assertTrue(restarted.lastError().isPresent());
  }

  @Test
  void saysOnceWhenNothingIsSkippedAnyMore() {
    String log;
    try (CapturedLog captured = CapturedLog.start()) {
      XiaomanFlowDictionary dictionary = dictionary(Duration.ofSeconds(5), List.of());
      dictionary.start(Duration.ofSeconds(5), HOUR);
      for (String flow :
          List.of(
              "3376272743",
              "1101043671",
              "3393002828",
              "3393007163",
              "3393008614",
              "3474496034",
              "3420459094")) xiaoman.stageLists.put(flow, FakeXiaomanServer.madeUpStages(flow));
      assertTrue(dictionary.reload());
      assertEquals(List.of(), dictionary.current().orElseThrow().skipped());
      assertTrue(dictionary.reload());
      log = captured.text();
    }
    List<String> loaded = log.lines().filter(line -> line.contains("from Xiaoman")).toList();
    assertEquals(3, loaded.size(), log);
    assertTrue(
        loaded.get(1).contains(" INFO ")
            && loaded
                .get(1)
                .endsWith("9 flow(s), 24 enabled stage(s) from Xiaoman; nothing skipped any more"),
        loaded.get(1));
    assertTrue(
        loaded.get(2).endsWith("9 flow(s), 24 enabled stage(s) from Xiaoman"), loaded.get(2));
  }
}

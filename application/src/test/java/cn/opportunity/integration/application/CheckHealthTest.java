package cn.opportunity.integration.application;

import static cn.opportunity.integration.application.Fixtures.CLOCK;
import static cn.opportunity.integration.application.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.dictionary.SalesFlow;
import cn.opportunity.integration.domain.dictionary.Stage;
import cn.opportunity.integration.domain.dictionary.StageKind;
import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CheckHealthTest {
  final InMemoryOpportunityStore store = new InMemoryOpportunityStore();

  @Test
  void isUpWithALoadedDictionaryAndItsAge() {
    CheckHealth.Health health =
        new CheckHealth(store, FakeFlowDictionary.loaded(NOW.minusSeconds(12)), CLOCK).check();
    assertTrue(health.isUp());
    assertTrue(health.storeUp());
    assertEquals(
        new CheckHealth.DictionaryHealth(
            "local", true, 7, Optional.of(12L), Optional.empty(), List.of()),
        health.dictionary());
  }

  @Test
  void isDownWhenTheStoreBreaks() {
    store.breakDown();
    CheckHealth.Health health =
        new CheckHealth(store, FakeFlowDictionary.loaded(NOW), CLOCK).check();
    assertFalse(health.isUp());
    assertFalse(health.storeUp());
    assertTrue(health.dictionary().loaded());
  }

  @Test
  void isDownWithTheStoresReasonWhileItCannotWriteAndUpWithoutOneAfterwards() {
    CheckHealth check = new CheckHealth(store, FakeFlowDictionary.loaded(NOW), CLOCK);
    assertEquals(Optional.empty(), check.check().storeDownReason());
    store.cannotWrite("database or disk is full");
    CheckHealth.Health down = check.check();
    assertFalse(down.isUp());
    assertFalse(down.storeUp());
    assertEquals(Optional.of("database or disk is full"), down.storeDownReason());
    store.canWriteAgain();
    CheckHealth.Health up = check.check();
    assertTrue(up.isUp());
    assertEquals(Optional.empty(), up.storeDownReason());
  }

  @Test
  void staysUpWithoutADictionary() {
    FakeFlowDictionary dictionary = FakeFlowDictionary.neverLoaded();
    dictionary.failReload("connect timed out");
    CheckHealth.Health health = new CheckHealth(store, dictionary, CLOCK).check();
    assertTrue(health.isUp());
    assertEquals(
        new CheckHealth.DictionaryHealth(
            "xiaoman", false, 0, Optional.empty(), Optional.of("connect timed out"), List.of()),
        health.dictionary());
  }

  @Test
  void reportsTheLastErrorAndTheAgeOfTheSnapshotInForce() {
    FakeFlowDictionary dictionary = FakeFlowDictionary.loaded(NOW.minusSeconds(3600));
    dictionary.failReload("HTTP 500");
    CheckHealth check = new CheckHealth(store, dictionary, CLOCK);
    assertEquals(Optional.of(3600L), check.check().dictionary().snapshotAgeSeconds());
    assertEquals(Optional.of("HTTP 500"), check.check().dictionary().lastError());
    dictionary.replace(
        new DictionarySnapshot(
            List.of(
                new SalesFlow(
                    "1",
                    "流程",
                    List.of(
                        new Stage(new StageCode("a"), "甲", StageKind.IN_PROGRESS, 1, true),
                        new Stage(new StageCode("b"), "乙", StageKind.WON, 2, false)))),
            List.of(),
            NOW.minusSeconds(5)));
    assertEquals(
        new CheckHealth.DictionaryHealth(
            "local", true, 1, Optional.of(5L), Optional.empty(), List.of()),
        check.check().dictionary());
  }

  @Test
  void reportsWhatTheDictionaryInForceLeftOut() {
    FakeFlowDictionary dictionary = FakeFlowDictionary.loaded(NOW);
    CheckHealth check = new CheckHealth(store, dictionary, CLOCK);
    assertEquals(List.of(), check.check().dictionary().skipped());
    List<String> skipped =
        List.of("flow 3376272743 (test1): no stages", "stage 7 of flow 1: unknown type 9");
    dictionary.replace(
        new DictionarySnapshot(
            List.of(FixedFlowDictionary.builtInFlow()), List.of(), NOW, skipped));
    dictionary.failReload(
        "HTTP 503"); // a failed reload keeps the snapshot in force, and what it left out
    assertEquals(skipped, check.check().dictionary().skipped());
  }

  @Test
  void countsTheAgeInWholeSecondsFromTheClock() {
    CheckHealth check =
        new CheckHealth(store, FakeFlowDictionary.loaded(NOW.minusMillis(12_999)), CLOCK);
    assertEquals(Optional.of(12L), check.check().dictionary().snapshotAgeSeconds());
    CheckHealth later =
        new CheckHealth(
            store,
            FakeFlowDictionary.loaded(NOW.minusMillis(12_999)),
            Clock.offset(CLOCK, Duration.ofMinutes(1)));
    assertEquals(Optional.of(72L), later.check().dictionary().snapshotAgeSeconds());
  }

  @Test
  void isDownWithoutADictionaryEither() {
    store.breakDown();
    CheckHealth.Health health =
        new CheckHealth(store, FakeFlowDictionary.neverLoaded(), CLOCK).check();
    assertFalse(health.isUp());
    assertEquals(
        new CheckHealth.DictionaryHealth(
            "xiaoman", false, 0, Optional.empty(), Optional.empty(), List.of()),
        health.dictionary());
  }

  @Test
  void neverReportsANegativeAge() {
    CheckHealth check =
        new CheckHealth(
            store,
            new FixedFlowDictionary(
                FixedFlowDictionary.builtIn(NOW.plusSeconds(30)).current().orElseThrow()),
            CLOCK);
    assertEquals(Optional.of(0L), check.check().dictionary().snapshotAgeSeconds());
  }
}

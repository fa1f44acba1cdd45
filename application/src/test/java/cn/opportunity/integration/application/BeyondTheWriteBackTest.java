package cn.opportunity.integration.application;

import static cn.opportunity.integration.application.Fixtures.CLOCK;
import static cn.opportunity.integration.application.Fixtures.CODE;
import static cn.opportunity.integration.application.Fixtures.NOW;
import static cn.opportunity.integration.application.Fixtures.SHANGHAI;
import static cn.opportunity.integration.application.Fixtures.sent;
import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.DictionaryUnavailableException;
import cn.opportunity.integration.domain.FieldChange;
import cn.opportunity.integration.domain.HistoryEntry;
import cn.opportunity.integration.domain.HistoryPage;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.UpdateRejectedException;
import cn.opportunity.integration.domain.Version;
import cn.opportunity.integration.domain.VersionMismatchException;
import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT.md §5 in the use cases: the history an update leaves, the version it expects, the dry
 * run, the history pages and their retention, the dictionary for callers.
 */
class BeyondTheWriteBackTest {
  final InMemoryOpportunityStore store = new InMemoryOpportunityStore();
  final FakeFlowDictionary dictionary = FakeFlowDictionary.loaded(NOW.minusSeconds(60));
  final ApplyIntegrationUpdate update =
      new ApplyIntegrationUpdate(store, dictionary, new UpdatePolicy(SHANGHAI), CLOCK);

  BeyondTheWriteBackTest() {
    store.importAll(List.of(anOpportunity().code(CODE).build()), List.of());
  }

  Opportunity stored() {
    return store.findByCode(new OpportunityCode(CODE)).orElseThrow();
  }

  List<HistoryEntry> history() {
    return store.history(new OpportunityCode(CODE), Long.MAX_VALUE, 100).orElseThrow().items();
  }

  Opportunity applyNow(OptionalLong ifMatch, Object... members) {
    try {
      return update.applyLater(sent(members), ORIGIN, ifMatch).toCompletableFuture().join();
    } catch (CompletionException e) {
      throw (RuntimeException) e.getCause();
    }
  }

  @Test
  void recordsTheChangeWithItsOrigin() {
    update.apply(sent("opportunityCode", CODE, "stage", "won"), ORIGIN);
    HistoryEntry entry = history().get(0);
    assertEquals(new Version(2), entry.version());
    assertEquals(ORIGIN.caller(), entry.caller());
    assertEquals(NOW, entry.at());
    assertEquals(new FieldChange("negotiation", "won"), entry.changes().byField().get("stage"));
  }

  @Test
  void appliesOnlyToTheExpectedVersion() {
    Opportunity second = applyNow(OptionalLong.of(1), "opportunityCode", CODE, "source", "一");
    assertEquals(new Version(2), second.version());
    VersionMismatchException stale =
        assertThrows(
            VersionMismatchException.class,
            () -> applyNow(OptionalLong.of(1), "opportunityCode", CODE, "source", "二"));
    assertEquals(new Version(2), stale.current());
    assertEquals("商机已被他人修改", stale.getMessage());
    assertEquals("一", stored().details().source());
    assertEquals(2, history().size(), "a refused update records nothing");
    applyNow(OptionalLong.empty(), "opportunityCode", CODE, "source", "三");
    assertEquals("三", stored().details().source());
  }

  @Test
  void checksTheRulesAndTheCodeBeforeTheVersion() {
    assertThrows(
        UpdateRejectedException.class,
        () -> applyNow(OptionalLong.of(9), "opportunityCode", CODE, "stage", "nope"));
    assertThrows(
        OpportunityNotFoundException.class,
        () -> applyNow(OptionalLong.of(9), "opportunityCode", "NOPE", "source", "x"));
  }

  @Test
  void rehearsesWithoutWriting() {
    Opportunity before = stored();
    ApplyIntegrationUpdate.Rehearsal rehearsal =
        update.rehearse(
            sent("opportunityCode", CODE, "stage", "won", "source", "展会"), OptionalLong.of(1));
    assertEquals(before.id(), rehearsal.id());
    assertEquals(Version.FIRST, rehearsal.stored());
    assertEquals(new Version(2), rehearsal.version());
    assertEquals(List.of("stage", "source"), List.copyOf(rehearsal.changes().byField().keySet()));
    assertEquals(before, stored());
    assertEquals(1, history().size());
    ApplyIntegrationUpdate.Rehearsal nothing =
        update.rehearse(
            sent("opportunityCode", CODE, "stage", "negotiation"), OptionalLong.empty());
    assertEquals(Version.FIRST, nothing.version());
    assertTrue(nothing.changes().isEmpty());
  }

  @Test
  void refusesARehearsalAsTheUpdate() {
    assertThrows(
        UpdateRejectedException.class,
        () -> update.rehearse(sent("opportunityCode", CODE, "amount", 0L), OptionalLong.empty()));
    assertThrows(
        OpportunityNotFoundException.class,
        () ->
            update.rehearse(sent("opportunityCode", "NOPE", "source", "x"), OptionalLong.empty()));
    assertThrows(
        VersionMismatchException.class,
        () -> update.rehearse(sent("opportunityCode", CODE, "source", "x"), OptionalLong.of(2)));
  }

  @Test
  void readsHistoryPagesByCode() {
    for (int i = 0; i < 3; i++)
      update.apply(sent("opportunityCode", CODE, "source", "第" + i), ORIGIN);
    ReadHistory read = new ReadHistory(store);
    HistoryPage page = read.page(" " + CODE + " ", Long.MAX_VALUE, 2);
    assertEquals(2, page.items().size());
    assertEquals(4, page.items().get(0).version().value());
    assertEquals(3L, page.nextBefore().orElseThrow());
    assertThrows(OpportunityNotFoundException.class, () -> read.page("NOPE", Long.MAX_VALUE, 20));
    assertThrows(
        OpportunityNotFoundException.class, () -> read.page("x".repeat(65), Long.MAX_VALUE, 20));
    assertThrows(IllegalArgumentException.class, () -> read.page(CODE, Long.MAX_VALUE, 0));
    assertThrows(IllegalArgumentException.class, () -> read.page(CODE, Long.MAX_VALUE, 101));
    assertEquals(4, read.page(CODE, Long.MAX_VALUE, 100).items().size());
  }

  @Test
  void prunesEveryRecordOlderThanTheRetentionInChunks() {
    for (int i = 0; i < PruneHistory.CHUNK + 10; i++)
      store.update(
          new OpportunityCode(CODE),
          ORIGIN,
          current ->
              current.apply(
                  OpportunityPatch.builder(current.code())
                      .set(OpportunityField.SOURCE, "第" + current.version())
                      .build(),
                  NOW.minus(Duration.ofDays(40))));
    Clock later = Clock.fixed(NOW, ZoneOffset.UTC);
    assertEquals(
        PruneHistory.CHUNK + 11, new PruneHistory(store, Duration.ofDays(30), later).run());
    assertEquals(List.of(), history());
    assertEquals(0, new PruneHistory(store, Duration.ofDays(30), later).run());
    assertThrows(
        IllegalArgumentException.class, () -> new PruneHistory(store, Duration.ZERO, later));
  }

  @Test
  void keepsRecordsWithinTheRetention() {
    update.apply(sent("opportunityCode", CODE, "source", "新"), ORIGIN);
    assertEquals(1, new PruneHistory(store, Duration.ofSeconds(1), CLOCK).run(), "the import's");
    assertEquals(1, history().size());
  }

  @Test
  void answersTheDictionaryInForceWithItsAge() {
    ReadStageDictionary.InForce now = new ReadStageDictionary(dictionary, CLOCK).current();
    assertEquals("local", now.source());
    assertEquals(60, now.ageSeconds());
    assertEquals(dictionary.current().orElseThrow(), now.snapshot());
    assertThrows(
        DictionaryUnavailableException.class,
        () -> new ReadStageDictionary(FakeFlowDictionary.neverLoaded(), CLOCK).current());
  }
}

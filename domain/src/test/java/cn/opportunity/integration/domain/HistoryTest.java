package cn.opportunity.integration.domain;

import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The history's values: what a change did, its record, its origin, a page of records. */
class HistoryTest {
  static final Instant LATER = Instant.parse("2026-05-01T00:00:00Z");

  final Opportunity before = Opportunity.created(new OpportunityId(7), anOpportunity().build());

  Opportunity withSource(Opportunity current, String source) {
    return current.apply(
        OpportunityPatch.builder(current.code()).set(OpportunityField.SOURCE, source).build(),
        LATER);
  }

  @Test
  void listsOnlyTheFieldsWhoseCanonicalValueChanged() {
    Opportunity after = withSource(before, "展会");
    Changes changes = Changes.between(before.details(), after.details());
    assertEquals(Map.of("source", new FieldChange(null, "展会")), changes.byField());
    assertFalse(changes.isEmpty());
    assertTrue(Changes.between(before.details(), before.details()).isEmpty());
    assertEquals(Changes.none(), Changes.between(before.details(), before.details()));
    assertTrue(Changes.none().byField().isEmpty());
  }

  @Test
  void comparesChangesByTheirFieldsInOrder() {
    Map<String, FieldChange> one = new LinkedHashMap<>();
    one.put("source", new FieldChange("a", "b"));
    Changes changes = Changes.of(one);
    assertEquals(changes, Changes.of(Map.of("source", new FieldChange("a", "b"))));
    assertEquals(changes.hashCode(), Changes.of(one).hashCode());
    assertNotEquals(changes, Changes.of(Map.of("source", new FieldChange("a", "c"))));
    assertNotEquals(changes, Changes.none());
    assertNotEquals(changes, "source");
    assertTrue(changes.toString().contains("source"), changes.toString());
    one.put("stage", new FieldChange(null, "won"));
    assertEquals(1, changes.byField().size(), "a copy: later changes to the map do not reach it");
    assertThrows(
        UnsupportedOperationException.class,
        () -> changes.byField().put("x", new FieldChange(1L, 2L)));
  }

  @Test
  void refusesAFieldChangeThatChangesNothing() {
    assertThrows(IllegalArgumentException.class, () -> new FieldChange("a", "a"));
    assertThrows(IllegalArgumentException.class, () -> new FieldChange(null, null));
  }

  @Test
  void recordsAnUpdateAtItsTimeWithItsOrigin() {
    Opportunity after = withSource(before, "展会");
    HistoryEntry entry = HistoryEntry.of(before, after, ORIGIN);
    assertEquals(new Version(2), entry.version());
    assertEquals(LATER, entry.at());
    assertEquals(ORIGIN.caller(), entry.caller());
    assertEquals(ORIGIN.requestId(), entry.requestId());
    assertEquals(ChangeSource.UPDATE, entry.source());
    assertThrows(IllegalArgumentException.class, () -> HistoryEntry.of(before, before, ORIGIN));
    Opportunity third = withSource(after, "官网");
    assertThrows(IllegalArgumentException.class, () -> HistoryEntry.of(before, third, ORIGIN));
    Opportunity other = Opportunity.created(new OpportunityId(8), anOpportunity().build());
    assertThrows(
        IllegalArgumentException.class,
        () -> HistoryEntry.of(other, withSource(before, "展会"), ORIGIN));
  }

  @Test
  void namesEachSourceByItsCode() {
    assertEquals("update", ChangeSource.UPDATE.code());
    assertEquals("batch", ChangeSource.BATCH.code());
    assertEquals("import", ChangeSource.IMPORT.code());
    for (ChangeSource source : ChangeSource.values())
      assertEquals(source, ChangeSource.ofCode(source.code()));
    assertThrows(IllegalArgumentException.class, () -> ChangeSource.ofCode("UPDATE"));
    assertEquals("import", ChangeOrigin.IMPORT.caller());
    assertEquals(null, ChangeOrigin.IMPORT.requestId());
    assertThrows(
        NullPointerException.class, () -> new ChangeOrigin(null, null, ChangeSource.UPDATE));
  }

  @Test
  void pagesWithANextBeforeOnlyWhenAnOlderRecordWasRead() {
    Opportunity second = withSource(before, "一");
    Opportunity third = withSource(second, "二");
    HistoryEntry newest = HistoryEntry.of(second, third, ORIGIN);
    HistoryEntry older = HistoryEntry.of(before, second, ORIGIN);
    HistoryPage full = HistoryPage.of(List.of(newest, older), 1);
    assertEquals(List.of(newest), full.items());
    assertEquals(Optional.of(3L), full.nextBefore());
    HistoryPage last = HistoryPage.of(List.of(newest, older), 2);
    assertEquals(List.of(newest, older), last.items());
    assertEquals(Optional.empty(), last.nextBefore());
  }

  @Test
  void tellsTheVersionStoredWhenTheExpectedOneIsNot() {
    VersionMismatchException mismatch = new VersionMismatchException(new Version(4));
    assertEquals(new Version(4), mismatch.current());
    assertEquals(Messages.VERSION_MISMATCH, mismatch.getMessage());
  }
}

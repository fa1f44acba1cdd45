package cn.opportunity.integration.domain.testing;

import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
import static cn.opportunity.integration.domain.testing.Opportunities.aBareOpportunity;
import static cn.opportunity.integration.domain.testing.Opportunities.aFullOpportunity;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.Amount;
import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.ChangeSource;
import cn.opportunity.integration.domain.FieldChange;
import cn.opportunity.integration.domain.HistoryEntry;
import cn.opportunity.integration.domain.HistoryPage;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityDetails;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.OpportunityStatus;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.StaleVersionException;
import cn.opportunity.integration.domain.UpdateRejectedException;
import cn.opportunity.integration.domain.Version;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link OpportunityStore} must do. A store's test extends this class and says how to
 * make an empty store; a fake that does not pass it lies.
 */
public abstract class OpportunityStoreContract {
  protected static final Instant LATER = Opportunities.CREATED_AT.plusSeconds(3600);

  protected OpportunityStore store;

  /** A new, empty store. */
  protected abstract OpportunityStore newStore() throws Exception;

  @BeforeEach
  void createStore() throws Exception {
    store = newStore();
  }

  protected Opportunity insert(NewOpportunity opportunity) {
    store.importAll(List.of(opportunity), List.of());
    return store.findByCode(opportunity.code()).orElseThrow();
  }

  protected static OpportunityPatch patch(String code, OpportunityField field, Object value) {
    return OpportunityPatch.builder(new OpportunityCode(code)).set(field, value).build();
  }

  @Test
  void findsNothingForAnUnknownCode() {
    assertTrue(store.findByCode(new OpportunityCode("NOPE")).isEmpty());
  }

  /**
   * A code holding U+0000 (valid JSON; a store whose text cannot hold it never stores one) is not
   * found, in every read and write that names it, as any other unknown code.
   */
  @Test
  void findsNothingForAnUnknownCodeHoldingU0000() {
    Opportunity stored = insert(anOpportunity().code("NUL-1").build());
    OpportunityCode unknown = new OpportunityCode("NUL-\u00001");
    assertTrue(store.findByCode(unknown).isEmpty());
    assertEquals(
        java.util.Map.of(stored.code(), stored),
        store.findAllByCode(List.of(unknown, stored.code())));
    assertThrows(OpportunityNotFoundException.class, () -> store.update(unknown, ORIGIN, c -> c));
    ExecutionException later =
        assertThrows(
            ExecutionException.class,
            () ->
                store
                    .updateLater(unknown, ORIGIN, c -> c)
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS));
    assertInstanceOf(OpportunityNotFoundException.class, later.getCause());
    assertTrue(store.history(unknown, Long.MAX_VALUE, 10).isEmpty());
    assertEquals(List.of(stored), store.findPage(Optional.of(unknown), 10)); // "NUL-1" after it
    assertEquals(List.of(), store.findPage(Optional.of(new OpportunityCode("NUL-1\u0000")), 10));
  }

  @Test
  void findsManyByCodeLeavingOutTheUnknown() {
    Opportunity one = insert(anOpportunity().code("MANY-1").build());
    Opportunity two = insert(anOpportunity().code("MANY-2").build());
    List<OpportunityCode> asked = new java.util.ArrayList<>();
    for (int i = 0; i < 1_200; i++)
      asked.add(new OpportunityCode("ABSENT-" + i)); // more than one query's worth
    asked.add(one.code());
    asked.add(two.code());
    asked.add(one.code());
    assertEquals(java.util.Map.of(one.code(), one, two.code(), two), store.findAllByCode(asked));
    assertTrue(store.findAllByCode(List.of()).isEmpty());
  }

  @Test
  void readsBackEveryFieldExactly() {
    NewOpportunity full = aFullOpportunity().code("FULL-1").build();
    Opportunity stored = insert(full);
    assertEquals(full.details(), stored.details());
    assertEquals(full.finalCustomerName(), stored.finalCustomerName());
    assertEquals(full.createdAt(), stored.createdAt());
    assertEquals(full.createdAt(), stored.updatedAt());
    assertEquals(Version.FIRST, stored.version());
  }

  /**
   * Free text is stored as sent (CONTRACT §1), whatever it holds: U+0000 (which PostgreSQL's text
   * cannot hold), U+FFFF and what an escape of them might look like, through import and update.
   */
  @Test
  void readsBackFreeTextHoldingU0000AndUFFFFExactly() {
    List<String> texts =
        List.of("a\u0000b", "\u0000", "\uFFFF", "\uFFFF0", "x\uFFFF\uFFFF\u0000\uFFFF", "0\uFFFF");
    NewOpportunity created =
        anOpportunity()
            .code("TEXT-1")
            .finalCustomerName("客户\u0000\uFFFF")
            .details(d -> d.opportunityName("名称\u0000").description(texts.get(0)))
            .build();
    Opportunity stored = insert(created);
    assertEquals(created.details(), stored.details());
    assertEquals(created.finalCustomerName(), stored.finalCustomerName());
    for (String text : texts) {
      Opportunity next =
          store.update(
              stored.code(),
              ORIGIN,
              c -> c.apply(patch("TEXT-1", OpportunityField.SOURCE, text), LATER));
      assertEquals(text, next.details().source());
      assertEquals(next, store.findByCode(stored.code()).orElseThrow());
      assertEquals(
          text,
          store
              .history(stored.code(), Long.MAX_VALUE, 1)
              .orElseThrow()
              .items()
              .get(0)
              .changes()
              .byField()
              .get(OpportunityField.SOURCE.jsonName())
              .to());
    }
  }

  @Test
  void readsBackUnsetFieldsAsUnset() {
    NewOpportunity bare = aBareOpportunity().code("BARE-1").finalCustomerName(null).build();
    Opportunity stored = insert(bare);
    assertEquals(bare.details(), stored.details());
    assertTrue(stored.finalCustomerName().isEmpty());
  }

  @Test
  void readsEveryOpportunityOncePageByPageInTheOrderOfTheCodesCodePoints() {
    // U+FF21 (Ａ) comes before U+1F600 (😀) by code point (and UTF-8 byte), after it by UTF-16 unit
    for (String code : List.of("b", "😀-1", "Ａ-1", "A-2", "A-10", "中-1", "a", "A-1"))
      insert((code.equals("中-1") ? aFullOpportunity() : anOpportunity()).code(code).build());
    List<List<String>> pages = new ArrayList<>();
    Optional<OpportunityCode> after = Optional.empty();
    while (true) {
      List<Opportunity> page = store.findPage(after, 3);
      for (Opportunity read : page)
        assertEquals(store.findByCode(read.code()).orElseThrow(), read, read.code().value());
      pages.add(page.stream().map(o -> o.code().value()).toList());
      if (page.size() < 3) break;
      after = Optional.of(page.get(page.size() - 1).code());
    }
    assertEquals(
        List.of(List.of("A-1", "A-10", "A-2"), List.of("a", "b", "中-1"), List.of("Ａ-1", "😀-1")),
        pages);
  }

  @Test
  void readsAPageAfterACodeThatIsNotStored() {
    for (String code : List.of("A-1", "A-2", "C-1", "C-2", "C-3"))
      insert(anOpportunity().code(code).build());
    assertEquals(
        List.of("C-1", "C-2"),
        store.findPage(Optional.of(new OpportunityCode("B")), 2).stream()
            .map(o -> o.code().value())
            .toList());
    assertTrue(store.findPage(Optional.of(new OpportunityCode("C-3")), 2).isEmpty());
    assertTrue(store.findPage(Optional.of(new OpportunityCode("D")), 100).isEmpty());
  }

  @Test
  void readsAnEmptyFirstPageFromAnEmptyStore() {
    assertTrue(store.findPage(Optional.empty(), 1).isEmpty());
  }

  @Test
  void givesEachOpportunityItsOwnId() {
    Opportunity first = insert(anOpportunity().code("A").build());
    Opportunity second = insert(anOpportunity().code("B").build());
    assertTrue(first.id().value() != second.id().value());
  }

  @Test
  void storesTheNextVersionOfAnUpdate() {
    insert(anOpportunity().code("UP-1").build());
    Opportunity returned =
        store.update(
            new OpportunityCode("UP-1"),
            ORIGIN,
            current -> current.apply(patch("UP-1", OpportunityField.SOURCE, "展会"), LATER));
    Opportunity stored = store.findByCode(new OpportunityCode("UP-1")).orElseThrow();
    assertEquals(returned, stored);
    assertEquals("展会", stored.details().source());
    assertEquals(new Version(2), stored.version());
    assertEquals(LATER, stored.updatedAt());
  }

  @Test
  void storesAnUpdateAnsweredLaterAsUpdateWould() throws Exception {
    insert(anOpportunity().code("LATER-1").build());
    Opportunity answered =
        store
            .updateLater(
                new OpportunityCode("LATER-1"),
                ORIGIN,
                current -> current.apply(patch("LATER-1", OpportunityField.SOURCE, "稍后"), LATER))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertEquals(answered, store.findByCode(new OpportunityCode("LATER-1")).orElseThrow());
    assertEquals("稍后", answered.details().source());
    assertEquals(new Version(2), answered.version());
  }

  @Test
  void answersLaterWithTheFailureUpdateWouldThrow() {
    Opportunity before = insert(anOpportunity().code("LATER-2").build());
    ExecutionException unknown =
        assertThrows(
            ExecutionException.class,
            () ->
                store
                    .updateLater(new OpportunityCode("NOPE"), ORIGIN, c -> c)
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS));
    assertInstanceOf(OpportunityNotFoundException.class, unknown.getCause());
    ExecutionException refused =
        assertThrows(
            ExecutionException.class,
            () ->
                store
                    .updateLater(
                        new OpportunityCode("LATER-2"),
                        ORIGIN,
                        c -> {
                          throw new UpdateRejectedException("no");
                        })
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS));
    assertInstanceOf(UpdateRejectedException.class, refused.getCause());
    assertEquals(before, store.findByCode(new OpportunityCode("LATER-2")).orElseThrow());
  }

  @Test
  void clearsAFieldSetToNull() {
    insert(anOpportunity().code("CLR-1").build());
    store.update(
        new OpportunityCode("CLR-1"),
        ORIGIN,
        c -> c.apply(patch("CLR-1", OpportunityField.PROJECT_LOCATION, null), LATER));
    assertEquals(
        null,
        store.findByCode(new OpportunityCode("CLR-1")).orElseThrow().details().projectLocation());
  }

  /** Every field through an update (not only an insert): set from nothing, then cleared. */
  @Test
  void writesAndClearsEveryFieldThroughAnUpdate() {
    insert(aBareOpportunity().code("ALL-1").build());
    OpportunityCode code = new OpportunityCode("ALL-1");
    OpportunityDetails full = aFullOpportunity().build().details();
    OpportunityPatch.Builder set = OpportunityPatch.builder(code);
    OpportunityPatch.Builder clear = OpportunityPatch.builder(code);
    for (OpportunityField field : OpportunityField.values()) {
      set.set(field, field.valueIn(full));
      if (field != OpportunityField.OPPORTUNITY_NAME) clear.set(field, null);
    }
    store.update(code, ORIGIN, c -> c.apply(set.build(), LATER));
    assertEquals(full, store.findByCode(code).orElseThrow().details());
    store.update(code, ORIGIN, c -> c.apply(clear.build(), LATER.plusSeconds(1)));
    Opportunity cleared = store.findByCode(code).orElseThrow();
    for (OpportunityField field : OpportunityField.values()) {
      if (field != OpportunityField.OPPORTUNITY_NAME)
        assertEquals(null, field.valueIn(cleared.details()), field.jsonName());
    }
    assertEquals(new Version(3), cleared.version());
  }

  @Test
  void storesNothingWhenTheChangeChangesNothing() {
    Opportunity before = insert(anOpportunity().code("SAME-1").build());
    Opportunity after = store.update(new OpportunityCode("SAME-1"), ORIGIN, current -> current);
    assertEquals(before, after);
    assertEquals(before, store.findByCode(new OpportunityCode("SAME-1")).orElseThrow());
  }

  @Test
  void refusesToUpdateAnUnknownCode() {
    assertThrows(
        OpportunityNotFoundException.class,
        () -> store.update(new OpportunityCode("NOPE"), ORIGIN, c -> c));
  }

  @Test
  void leavesTheOpportunityAsItWasWhenTheChangeThrows() {
    Opportunity before = insert(anOpportunity().code("THROW-1").build());
    assertThrows(
        UpdateRejectedException.class,
        () ->
            store.update(
                new OpportunityCode("THROW-1"),
                ORIGIN,
                c -> {
                  throw new UpdateRejectedException("no");
                }));
    assertEquals(before, store.findByCode(new OpportunityCode("THROW-1")).orElseThrow());
  }

  @Test
  void refusesAnUpdateThatSkipsAVersion() {
    insert(anOpportunity().code("SKIP-1").build());
    OpportunityPatch one = patch("SKIP-1", OpportunityField.SOURCE, "一");
    OpportunityPatch two = patch("SKIP-1", OpportunityField.SOURCE, "二");
    assertThrows(
        RuntimeException.class,
        () ->
            store.update(
                new OpportunityCode("SKIP-1"), ORIGIN, c -> c.apply(one, LATER).apply(two, LATER)));
    assertEquals(
        Version.FIRST, store.findByCode(new OpportunityCode("SKIP-1")).orElseThrow().version());
  }

  @Test
  void importsNewAndChangedOpportunitiesTogether() {
    Opportunity existing = insert(anOpportunity().code("IMP-1").build());
    Opportunity changed =
        existing.apply(patch("IMP-1", OpportunityField.OPERATOR_NAME, "新运作方"), LATER);
    store.importAll(List.of(anOpportunity().code("IMP-2").build()), List.of(changed));
    assertEquals(changed, store.findByCode(new OpportunityCode("IMP-1")).orElseThrow());
    assertTrue(store.findByCode(new OpportunityCode("IMP-2")).isPresent());
  }

  @Test
  void importsNothingWhenOneUpdatedOpportunityIsStale() {
    Opportunity existing = insert(anOpportunity().code("STALE-1").build());
    Opportunity first = existing.apply(patch("STALE-1", OpportunityField.SOURCE, "一"), LATER);
    store.importAll(List.of(), List.of(first));
    Opportunity staleChange = existing.apply(patch("STALE-1", OpportunityField.SOURCE, "二"), LATER);
    assertThrows(
        StaleVersionException.class,
        () ->
            store.importAll(
                List.of(anOpportunity().code("STALE-2").build()), List.of(staleChange)));
    assertTrue(store.findByCode(new OpportunityCode("STALE-2")).isEmpty());
    assertEquals(
        "一", store.findByCode(new OpportunityCode("STALE-1")).orElseThrow().details().source());
  }

  @Test
  void importsNothingWhenACreatedCodeExists() {
    insert(anOpportunity().code("DUP-1").build());
    assertThrows(
        StaleVersionException.class,
        () ->
            store.importAll(
                List.of(
                    anOpportunity().code("DUP-2").build(), anOpportunity().code("DUP-1").build()),
                List.of()));
    assertTrue(store.findByCode(new OpportunityCode("DUP-2")).isEmpty());
  }

  private static List<NewOpportunity> newOpportunities(String prefix, int count) {
    List<NewOpportunity> created = new ArrayList<>();
    for (int i = 1; i <= count; i++) created.add(anOpportunity().code(prefix + i).build());
    return created;
  }

  private static List<OpportunityCode> codesOf(List<NewOpportunity> opportunities) {
    return opportunities.stream().map(NewOpportunity::code).toList();
  }

  @Test
  void storesEverythingAnImportWroteOnceItsWorkReturns() {
    Opportunity stored = insert(anOpportunity().code("TX-1").build());
    Opportunity changed = stored.apply(patch("TX-1", OpportunityField.SOURCE, "导入"), LATER);
    List<NewOpportunity> created =
        newOpportunities("TX-NEW-", 1_200); // more than one statement's worth
    String result =
        store.importInTransaction(
            session -> {
              session.write(created.subList(0, 600), List.of(changed));
              session.write(created.subList(600, 1_200), List.of());
              return "done";
            });
    assertEquals("done", result);
    assertEquals(changed, store.findByCode(new OpportunityCode("TX-1")).orElseThrow());
    Map<OpportunityCode, Opportunity> found = store.findAllByCode(codesOf(created));
    assertEquals(1_200, found.size());
    for (NewOpportunity opportunity : created) {
      assertEquals(opportunity.details(), found.get(opportunity.code()).details());
      assertEquals(Version.FIRST, found.get(opportunity.code()).version());
    }
  }

  @Test
  void letsAnImportReadWhatItWroteAndWriteItAgain() {
    Opportunity stored = insert(anOpportunity().code("OWN-1").build());
    NewOpportunity fresh = anOpportunity().code("OWN-2").build();
    List<OpportunityCode> both = List.of(stored.code(), fresh.code());
    store.importInTransaction(
        session -> {
          assertEquals(Map.of(stored.code(), stored), session.findAllByCode(both));
          session.write(
              List.of(fresh),
              List.of(stored.apply(patch("OWN-1", OpportunityField.SOURCE, "一"), LATER)));
          Map<OpportunityCode, Opportunity> seen = session.findAllByCode(both);
          assertEquals("一", seen.get(stored.code()).details().source());
          assertEquals(new Version(2), seen.get(stored.code()).version());
          assertEquals(fresh.details(), seen.get(fresh.code()).details());
          assertEquals(Version.FIRST, seen.get(fresh.code()).version());
          session.write(
              List.of(),
              List.of(
                  seen.get(stored.code())
                      .apply(patch("OWN-1", OpportunityField.OPERATOR_NAME, "二"), LATER),
                  seen.get(fresh.code())
                      .apply(patch("OWN-2", OpportunityField.SOURCE, "三"), LATER)));
          Map<OpportunityCode, Opportunity> again = session.findAllByCode(both);
          assertEquals(new Version(3), again.get(stored.code()).version());
          assertEquals("二", again.get(stored.code()).details().operatorName());
          assertEquals(new Version(2), again.get(fresh.code()).version());
          return null;
        });
    Opportunity first = store.findByCode(stored.code()).orElseThrow();
    assertEquals("一", first.details().source());
    assertEquals("二", first.details().operatorName());
    assertTrue(first.version().value() > stored.version().value());
    assertEquals("三", store.findByCode(fresh.code()).orElseThrow().details().source());
  }

  @Test
  void storesNothingOfAnImportWhoseWorkThrows() {
    Opportunity stored = insert(anOpportunity().code("RB-1").build());
    List<NewOpportunity> created = newOpportunities("RB-NEW-", 1_200);
    IllegalStateException failure = new IllegalStateException("the work failed");
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                store.importInTransaction(
                    session -> {
                      session.write(
                          created.subList(0, 600),
                          List.of(
                              stored.apply(patch("RB-1", OpportunityField.SOURCE, "回滚"), LATER)));
                      session.write(created.subList(600, 1_200), List.of());
                      assertEquals(1_200, session.findAllByCode(codesOf(created)).size());
                      throw failure;
                    }));
    assertSame(failure, thrown);
    assertEquals(stored, store.findByCode(stored.code()).orElseThrow());
    assertTrue(store.findAllByCode(codesOf(created)).isEmpty());
    store.importInTransaction(
        session -> { // and the store takes the next import
          session.write(created.subList(0, 1), List.of());
          return null;
        });
    assertTrue(store.findByCode(created.get(0).code()).isPresent());
  }

  @Test
  void storesNothingOfAnImportWithAStaleWrite() {
    Opportunity stored = insert(anOpportunity().code("SW-1").build());
    insert(anOpportunity().code("SW-TAKEN").build());
    NewOpportunity fresh = anOpportunity().code("SW-2").build();
    assertThrows(
        StaleVersionException.class,
        () ->
            store.importInTransaction(
                session -> {
                  session.write(
                      List.of(fresh),
                      List.of(stored.apply(patch("SW-1", OpportunityField.SOURCE, "一"), LATER)));
                  session.write(List.of(anOpportunity().code("SW-TAKEN").build()), List.of());
                  return null;
                }));
    assertThrows(
        StaleVersionException.class,
        () ->
            store.importInTransaction(
                session -> {
                  session.write(List.of(fresh), List.of());
                  session.write(
                      List.of(),
                      List.of(
                          stored
                              .apply(patch("SW-1", OpportunityField.SOURCE, "一"), LATER)
                              .apply(
                                  patch("SW-1", OpportunityField.SOURCE, "二"),
                                  LATER))); // skips a version
                  return null;
                }));
    assertEquals(stored, store.findByCode(stored.code()).orElseThrow());
    assertTrue(store.findByCode(fresh.code()).isEmpty());
  }

  // History (CONTRACT.md §5.2): the same transaction as the change, nothing without a change.

  private HistoryPage history(String code) {
    return store.history(new OpportunityCode(code), Long.MAX_VALUE, 100).orElseThrow();
  }

  private List<Long> versions(HistoryPage page) {
    return page.items().stream().map(entry -> entry.version().value()).toList();
  }

  @Test
  void recordsAnImportedOpportunityWithEverythingItWasCreatedWith() {
    insert(anOpportunity().code("H-NEW").build());
    HistoryEntry created = history("H-NEW").items().get(0);
    assertEquals(Version.FIRST, created.version());
    assertEquals(Opportunities.CREATED_AT, created.at());
    assertEquals("import", created.caller());
    assertEquals(null, created.requestId());
    assertEquals(ChangeSource.IMPORT, created.source());
    assertEquals(new FieldChange(null, "negotiation"), created.changes().byField().get("stage"));
    assertEquals(
        new FieldChange(null, new BigDecimal("1500000.00")),
        created.changes().byField().get("amount"));
    assertEquals(
        new FieldChange(null, "华东电网有限公司"), created.changes().byField().get("finalCustomerName"));
    assertEquals(null, created.changes().byField().get("operatorName"), "never set: not listed");
  }

  @Test
  void recordsAnUpdateWithItsOriginAndEveryChangedFieldBeforeAndAfter() {
    insert(anOpportunity().code("H-UP").build());
    OpportunityPatch patch =
        OpportunityPatch.builder(new OpportunityCode("H-UP"))
            .set(OpportunityField.STAGE, new StageCode("won"))
            .set(OpportunityField.AMOUNT, new Amount(new BigDecimal("2800000")))
            .set(OpportunityField.PROJECT_LOCATION, null)
            .set(OpportunityField.SOURCE, "展会")
            .set(OpportunityField.STATUS, OpportunityStatus.ACTIVE) // as stored: not a change
            .build();
    store.update(new OpportunityCode("H-UP"), ORIGIN, c -> c.apply(patch, LATER));
    HistoryPage page = history("H-UP");
    assertEquals(List.of(2L, 1L), versions(page));
    HistoryEntry update = page.items().get(0);
    assertEquals(LATER, update.at());
    assertEquals(ORIGIN.caller(), update.caller());
    assertEquals(ORIGIN.requestId(), update.requestId());
    assertEquals(ChangeSource.UPDATE, update.source());
    assertEquals(
        List.of("projectLocation", "amount", "stage", "source"),
        List.copyOf(update.changes().byField().keySet()),
        "the changed fields, in the contract's order");
    assertEquals(new FieldChange("negotiation", "won"), update.changes().byField().get("stage"));
    assertEquals(
        new FieldChange(new BigDecimal("1500000.00"), new BigDecimal("2800000.00")),
        update.changes().byField().get("amount"));
    assertEquals(new FieldChange("上海", null), update.changes().byField().get("projectLocation"));
  }

  @Test
  void recordsEveryKindOfValueExactly() {
    NewOpportunity full = aFullOpportunity().code("H-FULL").build();
    insert(full);
    assertEquals(
        HistoryEntry.ofCreated(full, ChangeOrigin.IMPORT), history("H-FULL").items().get(0));
  }

  @Test
  void recordsNothingForAnUpdateThatChangesNothingOrFails() {
    insert(anOpportunity().code("H-SAME").build());
    store.update(new OpportunityCode("H-SAME"), ORIGIN, current -> current);
    assertThrows(
        UpdateRejectedException.class,
        () ->
            store.update(
                new OpportunityCode("H-SAME"),
                ORIGIN,
                c -> {
                  throw new UpdateRejectedException("no");
                }));
    assertEquals(List.of(1L), versions(history("H-SAME")));
  }

  @Test
  void recordsAnImportedUpdateAgainstTheStateItFollows() {
    Opportunity existing = insert(anOpportunity().code("H-IMP").build());
    Opportunity changed =
        existing.apply(patch("H-IMP", OpportunityField.OPERATOR_NAME, "新运作方"), LATER);
    store.importAll(List.of(), List.of(changed));
    assertEquals(
        HistoryEntry.of(existing, changed, ChangeOrigin.IMPORT), history("H-IMP").items().get(0));
  }

  @Test
  void recordsNothingOfAnImportWhoseWorkThrows() {
    Opportunity existing = insert(anOpportunity().code("H-ROLL").build());
    assertThrows(
        IllegalStateException.class,
        () ->
            store.importInTransaction(
                session -> {
                  session.write(
                      List.of(anOpportunity().code("H-ROLL-NEW").build()),
                      List.of(
                          existing.apply(patch("H-ROLL", OpportunityField.SOURCE, "回滚"), LATER)));
                  throw new IllegalStateException("the work fails");
                }));
    assertEquals(List.of(1L), versions(history("H-ROLL")));
    assertTrue(store.history(new OpportunityCode("H-ROLL-NEW"), Long.MAX_VALUE, 10).isEmpty());
  }

  @Test
  void pagesTheHistoryNewestFirst() {
    insert(anOpportunity().code("H-PAGE").build());
    for (int i = 1; i <= 24; i++) {
      OpportunityPatch next = patch("H-PAGE", OpportunityField.SOURCE, "第" + i + "次");
      store.update(new OpportunityCode("H-PAGE"), ORIGIN, c -> c.apply(next, LATER));
    }
    OpportunityCode code = new OpportunityCode("H-PAGE");
    HistoryPage first = store.history(code, Long.MAX_VALUE, 10).orElseThrow();
    assertEquals(List.of(25L, 24L, 23L, 22L, 21L, 20L, 19L, 18L, 17L, 16L), versions(first));
    assertEquals(Optional.of(16L), first.nextBefore());
    HistoryPage second = store.history(code, 16, 10).orElseThrow();
    assertEquals(List.of(15L, 14L, 13L, 12L, 11L, 10L, 9L, 8L, 7L, 6L), versions(second));
    HistoryPage last = store.history(code, 6, 10).orElseThrow();
    assertEquals(List.of(5L, 4L, 3L, 2L, 1L), versions(last));
    assertEquals(Optional.empty(), last.nextBefore());
    HistoryPage exact = store.history(code, 6, 5).orElseThrow();
    assertEquals(Optional.empty(), exact.nextBefore(), "nothing older: no next page");
    assertEquals(List.of(), store.history(code, 1, 10).orElseThrow().items());
  }

  @Test
  void answersNoHistoryForAnUnknownCode() {
    assertEquals(Optional.empty(), store.history(new OpportunityCode("H-NONE"), Long.MAX_VALUE, 5));
  }

  @Test
  void prunesRecordsMadeBeforeAnInstantAtMostSoManyAtATime() {
    insert(anOpportunity().code("H-OLD-1").build());
    insert(anOpportunity().code("H-OLD-2").build());
    insert(anOpportunity().code("H-OLD-3").build());
    store.update(
        new OpportunityCode("H-OLD-1"),
        ORIGIN,
        c -> c.apply(patch("H-OLD-1", OpportunityField.SOURCE, "新"), LATER));
    Instant between = Opportunities.CREATED_AT.plusSeconds(1);
    assertEquals(2, store.pruneHistory(between, 2));
    assertEquals(1, store.pruneHistory(between, 2), "fewer than asked: nothing older is left");
    assertEquals(0, store.pruneHistory(between, 2));
    assertEquals(List.of(2L), versions(history("H-OLD-1")));
    assertEquals(List.of(), versions(history("H-OLD-2")));
    assertEquals(
        Version.FIRST, store.findByCode(new OpportunityCode("H-OLD-2")).orElseThrow().version());
  }

  @Test
  void isAvailableWithoutAReason() {
    assertTrue(store.isAvailable());
    assertTrue(store.unavailableReason().isEmpty());
  }

  /** 16 writers, each owning one field of the same opportunity: every last value lands. */
  @Test
  void losesNoUpdateOfConcurrentWritersOfDisjointFields() throws Exception {
    String code = "CONC-1";
    insert(aBareOpportunity().code(code).build());
    List<OpportunityField> fields = disjointFields();
    int rounds = 25;
    ExecutorService pool = Executors.newFixedThreadPool(fields.size());
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (OpportunityField field : fields) {
        writers.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int round = 1; round <= rounds; round++) {
                    OpportunityPatch patch = patch(code, field, valueOf(field, round));
                    Instant now = LATER.plusMillis(round);
                    store.update(
                        new OpportunityCode(code), ORIGIN, current -> current.apply(patch, now));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> writer : writers) writer.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    Opportunity result = store.findByCode(new OpportunityCode(code)).orElseThrow();
    for (OpportunityField field : fields) {
      assertEquals(valueOf(field, rounds), field.valueIn(result.details()), field.jsonName());
    }
    assertEquals(new Version(1 + (long) fields.size() * rounds), result.version());
  }

  /** Sixteen fields whose values can differ in every round. */
  protected static List<OpportunityField> disjointFields() {
    return List.of(
        OpportunityField.OPPORTUNITY_NAME,
        OpportunityField.PROJECT_LOCATION,
        OpportunityField.OPERATOR_NAME,
        OpportunityField.AMOUNT,
        OpportunityField.EXPECTED_CLOSE_DATE,
        OpportunityField.OPPORTUNITY_TYPE,
        OpportunityField.PRODUCT_TYPE,
        OpportunityField.SOURCE,
        OpportunityField.SALES_EXPANSION_ID,
        OpportunityField.CHANNEL_EXPANSION_ID,
        OpportunityField.PRE_SALES_ID,
        OpportunityField.PRE_SALES_NAME,
        OpportunityField.COMPETITOR_NAME,
        OpportunityField.ARCHIVED,
        OpportunityField.OMS_PUSH_TIME,
        OpportunityField.DESCRIPTION);
  }

  /** A value of {@code field}'s type that differs from the one of the round before. */
  protected static Object valueOf(OpportunityField field, int round) {
    Class<?> type = field.type();
    if (type == String.class) return field.jsonName() + "-" + round;
    if (type == Long.class) return (long) round;
    if (type == Amount.class) return new Amount(BigDecimal.valueOf(round * 100L + 1, 2));
    if (type == LocalDate.class) return LocalDate.of(2026, 1, 1).plusDays(round);
    if (type == Instant.class) return Instant.parse("2026-01-01T00:00:00Z").plusSeconds(round);
    if (type == Boolean.class) return round % 2 == 1;
    throw new IllegalArgumentException("no test values for " + field);
  }
}

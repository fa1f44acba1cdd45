package cn.opportunity.integration.domain.dictionary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.LostReasonId;
import cn.opportunity.integration.domain.StageCode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DictionarySnapshotTest {
  static final Instant AT = Instant.parse("2026-04-01T00:00:00Z");

  static Stage stage(String code, String name, boolean enabled) {
    return new Stage(new StageCode(code), name, StageKind.IN_PROGRESS, 1, enabled);
  }

  static final DictionarySnapshot TWO_FLOWS =
      new DictionarySnapshot(
          List.of(
              new SalesFlow(
                  "1",
                  "一",
                  List.of(
                      stage("101", "谈判", true),
                      stage("102", "旧阶段", false),
                      stage("103", "立项", true))),
              new SalesFlow(
                  "2",
                  "二",
                  List.of(
                      stage("201", "谈判", true),
                      stage("202", "立项", false),
                      stage("203", "101", true)))),
          List.of(new LostReason("9", "价格", true)),
          AT);

  @Test
  void recordsTheSettingsItWasFetchedWithInACopy() {
    assertEquals(Optional.empty(), TWO_FLOWS.settings());
    DictionarySnapshot recorded = TWO_FLOWS.withSettings("XIAOMAN_FLOW_IDS=1,2");
    assertEquals(Optional.of("XIAOMAN_FLOW_IDS=1,2"), recorded.settings());
    assertEquals(TWO_FLOWS.flows(), recorded.flows());
    assertEquals(TWO_FLOWS.lostReasons(), recorded.lostReasons());
    assertEquals(TWO_FLOWS.loadedAt(), recorded.loadedAt());
    assertEquals(TWO_FLOWS.skipped(), recorded.skipped());
    assertEquals(TWO_FLOWS.enabledStageCount(), recorded.enabledStageCount());
    assertTrue(recorded.resolveStage("101").isPresent());
  }

  @Test
  void refusesTwoStagesWithOneCode() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DictionarySnapshot(
                List.of(
                    new SalesFlow("1", "一", List.of(stage("a", "甲", true), stage("a", "乙", true)))),
                List.of(),
                AT));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DictionarySnapshot(
                List.of(
                    new SalesFlow("1", "一", List.of(stage("a", "甲", true))),
                    new SalesFlow("2", "二", List.of(stage(" a ", "乙", false)))),
                List.of(),
                AT));
  }

  @ParameterizedTest
  @CsvSource({"101,101", "' 103 ',103", "立项,103", "203,203", "' 立项 ',103"})
  void resolvesEnabledStagesByCodeThenUniqueName(String key, String code) {
    assertEquals(Optional.of(new StageCode(code)), TWO_FLOWS.resolveStage(key).map(Stage::code));
  }

  @ParameterizedTest
  @ValueSource(strings = {"谈判", "102", "旧阶段", "202", "", "  ", "nope"})
  void resolvesNoDisabledAmbiguousOrUnknownStage(String key) {
    assertEquals(Optional.empty(), TWO_FLOWS.resolveStage(key));
  }

  @Test
  void matchesCodesAndNamesCaseSensitively() {
    DictionarySnapshot latin =
        new DictionarySnapshot(
            List.of(new SalesFlow("f", "Flow", List.of(stage("A1", "Alpha", true)))),
            List.of(),
            AT);
    assertEquals(Optional.of(new StageCode("A1")), latin.resolveStage("A1").map(Stage::code));
    assertEquals(Optional.of(new StageCode("A1")), latin.resolveStage(" Alpha\t").map(Stage::code));
    assertEquals(Optional.empty(), latin.resolveStage("a1"));
    assertEquals(Optional.empty(), latin.resolveStage("alpha"));
    assertEquals(Optional.empty(), latin.resolveStage("ALPHA"));
  }

  /** A dictionary's codes and names are trimmed as sent values are, so the two still meet. */
  @ParameterizedTest
  @MethodSource("cn.opportunity.integration.domain.testing.WhiteSpace#noBreak")
  void trimsUnicodeWhiteSpaceAroundStagesButNotInside(String space) {
    Stage pasted = stage(space + "301" + space, space + "方案\u00A0交流" + space, true);
    assertEquals(new StageCode("301"), pasted.code());
    assertEquals("方案\u00A0交流", pasted.name());
    assertThrows(IllegalArgumentException.class, () -> stage("302", space + space, true));
    DictionarySnapshot dictionary =
        new DictionarySnapshot(List.of(new SalesFlow("3", "三", List.of(pasted))), List.of(), AT);
    for (String key :
        List.of("301", space + "301", "301" + space, "方案\u00A0交流", space + "方案\u00A0交流" + space))
      assertEquals(
          Optional.of(new StageCode("301")), dictionary.resolveStage(key).map(Stage::code), key);
    for (String key : List.of("方案交流", "方案 交流", "方案" + space + space + "交流", space))
      assertEquals(Optional.empty(), dictionary.resolveStage(key), key);
  }

  @Test
  void prefersACodeToAnotherStagesName() {
    assertEquals(Optional.of(new StageCode("101")), TWO_FLOWS.resolveStage("101").map(Stage::code));
    assertEquals("谈判", TWO_FLOWS.resolveStage("101").orElseThrow().name());
  }

  @Test
  void refusesTwoDisabledStagesWithOneCode() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DictionarySnapshot(
                List.of(
                    new SalesFlow(
                        "1", "一", List.of(stage("x", "甲", false), stage("x", "乙", false)))),
                List.of(),
                AT));
  }

  @Test
  void knowsNoStageWhenEveryStageIsDisabled() {
    DictionarySnapshot off =
        new DictionarySnapshot(
            List.of(new SalesFlow("1", "一", List.of(stage("x", "甲", false)))), List.of(), AT);
    assertEquals(0, off.enabledStageCount());
    assertEquals(Optional.empty(), off.resolveStage("x"));
    assertEquals(Optional.empty(), off.resolveStage("甲"));
    assertEquals(false, off.stage(new StageCode("x")).orElseThrow().enabled());
  }

  @Test
  void findsAnyStageByCodeAndCountsEnabledOnes() {
    assertEquals("旧阶段", TWO_FLOWS.stage(new StageCode("102")).orElseThrow().name());
    assertEquals(Optional.empty(), TWO_FLOWS.stage(new StageCode("999")));
    assertEquals(4, TWO_FLOWS.enabledStageCount());
    assertEquals(AT, TWO_FLOWS.loadedAt());
    assertEquals(1, TWO_FLOWS.lostReasons().size());
    assertEquals(2, TWO_FLOWS.flows().size());
  }

  @Test
  void keepsWhatItsSourceLeftOutAndIsCompleteByDefault() {
    assertEquals(List.of(), TWO_FLOWS.skipped());
    List<String> skipped = new java.util.ArrayList<>(List.of("flow 3 (三): no stages"));
    DictionarySnapshot partial = new DictionarySnapshot(TWO_FLOWS.flows(), List.of(), AT, skipped);
    skipped.add("changed afterwards");
    assertEquals(List.of("flow 3 (三): no stages"), partial.skipped());
    assertEquals(4, partial.enabledStageCount());
  }

  @Test
  void buildsTheContractsSevenStages() {
    FixedFlowDictionary dictionary = FixedFlowDictionary.builtIn(AT);
    DictionarySnapshot snapshot = dictionary.current().orElseThrow();
    List<Stage> stages = snapshot.flows().get(0).stages();
    assertEquals(
        List.of("discovery", "qualification", "solution", "bidding", "negotiation", "won", "lost"),
        stages.stream().map(s -> s.code().value()).toList());
    assertEquals(
        List.of("发现商机", "需求确认", "方案交流", "招投标", "商务谈判", "赢单", "输单"),
        stages.stream().map(Stage::name).toList());
    assertEquals(
        List.of(
            StageKind.IN_PROGRESS,
            StageKind.IN_PROGRESS,
            StageKind.IN_PROGRESS,
            StageKind.IN_PROGRESS,
            StageKind.IN_PROGRESS,
            StageKind.WON,
            StageKind.LOST),
        stages.stream().map(Stage::kind).toList());
    assertTrue(stages.stream().allMatch(Stage::enabled));
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), stages.stream().map(Stage::rank).toList());
    for (Stage stage : stages) {
      assertEquals(Optional.of(stage), snapshot.resolveStage(stage.code().value()));
      assertEquals(Optional.of(stage), snapshot.resolveStage(stage.name()));
    }
    assertEquals(1, snapshot.flows().size());
    assertEquals(7, snapshot.enabledStageCount());
    assertEquals(AT, snapshot.loadedAt());
    assertEquals(List.of(), snapshot.skipped());
    assertEquals("local", dictionary.source());
    assertEquals(Optional.empty(), dictionary.lastError());
  }

  @Test
  void buildsTheContractsFiveLostReasons() {
    DictionarySnapshot snapshot = FixedFlowDictionary.builtIn(AT).current().orElseThrow();
    assertEquals(
        List.of(
            new LostReason("price", "价格因素", true),
            new LostReason("competitor", "竞品胜出", true),
            new LostReason("budget", "预算取消", true),
            new LostReason("timing", "时机未到", true),
            new LostReason("other", "其他", true)),
        snapshot.lostReasons());
    assertEquals(FixedFlowDictionary.builtInLostReasons(), snapshot.lostReasons());
    for (LostReason reason : snapshot.lostReasons()) {
      assertEquals(Optional.of(reason), snapshot.resolveLostReason(reason.id()));
      assertEquals(Optional.of(reason), snapshot.resolveLostReason(reason.name()));
    }
  }

  // ---- lost reasons ------------------------------------------------------------------------

  /** 价格 shared by two enabled reasons, 旧原因 disabled, 竞品 enabled once and disabled once. */
  static final DictionarySnapshot REASONS =
      new DictionarySnapshot(
          List.of(),
          List.of(
              new LostReason("1", "价格", true),
              new LostReason("2", "价格", true),
              new LostReason("3", "旧原因", false),
              new LostReason("4", "竞品", true),
              new LostReason("5", "竞品", false),
              new LostReason("6", "1", true),
              new LostReason("7", "Budget", true)),
          AT);

  @ParameterizedTest
  @CsvSource({"1,1", "2,2", "' 4 ',4", "竞品,4", "'\u3000竞品 ',4", "6,6", "Budget,7"})
  void resolvesEnabledLostReasonsByIdThenUniqueName(String key, String id) {
    assertEquals(Optional.of(id), REASONS.resolveLostReason(key).map(LostReason::id));
  }

  @ParameterizedTest
  @ValueSource(strings = {"价格", "3", "旧原因", "5", "", "  ", "nope", "budget", "竞 品"})
  void resolvesNoDisabledAmbiguousOrUnknownLostReason(String key) {
    assertEquals(Optional.empty(), REASONS.resolveLostReason(key));
  }

  @Test
  void prefersAnIdToAnotherLostReasonsName() {
    assertEquals("1", REASONS.resolveLostReason("1").orElseThrow().id(), "6 is named 1");
  }

  @Test
  void refusesTwoLostReasonsWithOneId() {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new DictionarySnapshot(
                    List.of(),
                    List.of(new LostReason("a", "甲", false), new LostReason(" a ", "乙", true)),
                    AT));
    assertEquals("lost reason id a appears twice", refused.getMessage());
  }

  @Test
  void trimsALostReasonsIdAndGivesItAsAnOpportunityStoresIt() {
    LostReason reason = new LostReason("\u00A0price ", "价格因素", true);
    assertEquals("price", reason.id());
    assertEquals(new LostReasonId("price"), reason.lostReasonId());
  }

  @Test
  void resolvesOnlyItsOwnLostReasons() {
    assertEquals(Optional.empty(), TWO_FLOWS.resolveLostReason("价格因素"));
    assertEquals(Optional.of("9"), TWO_FLOWS.resolveLostReason("价格").map(LostReason::id));
  }

  /** Xiaoman's stage {@code type} (CONTRACT.md §4), the kind's name in files, its users' word. */
  @ParameterizedTest
  @CsvSource({"IN_PROGRESS,1,in_progress,进行中", "WON,2,won,赢单", "LOST,3,lost,输单"})
  void mapsStageKinds(StageKind kind, int xiaomanType, String code, String label) {
    assertEquals(xiaomanType, kind.xiaomanType());
    assertEquals(Optional.of(kind), StageKind.ofXiaomanType(xiaomanType));
    assertEquals(code, kind.code());
    assertEquals(Optional.of(kind), StageKind.ofCode(code));
    assertEquals(Optional.of(kind), StageKind.ofCode(" " + code.toUpperCase(Locale.ROOT) + " "));
    assertEquals(label, kind.label());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 4, -1})
  void knowsNoOtherXiaomanStageType(int type) {
    assertEquals(Optional.empty(), StageKind.ofXiaomanType(type));
  }

  /** A dictionary entry without an id or a name could be neither stored nor shown. */
  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "null,价格,a lost reason has an id",
        "' ',价格,a lost reason has an id",
        "'\u3000',价格,a lost reason has an id",
        "9,null,lost reason 9 has no name",
        "9,' ',lost reason 9 has no name"
      })
  void refusesALostReasonWithoutIdOrName(String id, String name, String message) {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> new LostReason(id, name, true));
    assertEquals(message, refused.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "null,流程,a sales flow has an id",
        "' ',流程,a sales flow has an id",
        "7,null,sales flow 7 has no name",
        "7,' ',sales flow 7 has no name"
      })
  void refusesASalesFlowWithoutIdOrName(String id, String name, String message) {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> new SalesFlow(id, name, List.of()));
    assertEquals(message, refused.getMessage());
  }

  @Test
  void keepsALostReasonAsGiven() {
    LostReason reason = new LostReason("9", "价格", false);
    assertEquals("9", reason.id());
    assertEquals("价格", reason.name());
    assertEquals(false, reason.enabled());
  }
}

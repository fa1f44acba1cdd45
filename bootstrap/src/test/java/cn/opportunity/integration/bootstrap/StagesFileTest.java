package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.dictionary.LostReason;
import cn.opportunity.integration.domain.dictionary.Stage;
import cn.opportunity.integration.domain.dictionary.StageKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StagesFileTest {
  static final Instant NOW = Instant.parse("2026-04-30T02:00:00Z");
  @TempDir Path dir;

  private Path file(String json) throws Exception {
    Path file = dir.resolve("stages.json");
    Files.writeString(file, json, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void readsFlowsStagesAndLostReasons() throws Exception {
    DictionarySnapshot snapshot =
        StagesFile.read(
            file(
                """
        {"flows": [{"id": "projects", "name": "项目型销售", "stages": [
           {"code": "P10", "name": "立项", "kind": "in_progress"},
           {"code": "P90", "name": "中标", "kind": "won", "rank": 9},
           {"code": "P99", "name": "未中标", "kind": "lost", "enabled": false}]}],
         "lostReasons": [{"id": "price", "name": "价格"}]}"""),
            NOW);
    assertEquals(1, snapshot.flows().size());
    assertEquals(2, snapshot.enabledStageCount());
    assertEquals(StageKind.WON, snapshot.resolveStage("中标").orElseThrow().kind());
    assertEquals(9, snapshot.resolveStage("P90").orElseThrow().rank());
    assertEquals(1, snapshot.resolveStage("P10").orElseThrow().rank());
    assertFalse(snapshot.resolveStage("P99").isPresent());
    assertEquals("价格", snapshot.lostReasons().get(0).name());
    assertEquals(NOW, snapshot.loadedAt());
  }

  /** CONTRACT §5.6: a file that names no lost reasons keeps the built-in ones. */
  @Test
  void keepsTheBuiltInLostReasonsWhenTheFileNamesNone() throws Exception {
    DictionarySnapshot snapshot =
        StagesFile.read(
            file("{\"stages\":[{\"code\":\"a\",\"name\":\"甲\",\"kind\":\"won\"}]}"), NOW);
    assertEquals(FixedFlowDictionary.builtInLostReasons(), snapshot.lostReasons());
    assertEquals("budget", snapshot.resolveLostReason("预算取消").orElseThrow().id());
  }

  @Test
  void replacesTheBuiltInLostReasonsWithTheFilesOwn() throws Exception {
    DictionarySnapshot snapshot =
        StagesFile.read(
            file(
                """
        {"stages": [{"code": "a", "name": "甲", "kind": "lost"}],
         "lostReasons": [{"id": " r1 ", "name": "资金不足"},
                         {"id": "r2", "name": "停用原因", "enabled": false}]}"""),
            NOW);
    assertEquals(
        List.of(new LostReason("r1", "资金不足", true), new LostReason("r2", "停用原因", false)),
        snapshot.lostReasons());
    assertEquals("r1", snapshot.resolveLostReason("资金不足").orElseThrow().id());
    assertTrue(snapshot.resolveLostReason("r2").isEmpty(), "disabled");
    assertTrue(snapshot.resolveLostReason("price").isEmpty(), "not the built-in ones");
  }

  @Test
  void knowsNoLostReasonWhenTheFileListsAnEmptyArray() throws Exception {
    DictionarySnapshot snapshot =
        StagesFile.read(
            file(
                "{\"stages\":[{\"code\":\"a\",\"name\":\"甲\",\"kind\":\"won\"}],\"lostReasons\":[]}"),
            NOW);
    assertEquals(List.of(), snapshot.lostReasons());
    assertTrue(snapshot.resolveLostReason("price").isEmpty());
  }

  @Test
  void readsAListOfStagesAsOneFlow() throws Exception {
    DictionarySnapshot snapshot =
        StagesFile.read(
            file("{\"stages\":[{\"code\":\"a\",\"name\":\"甲\",\"kind\":\"won\"}]}"), NOW);
    assertEquals("default", snapshot.flows().get(0).id());
    assertTrue(snapshot.resolveStage("a").isPresent());
  }

  /**
   * A file filled from a spreadsheet: no-break spaces around codes, names and kinds are trimmed,
   * not inside.
   */
  @Test
  void trimsNoBreakSpacesAroundCodesNamesAndKinds() throws Exception {
    DictionarySnapshot snapshot =
        StagesFile.read(
            file(
                "{\"stages\":[{\"code\":\"\u00A0a\uFEFF\",\"name\":\"\u202F甲\u00A0乙\u00A0\",\"kind\":\"won\u2007\"}]}"),
            NOW);
    Stage a = snapshot.resolveStage("a").orElseThrow();
    assertEquals("甲\u00A0乙", a.name());
    assertEquals(StageKind.WON, a.kind());
    assertEquals(Optional.of(a), snapshot.resolveStage("甲\u00A0乙"));
    Path blankName =
        file("{\"stages\":[{\"code\":\"a\",\"name\":\"\u00A0\u2007\",\"kind\":\"won\"}]}");
    AppConfig.InvalidConfigException e =
        assertThrows(AppConfig.InvalidConfigException.class, () -> StagesFile.read(blankName, NOW));
    assertEquals(
        List.of("OPP_STAGES_FILE: " + blankName + ": every entry needs a non-blank \"name\""),
        e.problems());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "[]",
        "{}",
        "{\"stages\":[]}",
        "{\"stages\":{}}",
        "{\"stages\":[{\"code\":\"a\",\"name\":\"甲\",\"kind\":\"maybe\"}]}",
        "{\"stages\":[{\"code\":\"\",\"name\":\"甲\",\"kind\":\"won\"}]}",
        "{\"stages\":[{\"code\":\"a\",\"kind\":\"won\"}]}",
        "{\"stages\":[{\"code\":\"a\",\"name\":\"甲\",\"kind\":\"won\"},{\"code\":\"a\",\"name\":\"乙\",\"kind\":\"lost\"}]}",
        "{\"stages\":[{\"code\":\"a\",\"name\":\"甲\",\"kind\":\"won\"}],\"lostReasons\":{}}",
        "{\"stages\":[{\"code\":\"a\",\"name\":\"甲\",\"kind\":\"won\"}],\"lostReasons\":null}",
        "{\"stages\":[{\"code\":\"a\",\"name\":\"甲\",\"kind\":\"won\"}],\"lostReasons\":[{\"name\":\"价格\"}]}",
        "{\"stages\":[{\"code\":\"a\",\"name\":\"甲\",\"kind\":\"won\"}],\"lostReasons\":[{\"id\":\"p\",\"name\":\" \"}]}",
        "{\"stages\":[{\"code\":\"a\",\"name\":\"甲\",\"kind\":\"won\"}],\"lostReasons\":[{\"id\":\"p\",\"name\":\"甲\"},{\"id\":\"p \",\"name\":\"乙\"}]}"
      })
  void refusesABadFileNamingTheVariable(String json) throws Exception {
    Path file = file(json);
    AppConfig.InvalidConfigException e =
        assertThrows(AppConfig.InvalidConfigException.class, () -> StagesFile.read(file, NOW));
    assertTrue(
        e.problems().get(0).startsWith("OPP_STAGES_FILE: " + file + ": "), e.problems().toString());
  }
}

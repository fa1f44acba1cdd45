package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar's commands, run in-process as {@code Main} runs them, on real SQLite files. */
class CommandsTest {
  @TempDir Path dir;
  ServiceHarness service;

  @BeforeEach
  void harness() {
    service = new ServiceHarness(dir);
  }

  @AfterEach
  void stop() {
    service.close();
  }

  private Path file(String... lines) throws Exception {
    Path file = Files.createTempFile(dir, "lines", ".jsonl");
    Files.write(file, List.of(lines), StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void importsNewAndStoredOpportunitiesAndPrintsTheCounts() throws Exception {
    service.importLines("{\"opportunityCode\":\"A-1\",\"opportunityName\":\"甲\",\"amount\":1}");
    ServiceHarness.CommandResult result =
        service.command(
            "import",
            file(
                    "{\"opportunityCode\":\"A-1\",\"opportunityName\":\"甲\",\"amount\":2}",
                    "",
                    "{\"opportunityCode\":\"B-2\",\"opportunityName\":\"乙\",\"finalCustomerName\":\"客户乙\",\"stage\":\"won\"}",
                    "{\"opportunityCode\":\"B-2\",\"opportunityName\":\"乙\",\"status\":\"WON\",\"lostReason\":\" 竞品胜出\"}")
                .toString());
    assertEquals(Main.OK, result.status(), result.err());
    assertTrue(result.out().contains("3 lines, 1 inserted, 2 updated, 0 unchanged"), result.out());
    service.start();
    assertEquals("2.00", service.stored("A-1").get("amount").toString());
    assertEquals(2, service.stored("A-1").get("version").asInt());
    assertEquals("won", service.stored("B-2").get("stage").asText());
    assertEquals("won", service.stored("B-2").get("status").asText());
    assertEquals("客户乙", service.stored("B-2").get("finalCustomerName").asText());
    assertEquals("competitor", service.stored("B-2").get("lostReason").asText());
    assertTrue(service.stored("A-1").get("lostReason").isNull());
    assertEquals(2, service.stored("B-2").get("version").asInt()); // its second line changed it
  }

  @Test
  void reportsEveryBadLineAndImportsNothing() throws Exception {
    ServiceHarness.CommandResult result =
        service.command(
            "import",
            file(
                    "{\"opportunityCode\":\"C-1\",\"opportunityName\":\"丙\"}",
                    "{\"opportunityCode\":\"C-2\",\"amount\":0}",
                    "not json",
                    "{\"opportunityCode\":\"C-3\",\"opportunityName\":\"丁\",\"lostReason\":\"nope\",\"stage\":\"nowhere\",\"colour\":1}")
                .toString());
    assertEquals(Main.FAILED, result.status());
    List<String> err = result.err().lines().toList();
    assertEquals(
        List.of(
            "line 2: 商机名称不能为空；商机金额必须大于 0",
            "line 3: 不是有效的 JSON 对象",
            "line 4: 项目阶段无效: nowhere；输单原因无效: nope；不支持的字段: colour"),
        err.subList(0, 3));
    assertTrue(
        err.get(3).startsWith("3 bad line(s) in ")
            && err.get(3).endsWith("; nothing was imported."),
        err.get(3));
    service.start();
    assertEquals(404, service.get("C-1").statusCode());
  }

  @Test
  void refusesToChangeTheFinalCustomerOfAStoredOpportunity() throws Exception {
    service.importLines(
        "{\"opportunityCode\":\"D-1\",\"opportunityName\":\"戊\",\"finalCustomerName\":\"原客户\"}");
    ServiceHarness.CommandResult result =
        service.command(
            "import",
            file("{\"opportunityCode\":\"D-1\",\"opportunityName\":\"戊\",\"finalCustomerName\":\"新客户\"}")
                .toString());
    assertEquals(Main.FAILED, result.status());
    assertTrue(result.err().startsWith("line 1: 不支持更新商机的最终客户"), result.err());
  }

  @Test
  void saysWhenTheImportFileDoesNotExist() {
    ServiceHarness.CommandResult result =
        service.command("import", dir.resolve("missing.jsonl").toString());
    assertEquals(Main.FAILED, result.status());
    assertTrue(result.err().contains("No such file"), result.err());
  }

  @Test
  void printsTheDictionaryAsATable() {
    ServiceHarness.CommandResult result = service.command("dictionary");
    assertEquals(Main.OK, result.status(), result.err());
    assertTrue(result.out().contains("source local"), result.out());
    List<String> lines = result.out().lines().toList();
    assertTrue(
        lines.contains(
            "  CODE"
                + " ".repeat(11)
                + "NAME"
                + " ".repeat(6)
                + "KIND"
                + " ".repeat(9)
                + "ENABLED"),
        result.out());
    assertTrue(
        lines.contains("  discovery" + " ".repeat(6) + "发现商机  in_progress  yes"), result.out());
    assertTrue(
        lines.contains(
            "  won" + " ".repeat(12) + "赢单" + " ".repeat(6) + "won" + " ".repeat(10) + "yes"),
        result.out());
    List<String> reasons = lines.subList(lines.indexOf("Lost reasons"), lines.size());
    assertEquals(
        List.of(
            "Lost reasons",
            "  ID" + " ".repeat(10) + "NAME" + " ".repeat(6) + "ENABLED",
            "  price" + " ".repeat(7) + "价格因素  yes",
            "  competitor  竞品胜出  yes",
            "  budget" + " ".repeat(6) + "预算取消  yes",
            "  timing" + " ".repeat(6) + "时机未到  yes",
            "  other" + " ".repeat(7) + "其他" + " ".repeat(6) + "yes"),
        reasons,
        result.out());
  }

  @Test
  void printsTheUsageForHelp() {
    ServiceHarness.CommandResult result = service.command("--help");
    assertEquals(Main.OK, result.status());
    assertTrue(
        result.out().startsWith("Usage: java -jar opportunity-integration.jar"), result.out());
    ServiceHarness.CommandResult importHelp = service.command("import", "--help");
    assertEquals(Main.OK, importHelp.status());
    assertTrue(
        importHelp.out().startsWith("Usage: java -jar opportunity-integration.jar import FILE"),
        importHelp.out());
  }

  @Test
  void refusesAnUnknownCommandWithTheUsage() {
    ServiceHarness.CommandResult result = service.command("launch");
    assertEquals(Main.USAGE, result.status());
    assertTrue(result.err().startsWith("Unknown command: launch"), result.err());
    assertTrue(result.err().contains("Usage:"), result.err());
  }

  @Test
  void refusesToServeWithoutASecretNamingTheVariable() {
    service.environment.remove("OPP_INTERNAL_SECRETS");
    ServiceHarness.CommandResult result = service.command("serve");
    assertEquals(Main.USAGE, result.status());
    assertTrue(result.err().contains("OPP_INTERNAL_SECRETS is required"), result.err());
    assertFalse(
        Files.exists(dir.resolve("opportunities.db")),
        "nothing is created before the config is valid");
  }
}

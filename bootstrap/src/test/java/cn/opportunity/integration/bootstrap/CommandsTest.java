package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

  /** What the directory holds besides the store's files and the tests' import files. */
  private List<String> filesBesideTheStore() throws Exception {
    try (var files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> !name.startsWith("opportunities.db"))
          .filter(name -> !name.startsWith("lines") && !name.startsWith("import"))
          .sorted()
          .toList();
    }
  }

  @Test
  void exportsEveryOpportunityAsImportLinesInCodeOrder() throws Exception {
    service.importLines(
        "{\"opportunityCode\":\"B-2\",\"opportunityName\":\"乙\",\"finalCustomerName\":\"客户乙\","
            + "\"stage\":\"招投标\",\"omsPushTime\":\"2026-04-30T10:00:00+08:00\",\"status\":\"LOST\","
            + "\"lostReason\":\" 竞品胜出\",\"archived\":false}",
        "{\"opportunityCode\":\" A-1 \",\"opportunityName\":\"甲\",\"amount\":1.5}");
    Path export = dir.resolve("export.jsonl");
    ServiceHarness.CommandResult result = service.command("export", export.toString());
    assertEquals(Main.OK, result.status(), result.err());
    assertEquals(
        "Exported 2 opportunities from " + service.environment.get("OPP_DB_URL") + " to " + export,
        result.out().replaceAll(" \\(\\d+ ms\\)\\R$", ""));
    assertEquals(
        List.of(
            "{\"opportunityCode\":\"A-1\",\"opportunityName\":\"甲\",\"amount\":1.50}",
            "{\"opportunityCode\":\"B-2\",\"opportunityName\":\"乙\",\"finalCustomerName\":\"客户乙\","
                + "\"stage\":\"bidding\",\"archived\":false,\"omsPushTime\":\"2026-04-30T02:00:00Z\","
                + "\"status\":\"lost\",\"lostReason\":\"competitor\"}"),
        Files.readAllLines(export, StandardCharsets.UTF_8));
    assertEquals(
        PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(export));
    assertEquals(List.of("export.jsonl"), filesBesideTheStore()); // no temporary file left
  }

  @Test
  void exportsAnEmptyStoreAsAnEmptyFile() throws Exception {
    Path export = dir.resolve("empty.jsonl");
    ServiceHarness.CommandResult result = service.command("export", export.toString());
    assertEquals(Main.OK, result.status(), result.err());
    assertTrue(result.out().startsWith("Exported 0 opportunities from "), result.out());
    assertEquals(0, Files.size(export));
  }

  @Test
  void refusesToOverwriteAnExistingFileBeforeOpeningTheStore() throws Exception {
    Path existing = dir.resolve("existing.jsonl");
    Files.writeString(existing, "keep me\n");
    ServiceHarness.CommandResult result = service.command("export", existing.toString());
    assertEquals(Main.FAILED, result.status());
    assertEquals(
        existing + " exists; export never overwrites a file: remove it or name another one.\n",
        result.err());
    assertEquals("keep me\n", Files.readString(existing));
    assertFalse(Files.exists(dir.resolve("opportunities.db")), "the store was opened");
    assertEquals(List.of("existing.jsonl"), filesBesideTheStore());
  }

  @Test
  void refusesToOverwriteADanglingLink() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), dir.resolve("nowhere"));
    ServiceHarness.CommandResult result = service.command("export", link.toString());
    assertEquals(Main.FAILED, result.status());
    assertTrue(result.err().contains("exists; export never overwrites a file"), result.err());
    assertFalse(Files.exists(dir.resolve("nowhere")));
  }

  @Test
  void refusesAPathThatCannotBeWrittenBeforeOpeningTheStore() throws Exception {
    Files.writeString(dir.resolve("plain"), "a file, not a directory");
    ServiceHarness.CommandResult missing =
        service.command("export", dir.resolve("missing/export.jsonl").toString());
    assertEquals(Main.FAILED, missing.status());
    assertEquals(
        "Cannot write "
            + dir.resolve("missing/export.jsonl")
            + " (no such directory); nothing was exported.\n",
        missing.err());
    ServiceHarness.CommandResult underAFile =
        service.command("export", dir.resolve("plain/export.jsonl").toString());
    assertEquals(Main.FAILED, underAFile.status());
    assertEquals(
        "Cannot write "
            + dir.resolve("plain/export.jsonl")
            + " (Not a directory); nothing was exported.\n",
        underAFile.err());
    assertFalse(Files.exists(dir.resolve("opportunities.db")), "the store was opened");
    assertEquals(List.of("plain"), filesBesideTheStore());
  }

  @Test
  void refusesAStoreThatCannotBeReadAndLeavesNoFile() throws Exception {
    byte[] garbage = new byte[8192];
    java.util.Arrays.fill(garbage, (byte) 'x');
    Files.write(dir.resolve("opportunities.db"), garbage);
    Path export = dir.resolve("export.jsonl");
    ServiceHarness.CommandResult result = service.command("export", export.toString());
    assertEquals(Main.FAILED, result.status());
    String err = result.err();
    assertTrue(err.startsWith("Cannot read " + service.environment.get("OPP_DB_URL") + " ("), err);
    assertTrue(err.contains("not a database"), err);
    assertTrue(err.endsWith("; nothing was exported.\n"), err);
    assertEquals(List.of(), filesBesideTheStore());
  }

  @Test
  void leavesNoFileWhenTheStoreFailsAfterThePagesAlreadyWritten() throws Exception {
    service.importLines("{\"opportunityCode\":\"BIG-000000\",\"opportunityName\":\"样本\"}");
    try (java.sql.Connection connection =
            java.sql.DriverManager.getConnection(service.environment.get("OPP_DB_URL"));
        java.sql.Statement sql = connection.createStatement()) {
      sql.executeUpdate( // 1,499 copies, the 1,200th unreadable: the second page fails
          """
          INSERT INTO opportunity (opportunity_code, opportunity_name, created_at, updated_at, version)
          WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1499)
          SELECT printf('BIG-%06d', i), opportunity_name,
                 CASE i WHEN 1200 THEN 'not a time' ELSE created_at END, updated_at, version
            FROM n, opportunity WHERE opportunity_code = 'BIG-000000'""");
    }
    Path export = dir.resolve("export.jsonl");
    ServiceHarness.CommandResult result = service.command("export", export.toString());
    assertEquals(Main.FAILED, result.status());
    assertTrue(result.err().contains("not a time"), result.err());
    assertTrue(result.err().endsWith("; nothing was exported.\n"), result.err());
    assertEquals(List.of(), filesBesideTheStore());
  }

  @Test
  void needsExactlyOneExportFile() {
    for (String[] args :
        List.of(new String[] {"export"}, new String[] {"export", "a.jsonl", "b.jsonl"})) {
      ServiceHarness.CommandResult result = service.command(args);
      assertEquals(Main.USAGE, result.status());
      assertTrue(result.err().startsWith("export needs exactly one FILE\nUsage:"), result.err());
    }
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
    assertTrue(
        result.out().contains("\n  export FILE   Write every opportunity to a new JSON Lines file"),
        result.out());
    ServiceHarness.CommandResult exportHelp = service.command("export", "--help");
    assertEquals(Main.OK, exportHelp.status());
    assertTrue(
        exportHelp.out().startsWith("Usage: java -jar opportunity-integration.jar export FILE"),
        exportHelp.out());
    assertFalse(Files.exists(dir.resolve("opportunities.db")), "help opened the store");
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

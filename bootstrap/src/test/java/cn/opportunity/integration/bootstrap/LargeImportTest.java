package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code import} command over a file of many chunks (20,000 lines, chunks of 1,000), in-process
 * on a real SQLite file: new codes, updates of stored opportunities, and codes that come back every
 * 6,007 lines, so their lines fall in different chunks.
 */
class LargeImportTest {
  static final int LINES = 20_000;
  static final int STORED = 2_000;
  static final int REPEAT_EVERY = 6_007;

  @TempDir Path dir;
  ServiceHarness service;

  @BeforeEach
  void seed() throws Exception {
    service = new ServiceHarness(dir);
    List<String> stored = new ArrayList<>();
    for (int i = 0; i < STORED; i++)
      stored.add(
          "{\"opportunityCode\":\"STORED-"
              + i
              + "\",\"opportunityName\":\"存量"
              + i
              + "\",\"finalCustomerName\":\"客户S\"}");
    service.importLines(stored.toArray(String[]::new));
  }

  @AfterEach
  void stop() {
    service.close();
  }

  /** Every tenth line updates a stored opportunity; the others write BIG-(n mod 6,007). */
  static String line(int n) {
    if (n % 10 == 0)
      return "{\"opportunityCode\":\"STORED-"
          + (n / 10 % STORED)
          + "\",\"opportunityName\":\"存量\",\"description\":\"第 "
          + n
          + " 行\",\"finalCustomerName\":\"客户S\"}";
    return "{\"opportunityCode\":\"BIG-"
        + (n % REPEAT_EVERY)
        + "\",\"opportunityName\":\"名"
        + n
        + "\",\"amount\":"
        + n
        + ",\"stage\":\"negotiation\",\"finalCustomerName\":\"客户B\"}";
  }

  Path file(List<String> lines) throws Exception {
    Path file = dir.resolve("large.jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  static List<String> goodLines(int count) {
    List<String> lines = new ArrayList<>();
    for (int n = 1; n <= count; n++) lines.add(line(n));
    return lines;
  }

  @Test
  void importsEveryLineOfAFileOfManyChunksInOrder() throws Exception {
    ServiceHarness.CommandResult result =
        service.command("import", file(goodLines(LINES)).toString());
    assertEquals(Main.OK, result.status(), result.err());
    Map<String, Integer> linesOfCode = new HashMap<>();
    Map<String, Integer> lastLineOfCode = new HashMap<>();
    for (int n = 1; n <= LINES; n++) {
      if (n % 10 == 0) continue;
      String code = "BIG-" + (n % REPEAT_EVERY);
      linesOfCode.merge(code, 1, Integer::sum);
      lastLineOfCode.put(code, n);
    }
    int inserted = linesOfCode.size();
    assertTrue(
        result
            .out()
            .contains(
                LINES
                    + " lines, "
                    + inserted
                    + " inserted, "
                    + (LINES - inserted)
                    + " updated, 0 unchanged"),
        result.out());
    service.start();
    for (String code : List.of("BIG-1", "BIG-6006", "BIG-4000", "BIG-5")) {
      JsonNode stored = service.stored(code);
      assertEquals("名" + lastLineOfCode.get(code), stored.get("opportunityName").asText(), code);
      assertEquals(
          linesOfCode.get(code), stored.get("version").asInt(), code); // one version per line
      assertEquals("客户B", stored.get("finalCustomerName").asText(), code);
    }
    JsonNode updated = service.stored("STORED-7");
    assertEquals("第 70 行", updated.get("description").asText());
    assertEquals(2, updated.get("version").asInt());
  }

  @Test
  void importsNothingWhenTheLastLineIsBadAndSaysWhichLine() throws Exception {
    List<String> lines = goodLines(LINES - 1);
    // BIG-5 was created by line 5, in the first chunk, for 客户B: the last line needs that state to
    // be refused
    lines.add(
        "{\"opportunityCode\":\"BIG-5\",\"opportunityName\":\"名\",\"finalCustomerName\":\"别的客户\"}");
    Table before = Table.read(dir.resolve("opportunities.db"));
    ServiceHarness.CommandResult result = service.command("import", file(lines).toString());
    assertEquals(Main.FAILED, result.status(), result.err());
    List<String> err = result.err().lines().toList();
    assertEquals("line " + LINES + ": 不支持更新商机的最终客户", err.get(0));
    assertTrue(
        err.get(1).startsWith("1 bad line(s) in ")
            && err.get(1).endsWith("; nothing was imported."),
        err.get(1));
    Table after = Table.read(dir.resolve("opportunities.db"));
    assertEquals(STORED, after.rows().size());
    assertEquals(before.sequence(), after.sequence());
    assertTrue(before.rows().equals(after.rows()), "the opportunity table changed");
  }

  /** The opportunity table, read through a JDBC connection of its own, and SQLite's id counter. */
  record Table(List<Map<String, Object>> rows, List<Map<String, Object>> sequence) {
    static Table read(Path db) throws SQLException {
      try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db)) {
        return new Table(
            rows(connection, "SELECT * FROM opportunity ORDER BY id"),
            rows(connection, "SELECT * FROM sqlite_sequence"));
      }
    }

    private static List<Map<String, Object>> rows(Connection connection, String query)
        throws SQLException {
      List<Map<String, Object>> rows = new ArrayList<>();
      try (Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery(query)) {
        ResultSetMetaData columns = result.getMetaData();
        while (result.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int c = 1; c <= columns.getColumnCount(); c++)
            row.put(columns.getColumnName(c), result.getObject(c));
          rows.add(row);
        }
      }
      return rows;
    }
  }
}

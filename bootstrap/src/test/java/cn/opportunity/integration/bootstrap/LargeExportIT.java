package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code export} command streams: the real jar, with a heap of {@value #HEAP}, exports a store
 * whose text alone would fill several such heaps ({@value #OPPORTUNITIES} opportunities with a
 * description of {@value #DESCRIPTION_CHARS} Chinese characters each: about 90 MB as UTF-8, 60 MB
 * as Java strings). An export that held the store, or the file, in memory would die of {@code
 * OutOfMemoryError}.
 */
class LargeExportIT {
  static final String HEAP = "-Xmx32m";
  static final int OPPORTUNITIES = 30_000;
  static final int DESCRIPTION_CHARS = 1_000;
  static final String DESCRIPTION = "长".repeat(DESCRIPTION_CHARS);

  @TempDir Path dir;

  @Test
  void exportsAStoreSeveralTimesTheHeapInBoundedMemory() throws Exception {
    Path db = dir.resolve("opportunities.db");
    try (ServiceHarness service = new ServiceHarness(dir)) { // creates the schema, one real row
      service.importLines(
          "{\"opportunityCode\":\"SEED\",\"opportunityName\":\"样本\",\"amount\":12.5,"
              + "\"stage\":\"bidding\",\"finalCustomerName\":\"客户\",\"description\":\""
              + DESCRIPTION
              + "\"}");
    }
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement statement = connection.createStatement()) {
      // Copies of the imported row under other codes: every column in the store's own format.
      statement.executeUpdate(
          """
          INSERT INTO opportunity (opportunity_code, final_customer_name, opportunity_name, amount_cents,
                                   stage, description, created_at, updated_at, version)
          WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
          SELECT printf('BIG-%%06d', i), final_customer_name, opportunity_name || i, amount_cents + i,
                 stage, description, created_at, updated_at, version
            FROM n, opportunity WHERE opportunity_code = 'SEED'"""
              .formatted(OPPORTUNITIES - 1));
    }
    assertTrue(Files.size(db) > 80_000_000L, "the store is several heaps big: " + Files.size(db));

    Path export = dir.resolve("export.jsonl");
    try (JarProcess jar =
        JarProcess.start(
            dir,
            Map.of("OPP_DB_URL", "jdbc:sqlite:" + db),
            List.of(HEAP),
            "export",
            export.toString())) {
      assertEquals(0, jar.awaitExit(Duration.ofMinutes(3)), jar.output());
      assertTrue(
          jar.output().contains("Exported " + OPPORTUNITIES + " opportunities from "),
          jar.output());
    }

    ObjectMapper json = new ObjectMapper();
    long lines = 0;
    String last = null;
    try (BufferedReader reader = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines++;
        if (lines == 1 || lines == 15_000 || lines == OPPORTUNITIES) {
          JsonNode object = json.readTree(line);
          assertEquals(DESCRIPTION, object.get("description").asText(), "line " + lines);
          assertEquals("客户", object.get("finalCustomerName").asText(), "line " + lines);
        }
        if (last != null) assertTrue(last.compareTo(code(line)) < 0, "in code order: " + line);
        last = code(line);
      }
    }
    assertEquals(OPPORTUNITIES, lines);
    assertEquals("SEED", last);
  }

  private static String code(String line) {
    int start = line.indexOf("\"opportunityCode\":\"") + 19;
    return line.substring(start, line.indexOf('"', start));
  }
}

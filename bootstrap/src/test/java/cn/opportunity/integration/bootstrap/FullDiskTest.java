package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.CapturedLog;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service over a store that fills up and gets room again, end to end over HTTP on a real SQLite
 * file. Full on demand without root or a special file system: the URL's {@code max_page_count}
 * keeps the file at its size when the service opens it, a ballast table takes 64 of its pages, and
 * emptying the ballast through another connection gives them back, as deleting a file does on a
 * full disk.
 */
class FullDiskTest {
  static final String CODE = "DISK-1";
  static final String BUSY = "{\"code\":\"-1\",\"msg\":\"系统繁忙，请稍后重试\",\"data\":null}";

  /** 2,000 characters of 3 UTF-8 bytes each: the row needs new (overflow) pages. */
  static final String LONG_TEXT = "满".repeat(2_000);

  @TempDir Path dir;
  private ServiceHarness service;

  @AfterEach
  void stop() {
    if (service != null) service.close();
  }

  private String file() {
    return dir.resolve("opportunities.db").toString();
  }

  private static long single(Statement sql, String query) throws SQLException {
    try (ResultSet row = sql.executeQuery(query)) {
      row.next();
      return row.getLong(1);
    }
  }

  private HttpResponse<String> health() {
    return service.send(HttpRequest.newBuilder(service.uri("/health")).GET());
  }

  private static String update(String description) {
    return "{\"opportunityCode\":\"" + CODE + "\",\"description\":\"" + description + "\"}";
  }

  @Test
  void answers503AndShowsTheFullStoreInHealthWithOneLoggedTraceThenRecoversByItself()
      throws Exception {
    service = new ServiceHarness(dir);
    service.importLines("{\"opportunityCode\":\"" + CODE + "\",\"opportunityName\":\"满盘测试\"}");
    long pages;
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement sql = connection.createStatement()) {
      sql.execute("CREATE TABLE ballast (b BLOB)");
      sql.execute("INSERT INTO ballast VALUES (zeroblob(64 * 4096))");
      pages = single(sql, "PRAGMA page_count");
      assertEquals(0, single(sql, "PRAGMA freelist_count"), "no free page");
    }
    service.environment.put("OPP_DB_URL", "jdbc:sqlite:" + file() + "?max_page_count=" + pages);
    service.start();

    String log;
    long stackTraces;
    try (CapturedLog captured = CapturedLog.start()) {
      for (int i = 0; i < 50; i++) {
        HttpResponse<String> refused = service.put(update(LONG_TEXT.substring(i)));
        assertEquals(503, refused.statusCode(), refused.body());
        assertEquals(BUSY, refused.body());
      }
      HttpResponse<String> down = health();
      assertEquals(503, down.statusCode(), down.body());
      JsonNode body = ServiceHarness.json(down.body());
      assertEquals("DOWN", body.get("status").asText());
      assertEquals("DOWN", body.at("/store/status").asText());
      assertEquals("database or disk is full", body.at("/store/reason").asText());
      JsonNode unchanged = service.stored(CODE);
      assertEquals(1, unchanged.get("version").asInt(), "nothing was stored");
      assertTrue(unchanged.get("description").isNull());

      try (Connection connection =
              DriverManager.getConnection("jdbc:sqlite:" + file() + "?busy_timeout=5000");
          Statement sql = connection.createStatement()) {
        sql.execute("DELETE FROM ballast"); // room again, while the service runs
      }
      HttpResponse<String> accepted = service.put(update(LONG_TEXT));
      assertEquals(200, accepted.statusCode(), accepted.body());
      HttpResponse<String> up = health();
      assertEquals(200, up.statusCode(), up.body());
      JsonNode upBody = ServiceHarness.json(up.body());
      assertEquals("UP", upBody.get("status").asText());
      assertEquals(
          "{\"status\":\"UP\"}", upBody.get("store").toString(), "no reason once writes succeed");
      captured.awaitLineContaining("store: writes succeed again after 50 failed write(s) over PT");
      log = captured.text();
      stackTraces = captured.stackTraces();
    }
    assertEquals(LONG_TEXT, service.stored(CODE).get("description").asText());
    assertEquals(2, service.stored(CODE).get("version").asInt());
    assertEquals(
        1, log.split("store: writes failing \\(database or disk is full\\)", -1).length - 1, log);
    assertEquals(1, stackTraces, "one stack trace for 50 failed updates:\n" + log);
    assertFalse(
        log.contains("] ERROR cn.opportunity.integration.adapter.http"),
        "no error per request:\n" + log);

    service.stop();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement sql = connection.createStatement();
        ResultSet check = sql.executeQuery("PRAGMA integrity_check")) {
      check.next();
      assertEquals("ok", check.getString(1));
    }
  }

  @Test
  void refusesAnImportIntoAFullStoreWithAClearMessageAndExit1() throws Exception {
    service = new ServiceHarness(dir);
    service.importLines("{\"opportunityCode\":\"" + CODE + "\",\"opportunityName\":\"满盘测试\"}");
    long pages;
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement sql = connection.createStatement()) {
      pages = single(sql, "PRAGMA page_count");
    }
    Path lines = dir.resolve("many.jsonl");
    Files.write(
        lines,
        IntStream.range(0, 100)
            .mapToObj(
                i ->
                    "{\"opportunityCode\":\"IMP-"
                        + i
                        + "\",\"opportunityName\":\"导入\",\"description\":\""
                        + LONG_TEXT
                        + "\"}")
            .toList(),
        StandardCharsets.UTF_8);
    service.environment.put("OPP_DB_URL", "jdbc:sqlite:" + file() + "?max_page_count=" + pages);
    ServiceHarness.CommandResult result = service.command("import", lines.toString());
    assertEquals(Main.FAILED, result.status(), result.err());
    assertTrue(
        result.err().contains("(database or disk is full); nothing was imported."), result.err());
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement sql = connection.createStatement()) {
      assertEquals(1, single(sql, "SELECT COUNT(*) FROM opportunity"));
    }
  }
}

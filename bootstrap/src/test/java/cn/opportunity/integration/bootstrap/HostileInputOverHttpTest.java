package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import cn.opportunity.integration.adapter.http.StrictJsonReader;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.testing.HostileBodies;
import cn.opportunity.integration.domain.update.SentFields;
import cn.opportunity.integration.domain.update.SentValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figure 4 of the reliability issue over real HTTP: the real service ({@link ServiceHarness}: the
 * jar's wiring, a real SQLite file, loopback) gets the seeded hostile bodies of {@link
 * HostileBodies} (10,000 by default, {@code -Dfuzz.httpCases=…}; {@code -Dfuzz.seed=…} replays) and
 * every JSONTestSuite file. One request at a time, so that each answer can be held against the
 * table. Oracles: no 5xx; every answer but a 200 is exactly the envelope with a Chinese message;
 * the SHA-256 of the {@code opportunity} table, read through its own JDBC connection, is the same
 * after every refusal; an accepted body changes only its opportunity's row, and there only the
 * columns it sent plus {@code version} (by one), {@code updated_at} and {@code history_head} (its
 * newest history record); every answer within 2 s.
 */
class HostileInputOverHttpTest {
  static final List<String> CODES =
      List.of("OPP-20260401-001", "OPP-20260401-002", "OPP-20260401-003");
  static final int CASES = HostileBodies.cases("fuzz.httpCases", 10_000);
  static final Duration LATENCY_BOUND = Duration.ofSeconds(2);
  static final Set<Integer> EXPECTED_STATUSES = Set.of(200, 400, 404, 413);
  static final Pattern CJK = Pattern.compile("\\p{IsHan}");
  static final int MAX_BODY_BYTES = 64 * 1024;

  @TempDir Path dir;
  ServiceHarness service;
  Connection table;
  final StrictJsonReader reader = new StrictJsonReader();

  @BeforeEach
  void startWithThreeOpportunities() throws Exception {
    service = new ServiceHarness(dir);
    service.importLines(
        "{\"opportunityCode\":\""
            + CODES.get(0)
            + "\",\"opportunityName\":\"智慧园区二期\",\"finalCustomerName\":\"上海临港\","
            + "\"amount\":1500000,\"stage\":\"negotiation\",\"status\":\"active\",\"projectLocation\":\"上海\"}",
        "{\"opportunityCode\":\""
            + CODES.get(1)
            + "\",\"opportunityName\":\"全字段商机 😀\",\"projectLocation\":\"北京\","
            + "\"operatorName\":\"甲\",\"amount\":\"99999999999999.99\",\"expectedCloseDate\":\"2027-02-28\","
            + "\"confidencePct\":\"c\",\"stage\":\"bidding\",\"opportunityType\":\"新建\",\"productType\":\"软件\","
            + "\"source\":\"招标网\",\"salesExpansionId\":9223372036854775807,\"channelExpansionId\":1,\"preSalesId\":42,"
            + "\"preSalesName\":\"乙\",\"competitorName\":\"丙\",\"archived\":true,\"pushedToOms\":false,"
            + "\"omsPushTime\":\"2026-04-30T10:00:00.123456789+08:00\",\"status\":\"lost\",\"description\":\"备注\\n第二行\"}",
        "{\"opportunityCode\":\"" + CODES.get(2) + "\",\"opportunityName\":\"空白商机\"}");
    service.start();
    table = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("opportunities.db"));
  }

  @AfterEach
  void stop() throws SQLException {
    if (table != null) table.close();
    service.close();
  }

  @Test
  void answersEveryHostileBodyWithTheEnvelopeOrAChangeOfOnlyWhatItSent() throws Exception {
    long seed = HostileBodies.seed();
    System.out.println("HostileInputOverHttpTest: " + CASES + " cases, seed " + seed);
    HostileBodies bodies = new HostileBodies(seed, CODES);
    int accepted = 0;
    List<Map<String, Object>> after = rows();
    for (int i = 0; i < CASES; i++) {
      HostileBodies.Body body = bodies.next();
      Supplier<String> where = () -> body.describe(seed);
      List<Map<String, Object>> before = after; // one request at a time
      HttpResponse<String> response = send(body.bytes(), body.index() % 10 == 0, where);
      after = rows();
      if (response.statusCode() == 200) {
        checkAccepted(body.bytes(), response, before, after, where);
        accepted++;
      } else {
        List<Map<String, Object>> now = after;
        assertEquals(
            digest(before),
            digest(now),
            () ->
                where.get()
                    + ": refused with "
                    + response.statusCode()
                    + ", yet the table changed:\n"
                    + before
                    + "\n"
                    + now);
      }
    }
    System.out.println("HostileInputOverHttpTest: " + accepted + " of " + CASES + " accepted");
    assertTrue(
        accepted > CASES / 20, "the generator must reach the store too: " + accepted + " accepted");
  }

  /**
   * JSONTestSuite (shared/fixtures/jsontestsuite beside the repository): not one file is an update,
   * so each is refused — {@code n_} files as not JSON — and none changes the table.
   */
  @Test
  void refusesEveryJsonTestSuiteFileWithTheEnvelopeAndChangesNothing() throws Exception {
    Optional<List<Path>> corpus = HostileBodies.jsonTestSuite();
    Assumptions.assumeTrue(
        corpus.isPresent(),
        "JSONTestSuite not found beside the repository (shared/fixtures/jsontestsuite/test_parsing): skipped");
    String digest = digest(rows());
    for (Path file : corpus.get()) {
      byte[] bytes = Files.readAllBytes(file);
      String name = file.getFileName().toString();
      Supplier<String> where = () -> name;
      HttpResponse<String> response = send(bytes, false, where);
      if (bytes.length > MAX_BODY_BYTES) assertEquals(413, response.statusCode(), name);
      else assertEquals(400, response.statusCode(), name);
      if (name.startsWith("n_") && bytes.length <= MAX_BODY_BYTES)
        assertEquals(
            "请求体不是有效的 JSON 对象", ServiceHarness.json(response.body()).get("msg").asText(), name);
      assertEquals(digest, digest(rows()), name + " changed the table");
    }
  }

  // --- one request ---------------------------------------------------------------------------

  /** Sends a body (chunked: without a Content-Length), checks the answer's shape and time. */
  private HttpResponse<String> send(byte[] body, boolean chunked, Supplier<String> where) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(service.uri("/api/opportunities/integration/update"))
            .header("Content-Type", "application/json")
            .header("X-Internal-Secret", ServiceHarness.SECRET)
            .PUT(
                chunked
                    ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    long start = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = service.send(request);
    } catch (AssertionError e) {
      throw new AssertionError(where.get() + ": " + e.getMessage(), e.getCause());
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(
        took.compareTo(LATENCY_BOUND) < 0,
        () -> where.get() + ": answered in " + took.toMillis() + " ms");
    int status = response.statusCode();
    assertTrue(
        EXPECTED_STATUSES.contains(status),
        () -> where.get() + ": status " + status + " " + response.body());
    assertTrue(
        response.headers().firstValue("X-Request-Id").isPresent(),
        () -> where.get() + ": no X-Request-Id");
    if (status != 200) assertEnvelope(response, where);
    return response;
  }

  /** Exactly {@code {"code":"-1","msg":<text with Chinese>,"data":null}}. */
  private static void assertEnvelope(HttpResponse<String> response, Supplier<String> where) {
    JsonNode body = ServiceHarness.json(response.body());
    List<String> names = new ArrayList<>();
    body.fieldNames().forEachRemaining(names::add);
    Supplier<String> says = () -> where.get() + ": not the envelope: " + response.body();
    assertEquals(List.of("code", "msg", "data"), names, says);
    assertEquals("-1", body.get("code").textValue(), says);
    assertTrue(
        body.get("msg").isTextual() && CJK.matcher(body.get("msg").textValue()).find(), says);
    assertTrue(body.get("data").isNull(), says);
  }

  /**
   * Only the named opportunity's row changed, in the columns sent, the version by one, and the
   * time.
   */
  private void checkAccepted(
      byte[] bytes,
      HttpResponse<String> response,
      List<Map<String, Object>> before,
      List<Map<String, Object>> after,
      Supplier<String> where) {
    SentFields sent = reader.read(bytes);
    String code =
        OpportunityCode.parse(
                ((SentValue.Text) sent.get(OpportunityField.CODE_NAME).orElseThrow()).value())
            .orElseThrow()
            .value();
    assertEquals(before.size(), after.size(), where);
    Map<String, Object> was = null;
    Map<String, Object> now = null;
    for (int row = 0; row < before.size(); row++) {
      if (before.get(row).get("opportunity_code").equals(code)) {
        was = before.get(row);
        now = after.get(row);
      } else {
        assertEquals(before.get(row), after.get(row), where);
      }
    }
    if (was == null) fail(() -> where.get() + ": accepted for " + code + ", which is not stored");
    assertEquals(
        "{\"code\":\"0\",\"msg\":\"success\",\"data\":" + was.get("id") + "}",
        response.body(),
        where);
    Set<String> sentColumns = new HashSet<>();
    for (String name : sent.names()) sentColumns.add(column(name));
    boolean changed = false;
    for (String column : was.keySet()) {
      if (Objects.equals(was.get(column), now.get(column))
          || column.equals("version")
          || column.equals("updated_at")
          || column.equals("history_head")) continue; // the change's history record (V6)
      String changedColumn = column;
      assertTrue(
          sentColumns.contains(column),
          () -> where.get() + ": " + changedColumn + " not sent, but changed");
      changed = true;
    }
    long version = ((Number) was.get("version")).longValue();
    assertEquals(changed ? version + 1 : version, ((Number) now.get("version")).longValue(), where);
    assertEquals(changed, !was.get("updated_at").equals(now.get("updated_at")), where);
    assertEquals(changed, !Objects.equals(was.get("history_head"), now.get("history_head")), where);
  }

  /**
   * The table's column of a request's member: {@code amount} is kept in cents, the rest in snake
   * case.
   */
  private static String column(String member) {
    if (member.equals("amount")) return "amount_cents";
    return member.replaceAll("([A-Z])", "_$1").toLowerCase();
  }

  // --- the table -----------------------------------------------------------------------------

  private List<Map<String, Object>> rows() throws SQLException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Statement statement = table.createStatement();
        ResultSet result = statement.executeQuery("SELECT * FROM opportunity ORDER BY id")) {
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

  /** SHA-256 over every column of every row, each value with its type and length. */
  private static String digest(List<Map<String, Object>> rows) throws Exception {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    for (Map<String, Object> row : rows) {
      for (Map.Entry<String, Object> column : row.entrySet()) {
        Object value = column.getValue();
        String text =
            value == null
                ? "null"
                : value.getClass().getSimpleName() + ":" + value.toString().length() + ":" + value;
        sha256.update((column.getKey() + "=" + text + "\u0000").getBytes(StandardCharsets.UTF_8));
      }
      sha256.update((byte) '\n');
    }
    return HexFormat.of().formatHex(sha256.digest());
  }
}

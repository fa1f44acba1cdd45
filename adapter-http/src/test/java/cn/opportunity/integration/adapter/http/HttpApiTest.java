package cn.opportunity.integration.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.StaleVersionException;
import cn.opportunity.integration.domain.StoreBusyException;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.testing.CapturedLog;
import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.ForwardingOpportunityStore;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import cn.opportunity.integration.domain.testing.MutableClock;
import cn.opportunity.integration.domain.testing.Opportunities;
import cn.opportunity.integration.domain.testing.TestSecrets;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The HTTP adapter over the real use cases and the in-memory fakes, spoken to over loopback with
 * the JDK client (or by hand where the client cannot say it). One test per row of the error table
 * and per step of the order of checks.
 */
class HttpApiTest {
  static final String SECRET = TestSecrets.INTERNAL;
  static final String ROTATED = TestSecrets.ROTATED_INTERNAL;
  static final String CODE = "OPP-20260401-001";
  static final String UPDATE = "/api/opportunities/integration/update";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-04-30T02:00:00Z"), ZoneOffset.UTC);
  static final ObjectMapper JSON = new ObjectMapper();

  final HttpClient client = HttpClient.newHttpClient();
  final InMemoryOpportunityStore store = new InMemoryOpportunityStore();
  final MutableClock limiterClock = new MutableClock(Instant.parse("2026-04-30T02:00:00Z"));
  FakeFlowDictionary dictionary = FakeFlowDictionary.loaded(CLOCK.instant());
  final RecordingMetrics metrics = new RecordingMetrics();
  Javalin app;

  void start(OpportunityStore storeToUse) {
    storeToUse.importAll(List.of(Opportunities.anOpportunity().code(CODE).build()), List.of());
    UpdatePolicy policy = new UpdatePolicy(ZoneId.of("Asia/Shanghai"));
    app =
        HttpApi.create(
            new HttpApiConfig(
                List.of(
                    new HttpApiConfig.Caller("oms", SECRET),
                    new HttpApiConfig.Caller("oms", ROTATED)),
                HttpApiConfig.DEFAULT_AUTH_FAILURES_PER_MINUTE,
                limiterClock),
            HttpApi.UseCases.over(storeToUse, dictionary, policy, CLOCK),
            Readiness.serving(),
            Optional.of(metrics));
    app.start("127.0.0.1", 0);
  }

  void start() {
    start(store);
  }

  /**
   * Idle keep-alive connections would hold each stop for Jetty's default second; tests need not
   * wait.
   */
  @AfterEach
  void stop() {
    if (app == null) return;
    for (Connector connector : app.jettyServer().server().getConnectors()) {
      if (connector instanceof AbstractConnector c) c.setShutdownIdleTimeout(1);
    }
    app.stop();
  }

  // --- helpers -------------------------------------------------------------------------------

  /** Sends the request; every answer must match openapi.json ({@link OpenApiAnswers}). */
  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    OpenApiAnswers.assertValid(response);
    return response;
  }

  HttpRequest.Builder put(String body, String secret) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(UPDATE))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return secret == null ? request : request.header("X-Internal-Secret", secret);
  }

  HttpRequest.Builder getOpportunity(String code, String secret) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri("/api/opportunities/integration/" + code)).GET();
    return secret == null ? request : request.header("X-Internal-Secret", secret);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  static String update(String members) {
    return "{\"opportunityCode\":\"" + CODE + "\"," + members + "}";
  }

  static String tooBig() {
    return update("\"description\":\"" + "x".repeat(70_000) + "\"");
  }

  /**
   * Speaks HTTP/1.1 by hand from a chosen loopback address (the JDK 17 client cannot choose one);
   * closes its side once the request is written, so a body shorter than announced ends there. The
   * answer must match openapi.json.
   */
  String raw(String from, String request) throws Exception {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", app.port()), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      socket.shutdownOutput();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      OpenApiAnswers.assertValidRaw(request, answer);
      return answer;
    }
  }

  static String rawPut(String secretHeaders, String body) {
    return "PUT "
        + UPDATE
        + " HTTP/1.1\r\nHost: x\r\n"
        + secretHeaders
        + "Content-Type: application/json\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\nConnection: close\r\n\r\n"
        + body;
  }

  /** A failure answer: its status, exactly the three members, its message, JSON, a request id. */
  static void assertEnvelope(HttpResponse<String> response, int status, String message)
      throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(
        "{\"code\":\"-1\",\"msg\":" + JSON.writeValueAsString(message) + ",\"data\":null}",
        response.body());
    assertJsonUtf8(response);
    assertTrue(response.headers().firstValue("X-Request-Id").isPresent(), "X-Request-Id");
  }

  static void assertSuccess(HttpResponse<String> response, long id) {
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("{\"code\":\"0\",\"msg\":\"success\",\"data\":" + id + "}", response.body());
    assertJsonUtf8(response);
  }

  static void assertJsonUtf8(HttpResponse<String> response) {
    String type =
        response.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase();
    assertEquals("application/json;charset=utf-8", type);
  }

  static String requestIdOf(HttpResponse<String> response) {
    return response.headers().firstValue("X-Request-Id").orElse(null);
  }

  long storedId() {
    return store.findByCode(new OpportunityCode(CODE)).orElseThrow().id().value();
  }

  Opportunity stored() {
    return store.findByCode(new OpportunityCode(CODE)).orElseThrow();
  }

  static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  // --- success -------------------------------------------------------------------------------

  /** The seed's own example: applied, answered with the id, then read back in canonical form. */
  @Test
  void appliesTheSeedsExampleAndShowsItBack() throws Exception {
    String seedBody = seedExample();
    start();
    assertSuccess(send(put(seedBody, SECRET)), storedId());

    HttpResponse<String> shown = send(getOpportunity(CODE, SECRET));
    assertEquals(200, shown.statusCode(), shown.body());
    assertJsonUtf8(shown);
    assertTrue(shown.body().contains("\"amount\":2800000.00,"), shown.body());
    JsonNode body = JSON.readTree(shown.body());
    assertEquals(List.of("code", "msg", "data"), names(body));
    assertEquals("0", body.get("code").asText());
    assertEquals("success", body.get("msg").asText());
    JsonNode data = body.get("data");
    List<String> expected = new ArrayList<>(List.of("id", "opportunityCode"));
    for (OpportunityField field : OpportunityField.values()) expected.add(field.jsonName());
    expected.addAll(List.of("finalCustomerName", "createdAt", "updatedAt", "version"));
    assertEquals(expected, names(data));
    assertTrue(data.get("id").isIntegralNumber());
    assertEquals(storedId(), data.get("id").asLong());
    assertEquals(CODE, data.get("opportunityCode").asText());
    assertEquals("won", data.get("stage").asText());
    assertEquals("won", data.get("status").asText());
    assertEquals("A", data.get("confidencePct").asText());
    assertEquals("2026-04-30", data.get("expectedCloseDate").asText());
    assertEquals("外部系统回写成交结果", data.get("description").asText());
    assertEquals("华东电网有限公司", data.get("finalCustomerName").asText());
    assertEquals("2026-04-01T01:00:00Z", data.get("createdAt").asText());
    assertEquals("2026-04-30T02:00:00Z", data.get("updatedAt").asText());
    assertTrue(data.get("version").isIntegralNumber());
    assertEquals(2, data.get("version").asInt());
    assertTrue(data.get("omsPushTime").isNull());
    assertTrue(data.get("operatorName").isNull());
  }

  /** The JSON example of seeds/000_…txt, found by walking up to the shared folder. */
  static String seedExample() throws Exception {
    Path seed = null;
    for (Path dir = Path.of("").toAbsolutePath();
        dir != null && seed == null;
        dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/seeds/000_4142796b52d280a5.txt");
      if (Files.isRegularFile(candidate)) seed = candidate;
    }
    Assumptions.assumeTrue(seed != null, "seed 000 not found beside the repository: skipped");
    String text = Files.readString(seed, StandardCharsets.UTF_8);
    int example = text.indexOf("```json", text.indexOf("请求示例")) + "```json".length();
    return text.substring(example, text.indexOf("```", example)).strip();
  }

  @Test
  void showsEveryKindOfValueInCanonicalForm() throws Exception {
    start();
    assertSuccess(
        send(
            put(
                update(
                    "\"amount\":\"7.5\",\"confidencePct\":\"c\",\"status\":\"LOST\","
                        + "\"salesExpansionId\":9223372036854775807,\"archived\":false,\"pushedToOms\":true,"
                        + "\"omsPushTime\":\"2026-04-30T10:00:00+08:00\",\"operatorName\":\"\""),
                SECRET)),
        storedId());
    HttpResponse<String> response = send(getOpportunity(CODE, SECRET));
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.body().contains("\"amount\":7.50,"), response.body());
    assertTrue(
        response.body().contains("\"salesExpansionId\":9223372036854775807,"), response.body());
    JsonNode data = JSON.readTree(response.body()).get("data");
    assertEquals("C", data.get("confidencePct").asText());
    assertEquals("lost", data.get("status").asText());
    assertTrue(data.get("archived").isBoolean());
    assertFalse(data.get("archived").asBoolean());
    assertTrue(data.get("pushedToOms").asBoolean());
    assertEquals("2026-04-30T02:00:00Z", data.get("omsPushTime").asText());
    assertTrue(data.get("operatorName").isNull(), "an empty string clears a text field");
    assertTrue(data.get("channelExpansionId").isNull());
  }

  @Test
  void showsAnOpportunityLargerThanTheAnswerBufferWhole() throws Exception {
    start();
    String description = "商机备注".repeat(500); // the 2,000 characters allowed: 6,000 bytes of UTF-8
    assertSuccess(send(put(update("\"description\":\"" + description + "\""), SECRET)), storedId());
    HttpResponse<String> response = send(getOpportunity(CODE, SECRET));
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(
        response.body().getBytes(StandardCharsets.UTF_8).length > 6_000,
        "larger than one copy buffer");
    assertEquals(
        description, JSON.readTree(response.body()).get("data").get("description").asText());
  }

  @Test
  void acceptsEitherSecretDuringARotation() throws Exception {
    start();
    assertSuccess(send(put(update("\"source\":\"a\""), SECRET)), storedId());
    assertSuccess(send(put(update("\"source\":\"b\""), ROTATED)), storedId());
    assertEquals("b", stored().details().source());
  }

  // --- request id ----------------------------------------------------------------------------

  @Test
  void echoesASaneRequestIdAndReplacesAnyOther() throws Exception {
    start();
    String sane = "abc-123.x:Y_" + "z".repeat(116);
    assertEquals(sane, requestIdOf(send(put("{}", SECRET).header("X-Request-Id", sane))));
    for (String insane : new String[] {"bad id <script>", sane + "z", "é", "a/b"}) {
      String id = requestIdOf(send(put("{}", SECRET).header("X-Request-Id", insane)));
      assertNotEquals(insane, id);
      assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), id);
    }
    assertNotEquals(
        requestIdOf(send(put("{}", SECRET))),
        requestIdOf(send(put("{}", SECRET))),
        "a new id each time");
  }

  @Test
  void setsARequestIdOnEveryKindOfAnswer() throws Exception {
    start();
    List<HttpRequest.Builder> requests =
        List.of(
            put(update("\"source\":\"x\""), SECRET),
            put("{}", null),
            getOpportunity("NOPE", SECRET),
            HttpRequest.newBuilder(uri("/nowhere")).GET(),
            HttpRequest.newBuilder(uri("/health")).GET());
    for (HttpRequest.Builder request : requests) {
      assertEquals("mine-1", requestIdOf(send(request.header("X-Request-Id", "mine-1"))));
    }
  }

  // --- the order of checks -------------------------------------------------------------------

  /** Each check wins over every later one. */
  @Test
  void checksInTheContractsOrder() throws Exception {
    start();
    assertEnvelope(
        send(put("{}", "wrong").setHeader("Content-Type", "text/plain")), 401, "内部接口鉴权失败");
    assertEnvelope(send(put(tooBig(), "wrong")), 401, "内部接口鉴权失败");
    assertEnvelope(
        send(put(tooBig(), SECRET).setHeader("Content-Type", "text/plain")),
        415,
        "Content-Type 必须为 application/json");
    assertEnvelope(send(put("[" + "x".repeat(70_000), SECRET)), 413, "请求体过大");
    assertEnvelope(send(put("{\"source\":\"x\"", SECRET)), 400, "请求体不是有效的 JSON 对象");
    assertEnvelope(
        send(put("{\"source\":\"x\",\"amount\":0}", SECRET)), 400, "opportunityCode 不能为空");
    assertEnvelope(send(put("{\"opportunityCode\":\"NOPE\"}", SECRET)), 400, "至少传入一个需要更新的字段");
    assertEnvelope(
        send(put("{\"opportunityCode\":\"NOPE\",\"amount\":0}", SECRET)), 400, "商机金额必须大于 0");
    assertEnvelope(send(put("{\"opportunityCode\":\"NOPE\",\"amount\":1}", SECRET)), 404, "商机不存在");
    assertEquals(1, stored().version().value(), "nothing was changed");
  }

  // --- 401 / 429 -----------------------------------------------------------------------------

  /**
   * (Spaces around a header value are not part of it in HTTP: Jetty strips them before we see it.)
   */
  @Test
  void refusesAMissingEmptyOrWrongSecretAlike() throws Exception {
    start();
    String lastByte = SECRET.substring(0, SECRET.length() - 1) + "X";
    String firstByte = "X" + SECRET.substring(1);
    String[] wrongs = {
      null, "", lastByte, firstByte, SECRET.toUpperCase(), SECRET + "x", SECRET.substring(1)
    };
    for (String wrong : wrongs) {
      assertEnvelope(send(put(update("\"source\":\"x\""), wrong)), 401, "内部接口鉴权失败");
    }
    assertEquals(lastByte.length(), SECRET.length(), "a wrong secret of the right length");
    assertEquals(1, stored().version().value(), "nothing was changed");
    assertEnvelope(send(getOpportunity(CODE, null)), 401, "内部接口鉴权失败");
    assertEnvelope(send(getOpportunity(CODE, lastByte)), 401, "内部接口鉴权失败");
  }

  @Test
  void refusesTheSecretHeaderSentTwiceEvenWhenBothAreRight() throws Exception {
    start();
    String answer =
        raw(
            "127.0.0.1",
            rawPut(
                "X-Internal-Secret: " + SECRET + "\r\nX-Internal-Secret: " + SECRET + "\r\n",
                update("\"source\":\"x\"")));
    assertTrue(answer.startsWith("HTTP/1.1 401 "), answer);
    assertTrue(answer.endsWith("{\"code\":\"-1\",\"msg\":\"内部接口鉴权失败\",\"data\":null}"), answer);
    assertEquals(1, stored().version().value());
  }

  @Test
  void slowsDownAnAddressAfterTenFailuresUntilItsMinuteIsOver() throws Exception {
    start();
    for (int i = 0; i < 10; i++) assertEnvelope(send(put("{}", "wrong")), 401, "内部接口鉴权失败");
    assertEnvelope(send(put("{}", "wrong")), 429, "鉴权失败次数过多，请稍后再试");
    assertEnvelope(send(put(update("\"source\":\"x\""), SECRET)), 429, "鉴权失败次数过多，请稍后再试");

    String elsewhere = update("\"source\":\"elsewhere\"");
    String answer = raw("127.0.0.2", rawPut("X-Internal-Secret: " + SECRET + "\r\n", elsewhere));
    assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
    assertTrue(
        answer.endsWith("{\"code\":\"0\",\"msg\":\"success\",\"data\":" + storedId() + "}"),
        answer);

    limiterClock.advance(Duration.ofSeconds(59));
    assertEnvelope(send(put(update("\"source\":\"x\""), SECRET)), 429, "鉴权失败次数过多，请稍后再试");
    limiterClock.advance(Duration.ofSeconds(1));
    assertSuccess(send(put(update("\"source\":\"again\""), SECRET)), storedId());
    assertEnvelope(send(put("{}", "wrong")), 401, "内部接口鉴权失败");
  }

  @Test
  void countsOnlyFailuresWithinAMinute() throws Exception {
    start();
    for (int i = 0; i < 9; i++) assertEnvelope(send(put("{}", "wrong")), 401, "内部接口鉴权失败");
    limiterClock.advance(Duration.ofSeconds(61));
    for (int i = 0; i < 9; i++) assertEnvelope(send(put("{}", "wrong")), 401, "内部接口鉴权失败");
    assertSuccess(send(put(update("\"source\":\"x\""), SECRET)), storedId());
  }

  // --- 415 -----------------------------------------------------------------------------------

  @Test
  void refusesEveryContentTypeButJsonInUtf8() throws Exception {
    start();
    String body = update("\"source\":\"x\"");
    String[] refused = {
      "text/plain",
      "application/xml",
      "application/jsonx",
      "application/json;",
      "application/json; charset=GBK",
      "application/json; charset=latin1",
      "application/json; charset=utf-16",
      "application/json; charset=utf-8; x=y",
      "application/json-patch+json",
      "*/*"
    };
    for (String type : refused) {
      assertEnvelope(
          send(put(body, SECRET).setHeader("Content-Type", type)),
          415,
          "Content-Type 必须为 application/json");
    }
    HttpRequest.Builder untyped =
        HttpRequest.newBuilder(uri(UPDATE))
            .header("X-Internal-Secret", SECRET)
            .PUT(HttpRequest.BodyPublishers.ofString(body));
    assertEnvelope(send(untyped), 415, "Content-Type 必须为 application/json");
    assertEquals(1, stored().version().value());
    for (String type :
        new String[] {
          "application/json",
          "Application/JSON;Charset=UTF-8",
          "application/json; charset=\"utf-8\""
        }) {
      assertEquals(200, send(put(body, SECRET).setHeader("Content-Type", type)).statusCode(), type);
    }
  }

  // --- 413 -----------------------------------------------------------------------------------

  @Test
  void refusesABodyOverTheLimitWithContentLength() throws Exception {
    start();
    assertEnvelope(send(put(tooBig(), SECRET)), 413, "请求体过大");
    assertEquals(1, stored().version().value());
  }

  @Test
  void refusesAChunkedBodyOverTheLimit() throws Exception {
    start();
    HttpRequest.Builder chunked =
        put("", SECRET)
            .PUT(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(tooBig().getBytes(StandardCharsets.UTF_8))));
    assertEnvelope(send(chunked), 413, "请求体过大");
    assertEquals(1, stored().version().value());
  }

  /**
   * A refusal decided before the body is read does not wait for it: the answer leaves at once with
   * {@code Connection: close}, the rest of the body is dropped after it, and the connection ends (a
   * request pipelined behind it is not answered). A client that sends its whole body before reading
   * (the JDK's) still gets its answer, not a broken pipe; one that expects 100-continue sends none.
   */
  @Test
  void answersARefusalWithoutReadingTheBodyThenClosesTheConnection() throws Exception {
    start();
    String body = update("\"description\":\"" + "x".repeat(1024 * 1024 - 100) + "\"");
    String next = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    String[][] refusals = {
      {
        "X-Internal-Secret: wrong\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length(),
        "401",
        "内部接口鉴权失败"
      },
      {
        "X-Internal-Secret: "
            + SECRET
            + "\r\nContent-Type: text/plain\r\nContent-Length: "
            + body.length(),
        "415",
        "Content-Type 必须为 application/json"
      },
      {
        "X-Internal-Secret: "
            + SECRET
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length(),
        "413",
        "请求体过大"
      },
      {
        "X-Internal-Secret: "
            + SECRET
            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
        "413",
        "请求体过大"
      }
    };
    for (String[] refusal : refusals) {
      String sent =
          refusal[0].endsWith("chunked")
              ? Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n"
              : body;
      String answer =
          raw(
              "127.0.0.1",
              "PUT " + UPDATE + " HTTP/1.1\r\nHost: x\r\n" + refusal[0] + "\r\n\r\n" + sent + next);
      assertTrue(answer.startsWith("HTTP/1.1 " + refusal[1] + " "), answer);
      assertTrue(answer.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), answer);
      assertTrue(
          answer.endsWith("\r\n\r\n{\"code\":\"-1\",\"msg\":\"" + refusal[2] + "\",\"data\":null}"),
          answer);
    }
    String expecting =
        raw(
            "127.0.0.1",
            "PUT "
                + UPDATE
                + " HTTP/1.1\r\nHost: x\r\nX-Internal-Secret: wrong\r\n"
                + "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n");
    assertTrue(
        expecting.startsWith("HTTP/1.1 401 "), "no 100 Continue for a refused body: " + expecting);
    String large = update("\"description\":\"" + "x".repeat(8 * 1024 * 1024) + "\"");
    assertEnvelope(send(put(large, "wrong")), 401, "内部接口鉴权失败");
    assertEnvelope(send(put(large, SECRET)), 413, "请求体过大");
    assertEnvelope(
        send(
            put("", SECRET)
                .PUT(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(large.getBytes(StandardCharsets.UTF_8))))),
        413,
        "请求体过大");
    assertEquals(1, stored().version().value());
  }

  @Test
  void readsABodyOfExactlyTheLimit() throws Exception {
    start();
    String prefix = update("\"description\":\"").replace("}", "");
    String exactly = prefix + "x".repeat(65_536 - prefix.length() - 2) + "\"}";
    assertEquals(65_536, exactly.getBytes(StandardCharsets.UTF_8).length);
    assertEnvelope(send(put(exactly, SECRET)), 400, "字段过长: description（最多 2000 个字符）");
    HttpRequest.Builder chunked =
        put("", SECRET)
            .PUT(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(exactly.getBytes(StandardCharsets.UTF_8))));
    assertEnvelope(send(chunked), 400, "字段过长: description（最多 2000 个字符）");
  }

  // --- 400: not one JSON object --------------------------------------------------------------

  @Test
  void refusesBodiesThatAreNotOneJsonObject() throws Exception {
    start();
    String[] bodies = {
      "",
      " ",
      "[]",
      "null",
      "\"text\"",
      "{\"opportunityCode\":\"A\"} x",
      "{} {}",
      "{\"a\":",
      "{'opportunityCode':'A'}",
      "{\"opportunityCode\":\"\\ud800\",\"source\":\"x\"}",
      "{\"a\":" + "[".repeat(65_000),
      "[".repeat(65_536)
    };
    for (String body : bodies) {
      assertEnvelope(send(put(body, SECRET)), 400, "请求体不是有效的 JSON 对象");
    }
    byte[] invalidUtf8 = {
      '{', '"', 's', 'o', 'u', 'r', 'c', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'
    };
    assertEnvelope(
        send(put("", SECRET).PUT(HttpRequest.BodyPublishers.ofByteArray(invalidUtf8))),
        400,
        "请求体不是有效的 JSON 对象");
    assertEquals(1, stored().version().value());
  }

  // --- the domain's answers ------------------------------------------------------------------

  @Test
  void reportsEveryRuleViolationAtOnce() throws Exception {
    start();
    assertEnvelope(
        send(put(update("\"bogus\":1,\"status\":\"x\",\"source\":1,\"amount\":0"), SECRET)),
        400,
        "商机金额必须大于 0；字段类型错误: source；商机状态仅支持 active、closed、won、lost；不支持的字段: bogus");
    assertEquals(1, stored().version().value());
  }

  /** Duplicates pass the reader (JSON allows them) and the domain refuses them. */
  @Test
  void refusesAFieldSentTwice() throws Exception {
    start();
    assertEnvelope(
        send(put(update("\"source\":\"a\",\"source\":null"), SECRET)), 400, "字段重复: source");
    assertEquals(1, stored().version().value());
  }

  @Test
  void answersNotFoundForAnUnknownCode() throws Exception {
    start();
    assertEnvelope(
        send(put("{\"opportunityCode\":\"NOPE\",\"source\":\"x\"}", SECRET)), 404, "商机不存在");
    assertEnvelope(send(getOpportunity("NOPE", SECRET)), 404, "商机不存在");
    assertEnvelope(send(getOpportunity("%20", SECRET)), 404, "商机不存在");
  }

  /**
   * What copying from a spreadsheet or a web page brings along: no-break spaces (as characters and
   * as JSON escapes) around the code and a checked value are trimmed, in the body and in the path.
   */
  @Test
  void trimsNoBreakSpacesAroundCodesAndCheckedValues() throws Exception {
    start();
    assertEnvelope(
        send(put("{\"opportunityCode\":\"\u00A0\",\"source\":\"x\"}", SECRET)),
        400,
        "opportunityCode 不能为空");
    assertEnvelope(
        send(put("{\"opportunityCode\":\"\\u00A0\\u202F\\uFEFF\",\"source\":\"x\"}", SECRET)),
        400,
        "opportunityCode 不能为空");
    assertEquals(1, stored().version().value());

    assertSuccess(
        send(
            put(
                "{\"opportunityCode\":\"\u00A0"
                    + CODE
                    + "\u2007\",\"confidencePct\":\"\u00A0A\u00A0\","
                    + "\"operatorName\":\"\\u00A0张三\\u00A0\"}",
                SECRET)),
        storedId());
    HttpResponse<String> shown = send(getOpportunity("%C2%A0" + CODE + "%EF%BB%BF", SECRET));
    assertEquals(200, shown.statusCode(), shown.body());
    JsonNode data = JSON.readTree(shown.body()).get("data");
    assertEquals(CODE, data.get("opportunityCode").asText());
    assertEquals("A", data.get("confidencePct").asText());
    assertEquals(
        "\u00A0张三\u00A0", data.get("operatorName").asText(), "free text is stored as sent");
    assertEnvelope(send(getOpportunity("%C2%A0", SECRET)), 404, "商机不存在");
  }

  @Test
  void answersUnavailableForAStageWhileNoDictionaryWasEverLoaded() throws Exception {
    dictionary = FakeFlowDictionary.neverLoaded();
    start();
    assertEnvelope(send(put(update("\"stage\":\"won\""), SECRET)), 503, "项目阶段字典暂不可用");
    assertSuccess(send(put(update("\"source\":\"x\""), SECRET)), storedId());
  }

  /** CONTRACT §5.6: a lost reason by id or unique name, shown as its id; "" clears it. */
  @Test
  void storesALostReasonByNameAndShowsItsIdAfterTheStatus() throws Exception {
    start();
    assertSuccess(
        send(put(update("\"status\":\"lost\",\"lostReason\":\" 竞品胜出 \""), SECRET)), storedId());
    HttpResponse<String> shown = send(getOpportunity(CODE, SECRET));
    assertTrue(
        shown.body().contains("\"status\":\"lost\",\"lostReason\":\"competitor\","), shown.body());
    assertEnvelope(send(put(update("\"lostReason\":\"竞品\""), SECRET)), 400, "输单原因无效: 竞品");
    assertEnvelope(send(put(update("\"lostReason\":7"), SECRET)), 400, "字段类型错误: lostReason");
    assertEquals(
        "competitor",
        JSON.readTree(send(getOpportunity(CODE, SECRET)).body()).at("/data/lostReason").asText(),
        "a refused update changes nothing");
    assertSuccess(send(put(update("\"lostReason\":\"\""), SECRET)), storedId());
    JsonNode data = JSON.readTree(send(getOpportunity(CODE, SECRET)).body()).get("data");
    assertTrue(data.get("lostReason").isNull(), "the empty string clears it");
    assertEquals("lost", data.get("status").asText(), "independent of the status");
  }

  @Test
  void answersUnavailableForALostReasonWhileNoDictionaryWasEverLoaded() throws Exception {
    dictionary = FakeFlowDictionary.neverLoaded();
    start();
    assertEnvelope(send(put(update("\"lostReason\":\"price\""), SECRET)), 503, "项目阶段字典暂不可用");
    assertSuccess(send(put(update("\"lostReason\":\"\""), SECRET)), storedId());
  }

  // --- Javalin's and Jetty's own answers -----------------------------------------------------

  @Test
  void answersUnknownRoutesWithTheEnvelope() throws Exception {
    start();
    assertEnvelope(send(HttpRequest.newBuilder(uri("/nowhere")).GET()), 404, "接口不存在");
    assertEnvelope(send(getOpportunity("a/b", SECRET)), 404, "接口不存在");
  }

  @Test
  void answersAWrongMethodWithTheEnvelope() throws Exception {
    start();
    assertEnvelope(
        send(
            HttpRequest.newBuilder(uri(UPDATE))
                .header("X-Internal-Secret", SECRET)
                .POST(HttpRequest.BodyPublishers.ofString("{}"))),
        405,
        "不支持的请求方法");
    assertEnvelope(send(HttpRequest.newBuilder(uri("/health")).DELETE()), 405, "不支持的请求方法");
    assertEnvelope(
        send(HttpRequest.newBuilder(uri(UPDATE)).POST(HttpRequest.BodyPublishers.ofString("{}"))),
        401,
        "内部接口鉴权失败");
  }

  @Test
  void answersJettysOwnErrorsWithTheEnvelopeForPutToo() throws Exception {
    start();
    String tooLarge =
        raw(
            "127.0.0.1",
            "PUT "
                + UPDATE
                + " HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(9 * 1024)
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assertTrue(tooLarge.startsWith("HTTP/1.1 431 "), tooLarge);
    assertTrue(tooLarge.contains("\r\nX-Request-Id: "), tooLarge);
    assertTrue(
        tooLarge.toLowerCase().contains("\r\ncontent-type: application/json; charset=utf-8\r\n"),
        tooLarge);
    assertTrue(
        tooLarge.endsWith("\r\n\r\n{\"code\":\"-1\",\"msg\":\"请求头过大\",\"data\":null}"), tooLarge);

    String garbage = raw("127.0.0.1", "PUT " + UPDATE + " HTTP/9.9 nonsense\r\n\r\n");
    assertTrue(garbage.startsWith("HTTP/1.1 400 "), garbage);
    assertTrue(garbage.contains("\r\nX-Request-Id: "), garbage);
    assertTrue(
        garbage.endsWith("\r\n\r\n{\"code\":\"-1\",\"msg\":\"请求无效\",\"data\":null}"), garbage);
  }

  /**
   * A broken chunk or a body cut short shows only while the route reads it: the client's fault
   * still.
   */
  @Test
  void answersABrokenOrCutOffBodyWith400() throws Exception {
    start();
    String head =
        "PUT "
            + UPDATE
            + " HTTP/1.1\r\nHost: x\r\nX-Internal-Secret: "
            + SECRET
            + "\r\nContent-Type: application/json\r\n";
    String[] requests = {
      head + "Transfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n", // not a chunk size
      head + "Content-Length: 100\r\n\r\n" + update("\"source\":\"x\""), // shorter than announced
      head + "Transfer-Encoding: chunked\r\n\r\n20\r\n" + update("")
    }; // cut off inside a chunk
    try (CapturedLog log = CapturedLog.start()) {
      for (String request : requests) {
        String answer = raw("127.0.0.1", request);
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.contains("\r\nX-Request-Id: "), answer);
        assertTrue(
            answer.endsWith("\r\n\r\n{\"code\":\"-1\",\"msg\":\"请求无效\",\"data\":null}"), answer);
      }
      assertFalse(log.text().contains("\tat "), "not logged as a failure of ours:\n" + log.text());
    }
    assertEquals(1, stored().version().value());
  }

  // --- 500 -----------------------------------------------------------------------------------

  @Test
  void answersAnUnexpectedFailureWithoutDetailsAndLogsItWithTheRequestId() throws Exception {
    start(
        new StoreThatFailsOnUpdate(
            new IllegalStateException("SELECT * FROM secret_table failed at line 42")));
    HttpResponse<String> response;
    try (CapturedLog log = CapturedLog.start()) {
      response = send(put(update("\"source\":\"x\""), SECRET).header("X-Request-Id", "failing-1"));
      log.awaitLineContaining("id=failing-1");
      String text = log.text();
      assertTrue(text.contains("request failing-1 failed"), text);
      assertTrue(text.contains("SELECT * FROM secret_table"), "the cause reaches the log");
      assertTrue(text.contains("\tat "), "with its stack trace");
    }
    assertEnvelope(response, 500, "系统繁忙，请稍后重试");
  }

  @Test
  void answersAStaleVersionAsBusy() throws Exception {
    start(new StoreThatFailsOnUpdate(new StaleVersionException("version 3 expected")));
    assertEnvelope(send(put(update("\"source\":\"x\""), SECRET)), 500, "系统繁忙，请稍后重试");
  }

  @Test
  void answersABusyStoreWithServiceUnavailable() throws Exception {
    start(new StoreThatFailsOnUpdate(new StoreBusyException("4096 updates are waiting already")));
    assertEnvelope(send(put(update("\"source\":\"x\""), SECRET)), 503, "系统繁忙，请稍后重试");
  }

  /**
   * The store logs a streak of such failures once (see WriteHealth); the adapter adds nothing per
   * request.
   */
  @Test
  void answersAStoreThatCannotWriteWithServiceUnavailableAndNoLineOfItsOwn() throws Exception {
    start();
    store.cannotWrite("database or disk is full");
    String text;
    try (CapturedLog log = CapturedLog.start()) {
      for (int i = 0; i < 5; i++) {
        assertEnvelope(
            send(
                put(update("\"source\":\"x" + i + "\""), SECRET)
                    .header("X-Request-Id", "full-" + i)),
            503,
            "系统繁忙，请稍后重试");
      }
      log.awaitLineContaining("id=full-4");
      text = log.text();
    }
    assertFalse(text.contains("\tat "), "no stack trace:\n" + text);
    assertFalse(
        text.contains("WARN") || text.contains("ERROR"), "no warning per request:\n" + text);
  }

  @Test
  void answersAnErrorAsBusy() throws Exception {
    start(new StoreThatFailsOnUpdate(new AssertionError("a bug")));
    assertEnvelope(send(put(update("\"source\":\"x\""), SECRET)), 500, "系统繁忙，请稍后重试");
  }

  // --- access log ----------------------------------------------------------------------------

  @Test
  void logsOneLinePerRequestWithoutSecretsOrBodies() throws Exception {
    start();
    String text;
    try (CapturedLog log = CapturedLog.start()) {
      send(
          put(update("\"description\":\"body-text-42\""), SECRET)
              .header("X-Request-Id", "logged-1"));
      send(put("{}", ROTATED + "-wrong").header("X-Request-Id", "logged-2"));
      raw(
          "127.0.0.1",
          "PUT "
              + UPDATE
              + " HTTP/1.1\r\nHost: x\r\nX-Big: "
              + "a".repeat(9 * 1024)
              + "\r\nConnection: close\r\n\r\n");
      log.awaitLineContaining(" 431 ");
      log.awaitLineContaining("id=logged-2");
      text = log.text();
    }
    assertTrue(text.contains("cn.opportunity.integration.access - PUT " + UPDATE + " 200 "), text);
    assertTrue(
        text.matches(
            "(?s).*PUT " + UPDATE + " 200 \\d+ms id=logged-1 caller=oms from=127\\.0\\.0\\.1.*"),
        text);
    assertTrue(text.contains(" id=logged-2 caller=- from="), "no name for a wrong secret");
    assertTrue(text.contains(" 401 "), text);
    assertFalse(text.contains(SECRET), "no secret");
    assertFalse(text.contains(ROTATED), "no secret, not even a wrong one");
    assertFalse(text.contains("body-text-42"), "no body");
  }

  /**
   * Lines wait in a queue for the log's own thread; a stop right after the answers writes them all.
   */
  @Test
  void writesEveryQueuedLineWhenTheServerStops() throws Exception {
    start();
    String text;
    try (CapturedLog log = CapturedLog.start()) {
      for (int i = 0; i < 200; i++)
        send(getOpportunity(CODE, SECRET).header("X-Request-Id", "queued-" + i));
      stop();
      app = null;
      text = log.text();
    }
    for (int i = 0; i < 200; i++)
      assertTrue(text.contains(" id=queued-" + i + " "), "the line of queued-" + i);
  }

  // --- health --------------------------------------------------------------------------------

  @Test
  void reportsHealthWithoutASecret() throws Exception {
    start();
    HttpResponse<String> up = send(HttpRequest.newBuilder(uri("/health")).GET());
    assertEquals(200, up.statusCode());
    assertJsonUtf8(up);
    assertEquals(
        "{\"status\":\"UP\",\"store\":{\"status\":\"UP\"},\"dictionary\":{\"source\":\"local\",\"loaded\":true,"
            + "\"stages\":7,\"snapshotAgeSeconds\":0,\"lastError\":null,\"skipped\":[]}}",
        up.body());
  }

  @Test
  void reportsAnUnloadedDictionaryAsUpWithNulls() throws Exception {
    dictionary = FakeFlowDictionary.neverLoaded();
    dictionary.failReload("connect timed out");
    start();
    HttpResponse<String> up = send(HttpRequest.newBuilder(uri("/health")).GET());
    assertEquals(200, up.statusCode());
    assertEquals(
        "{\"status\":\"UP\",\"store\":{\"status\":\"UP\"},\"dictionary\":{\"source\":\"xiaoman\",\"loaded\":false,"
            + "\"stages\":0,\"snapshotAgeSeconds\":null,\"lastError\":\"connect timed out\",\"skipped\":[]}}",
        up.body());
  }

  @Test
  void listsWhatTheDictionaryInForceLeftOut() throws Exception {
    dictionary =
        FakeFlowDictionary.loaded(
            new DictionarySnapshot(
                List.of(FixedFlowDictionary.builtInFlow()),
                List.of(),
                CLOCK.instant(),
                List.of(
                    "flow 3376272743 (test1): no stages",
                    "stage 7 of flow 1: unknown type \"九\"")));
    start();
    JsonNode body = JSON.readTree(send(HttpRequest.newBuilder(uri("/health")).GET()).body());
    assertEquals(
        "[\"flow 3376272743 (test1): no stages\",\"stage 7 of flow 1: unknown type \\\"九\\\"\"]",
        body.at("/dictionary/skipped").toString());
    assertTrue(body.at("/dictionary/lastError").isNull());
  }

  @Test
  void reportsABrokenStoreAsDownWith503() throws Exception {
    start();
    store.breakDown();
    HttpResponse<String> down = send(HttpRequest.newBuilder(uri("/health")).GET());
    assertEquals(503, down.statusCode());
    JsonNode body = JSON.readTree(down.body());
    assertEquals("DOWN", body.get("status").asText());
    assertEquals("DOWN", body.at("/store/status").asText());
    assertTrue(body.at("/dictionary/loaded").asBoolean());
  }

  @Test
  void reportsAStoreThatCannotWriteAsDownWithItsReasonUntilItCanAgain() throws Exception {
    start();
    store.cannotWrite("database or disk is full");
    HttpResponse<String> down = send(HttpRequest.newBuilder(uri("/health")).GET());
    assertEquals(503, down.statusCode());
    JsonNode body = JSON.readTree(down.body());
    assertEquals("DOWN", body.get("status").asText());
    assertEquals("DOWN", body.at("/store/status").asText());
    assertEquals("database or disk is full", body.at("/store/reason").asText());
    store.canWriteAgain();
    HttpResponse<String> up = send(HttpRequest.newBuilder(uri("/health")).GET());
    assertEquals(200, up.statusCode());
    assertEquals(
        "{\"status\":\"UP\"}",
        JSON.readTree(up.body()).get("store").toString(),
        "no reason while up");
  }

  // --- lifecycle -----------------------------------------------------------------------------

  /**
   * Stop waits for a request in flight (with Jetty's default idle handling): answered and stored.
   */
  @Test
  void finishesARequestInFlightWhenStopped() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    start(new SlowStore(store, inside, release));
    CompletableFuture<HttpResponse<String>> inFlight =
        client.sendAsync(
            put(update("\"source\":\"in flight\""), SECRET).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertTrue(inside.await(5, TimeUnit.SECONDS), "the request reached the store");
    Javalin stopping = app;
    app = null;
    Thread stopper = new Thread(stopping::stop);
    stopper.start();
    Thread.sleep(
        1_500); // longer than Jetty's shutdown idle timeout: the busy connection must survive it
    assertTrue(stopper.isAlive(), "stop waits");
    release.countDown();
    HttpResponse<String> answered = inFlight.get(10, TimeUnit.SECONDS);
    stopper.join(15_000);
    assertSuccess(answered, storedId());
    assertEquals("in flight", stored().details().source());
    assertFalse(stopper.isAlive(), "stop returned");
  }

  @Test
  void refusesAConfigurationWithoutUsableSecrets() {
    assertThrows(IllegalArgumentException.class, () -> HttpApiConfig.of(List.of()));
    assertThrows(IllegalArgumentException.class, () -> HttpApiConfig.of(List.of(SECRET, "")));
    assertEquals(10, HttpApiConfig.of(List.of(SECRET)).authFailuresPerMinute());
  }

  // --- test doubles --------------------------------------------------------------------------

  /** Holds every update until released. */
  static final class SlowStore extends ForwardingOpportunityStore {
    private final CountDownLatch inside;
    private final CountDownLatch release;

    SlowStore(OpportunityStore inner, CountDownLatch inside, CountDownLatch release) {
      super(inner);
      this.inside = inside;
      this.release = release;
    }

    @Override
    public Opportunity update(
        OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
      inside.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return inner.update(code, origin, change);
    }
  }

  /** A store whose writes fail with the given throwable. */
  static final class StoreThatFailsOnUpdate extends ForwardingOpportunityStore {
    private final Throwable failure;

    StoreThatFailsOnUpdate(Throwable failure) {
      super(new InMemoryOpportunityStore());
      this.failure = failure;
    }

    @Override
    public Opportunity update(
        OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
      if (failure instanceof Error error) throw error;
      throw (RuntimeException) failure;
    }
  }
}

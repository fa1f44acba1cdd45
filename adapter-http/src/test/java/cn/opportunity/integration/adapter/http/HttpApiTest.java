package cn.opportunity.integration.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.application.ApplyIntegrationUpdate;
import cn.opportunity.integration.application.CheckHealth;
import cn.opportunity.integration.application.GetOpportunity;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.StaleVersionException;
import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import cn.opportunity.integration.domain.testing.Opportunities;
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
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The HTTP adapter over real use cases and the in-memory fakes, spoken to over loopback. */
class HttpApiTest {
  static final String SECRET = "first-secret-0123456789abcdef0123456789";
  static final String ROTATED = "second-secret-0123456789abcdef012345678";
  static final String CODE = "OPP-20260401-001";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-04-30T02:00:00Z"), ZoneOffset.UTC);
  static final ObjectMapper JSON = new ObjectMapper();

  final HttpClient client = HttpClient.newHttpClient();
  InMemoryOpportunityStore store = new InMemoryOpportunityStore();
  FakeFlowDictionary dictionary = FakeFlowDictionary.loaded(CLOCK.instant());
  Javalin app;

  Javalin start(OpportunityStore storeToUse, int failuresPerMinute) {
    storeToUse.importAll(List.of(Opportunities.anOpportunity().code(CODE).build()), List.of());
    UpdatePolicy policy = new UpdatePolicy(ZoneId.of("Asia/Shanghai"));
    app = HttpApi.create(
        new HttpApiConfig(List.of(SECRET, ROTATED), failuresPerMinute),
        new ApplyIntegrationUpdate(storeToUse, dictionary, policy, CLOCK),
        new GetOpportunity(storeToUse),
        new CheckHealth(storeToUse, dictionary, CLOCK));
    return app.start("127.0.0.1", 0);
  }

  Javalin start() {
    return start(store, 10);
  }

  @AfterEach
  void stop() {
    if (app != null) app.stop();
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  HttpRequest.Builder put(String body, String secret) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/opportunities/integration/update"))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return secret == null ? request : request.header("X-Internal-Secret", secret);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  static void assertEnvelope(HttpResponse<String> response, int status, String message) throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    JsonNode body = JSON.readTree(response.body());
    assertEquals(List.of("code", "msg", "data"), iterable(body));
    assertEquals("-1", body.get("code").asText());
    assertEquals(message, body.get("msg").asText());
    assertTrue(body.get("data").isNull());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    assertTrue(response.headers().firstValue("X-Request-Id").isPresent());
  }

  static List<String> iterable(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void appliesAnUpdateAndAnswersTheIdInTheEnvelope() throws Exception {
    start();
    HttpResponse<String> response = send(put("{\"opportunityCode\":\"" + CODE + "\",\"stage\":\"won\"}", SECRET));
    long id = store.findByCode(new OpportunityCode(CODE)).orElseThrow().id().value();
    assertEquals(200, response.statusCode());
    assertEquals("{\"code\":\"0\",\"msg\":\"success\",\"data\":" + id + "}", response.body());
  }

  @Test
  void acceptsEitherSecretDuringARotation() throws Exception {
    start();
    assertEquals(200, send(put("{\"opportunityCode\":\"" + CODE + "\",\"source\":\"a\"}", SECRET)).statusCode());
    assertEquals(200, send(put("{\"opportunityCode\":\"" + CODE + "\",\"source\":\"b\"}", ROTATED)).statusCode());
  }

  /** (Spaces around a header value are not part of it in HTTP: Jetty strips them before we see it.) */
  @Test
  void refusesEveryWrongSecretAlike() throws Exception {
    start(store, 100);
    String lastByte = SECRET.substring(0, SECRET.length() - 1) + "X";
    String firstByte = "X" + SECRET.substring(1);
    for (String wrong : new String[] {null, "", lastByte, firstByte, SECRET.toUpperCase(), SECRET + "x"}) {
      assertEnvelope(send(put("{}", wrong)), 401, "内部接口鉴权失败");
    }
    Opportunity unchanged = store.findByCode(new OpportunityCode(CODE)).orElseThrow();
    assertEquals(1, unchanged.version().value());
  }

  @Test
  void refusesTheSecretHeaderSentTwice() throws Exception {
    start();
    String answer = raw("127.0.0.1", "PUT /api/opportunities/integration/update HTTP/1.1\r\nHost: x\r\n"
        + "X-Internal-Secret: " + SECRET + "\r\nX-Internal-Secret: " + SECRET + "\r\n"
        + "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
    assertTrue(answer.contains("内部接口鉴权失败"), answer);
  }

  @Test
  void slowsDownAnAddressThatKeepsFailingButNotACorrectClientElsewhere() throws Exception {
    start(store, 3);
    for (int i = 0; i < 3; i++) assertEnvelope(send(put("{}", "wrong")), 401, "内部接口鉴权失败");
    assertEnvelope(send(put("{}", "wrong")), 429, "鉴权失败次数过多，请稍后再试");
    assertEnvelope(send(put("{\"opportunityCode\":\"" + CODE + "\",\"source\":\"x\"}", SECRET)), 429, "鉴权失败次数过多，请稍后再试");
    String body = "{\"opportunityCode\":\"" + CODE + "\",\"source\":\"elsewhere\"}";
    String answer = raw("127.0.0.2", "PUT /api/opportunities/integration/update HTTP/1.1\r\nHost: x\r\n"
        + "X-Internal-Secret: " + SECRET + "\r\nContent-Type: application/json\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body);
    assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
  }

  /** Speaks HTTP by hand from a chosen loopback address (the JDK 17 client cannot choose one). */
  String raw(String from, String request) throws Exception {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", app.port()), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void refusesOtherContentTypesAndCharsets() throws Exception {
    start();
    for (String type : new String[] {"text/plain", "application/json; charset=GBK", "application/xml", "application/jsonx"}) {
      assertEnvelope(send(put("{}", SECRET).setHeader("Content-Type", type)), 415, "Content-Type 必须为 application/json");
    }
    for (String type : new String[] {"application/json;", "application/json; charset=utf-8; x=y", "application/json; charset=latin1"}) {
      assertEnvelope(send(put("{}", SECRET).setHeader("Content-Type", type)), 415, "Content-Type 必须为 application/json");
    }
    HttpRequest.Builder untyped = HttpRequest.newBuilder(uri("/api/opportunities/integration/update"))
        .header("X-Internal-Secret", SECRET).PUT(HttpRequest.BodyPublishers.ofString("{}"));
    assertEnvelope(send(untyped), 415, "Content-Type 必须为 application/json");
    for (String type : new String[] {"Application/JSON;Charset=UTF-8", "application/json ; charset = utf-8", "application/json"}) {
      HttpResponse<String> ok = send(put("{\"opportunityCode\":\"" + CODE + "\",\"source\":\"s\"}", SECRET)
          .setHeader("Content-Type", type));
      assertEquals(200, ok.statusCode(), type + " " + ok.body());
    }
  }

  @Test
  void refusesABodyOverTheLimitWithAndWithoutContentLength() throws Exception {
    start();
    String big = "{\"opportunityCode\":\"" + CODE + "\",\"description\":\"" + "x".repeat(70_000) + "\"}";
    assertEnvelope(send(put(big, SECRET)), 413, "请求体过大");
    HttpRequest.Builder chunked = put("", SECRET).PUT(HttpRequest.BodyPublishers.ofInputStream(
        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))));
    assertEnvelope(send(chunked), 413, "请求体过大");
    String prefix = "{\"opportunityCode\":\"" + CODE + "\",\"description\":\"";
    String exactly = prefix + "x".repeat(65_536 - prefix.length() - 2) + "\"}";
    assertEquals(65_536, exactly.getBytes(StandardCharsets.UTF_8).length);
    assertEnvelope(send(put(exactly, SECRET)), 400, "字段过长: description（最多 2000 个字符）");
  }

  @Test
  void refusesMalformedBodies() throws Exception {
    start();
    for (String body : new String[] {"", "[]", "{\"opportunityCode\":\"A\"} x", "{\"a\":", "null", "\"text\"",
        "{\"opportunityCode\":\"\\ud800\",\"source\":\"x\"}", "[".repeat(60_000)}) {
      assertEnvelope(send(put(body, SECRET)), 400, "请求体不是有效的 JSON 对象");
    }
    HttpRequest.Builder invalidUtf8 = put("", SECRET).PUT(HttpRequest.BodyPublishers.ofByteArray(
        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}));
    assertEnvelope(send(invalidUtf8), 400, "请求体不是有效的 JSON 对象");
  }

  @Test
  void answersRuleViolationsNotFoundAndMissingDictionary() throws Exception {
    dictionary = FakeFlowDictionary.neverLoaded();
    start();
    assertEnvelope(send(put("{\"opportunityCode\":\"" + CODE + "\",\"amount\":0,\"status\":\"x\"}", SECRET)), 400,
        "商机金额必须大于 0；商机状态仅支持 active、closed、won、lost");
    assertEnvelope(send(put("{\"opportunityCode\":\"NOPE\",\"source\":\"x\"}", SECRET)), 404, "商机不存在");
    assertEnvelope(send(put("{\"opportunityCode\":\"" + CODE + "\",\"stage\":\"won\"}", SECRET)), 503, "项目阶段字典暂不可用");
    assertEquals(200, send(put("{\"opportunityCode\":\"" + CODE + "\",\"source\":\"x\"}", SECRET)).statusCode());
  }

  @Test
  void answersAnUnexpectedFailureWithoutDetails() throws Exception {
    start(new StoreThatFailsOnUpdate(), 10);
    HttpResponse<String> response = send(put("{\"opportunityCode\":\"" + CODE + "\",\"source\":\"x\"}", SECRET));
    assertEnvelope(response, 500, "系统繁忙，请稍后重试");
    assertFalse(response.body().contains("SELECT"));
  }

  @Test
  void answersAStaleVersionAndAnErrorAsBusyToo() throws Exception {
    start(new StoreThatFailsOnUpdate(new StaleVersionException("version 3 expected")), 10);
    assertEnvelope(send(put("{\"opportunityCode\":\"" + CODE + "\",\"source\":\"x\"}", SECRET)), 500, "系统繁忙，请稍后重试");
    app.stop();
    start(new StoreThatFailsOnUpdate(new AssertionError("a bug")), 10);
    HttpResponse<String> response = send(put("{\"opportunityCode\":\"" + CODE + "\",\"source\":\"x\"}", SECRET));
    assertEnvelope(response, 500, "系统繁忙，请稍后重试");
    assertFalse(response.body().contains("a bug"));
  }

  /** Each check wins over the ones after it. */
  @Test
  void checksInTheContractsOrder() throws Exception {
    start();
    String big = "{\"opportunityCode\":\"" + CODE + "\",\"description\":\"" + "x".repeat(70_000) + "\"}";
    assertEnvelope(send(put("{}", "wrong").setHeader("Content-Type", "text/plain")), 401, "内部接口鉴权失败");
    assertEnvelope(send(put(big, "wrong").setHeader("Content-Type", "text/plain")), 401, "内部接口鉴权失败");
    assertEnvelope(send(put(big, SECRET).setHeader("Content-Type", "text/plain")), 415, "Content-Type 必须为 application/json");
    assertEnvelope(send(put("x".repeat(70_000), SECRET)), 413, "请求体过大");
    assertEnvelope(send(put("{\"source\":\"x\"", SECRET)), 400, "请求体不是有效的 JSON 对象");
    assertEnvelope(send(put("{\"source\":\"x\"}", SECRET)), 400, "opportunityCode 不能为空");
  }

  @Test
  void answersAWrongMethodWith405() throws Exception {
    start();
    assertEnvelope(send(HttpRequest.newBuilder(uri("/api/opportunities/integration/update")).header("X-Internal-Secret", SECRET)
        .POST(HttpRequest.BodyPublishers.ofString("{}"))), 405, "不支持的请求方法");
    assertEnvelope(send(HttpRequest.newBuilder(uri("/health")).DELETE()), 405, "不支持的请求方法");
  }

  /** The seed's own example: applied, then read back in canonical form, every member in the contract's order. */
  @Test
  void appliesTheSeedsExampleAndShowsItBack() throws Exception {
    String seedBody = seedExample();
    start();
    HttpResponse<String> response = send(put(seedBody, SECRET));
    long id = store.findByCode(new OpportunityCode(CODE)).orElseThrow().id().value();
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("{\"code\":\"0\",\"msg\":\"success\",\"data\":" + id + "}", response.body());

    HttpResponse<String> shown = send(HttpRequest.newBuilder(uri("/api/opportunities/integration/" + CODE))
        .header("X-Internal-Secret", SECRET).GET());
    assertEquals(200, shown.statusCode(), shown.body());
    assertTrue(shown.body().contains("\"amount\":2800000.00"), shown.body());
    JsonNode body = JSON.readTree(shown.body());
    assertEquals(List.of("code", "msg", "data"), iterable(body));
    JsonNode data = body.get("data");
    List<String> expected = new ArrayList<>(List.of("id", "opportunityCode"));
    for (OpportunityField field : OpportunityField.values()) expected.add(field.jsonName());
    expected.addAll(List.of("finalCustomerName", "createdAt", "updatedAt", "version"));
    assertEquals(expected, iterable(data));
    assertEquals(id, data.get("id").asLong());
    assertTrue(data.get("id").isIntegralNumber());
    assertEquals(CODE, data.get("opportunityCode").asText());
    assertEquals("won", data.get("stage").asText());
    assertEquals("won", data.get("status").asText());
    assertEquals("A", data.get("confidencePct").asText());
    assertEquals("2026-04-30", data.get("expectedCloseDate").asText());
    assertEquals("外部系统回写成交结果", data.get("description").asText());
    assertEquals("2026-04-30T02:00:00Z", data.get("updatedAt").asText());
    assertEquals(2, data.get("version").asInt());
    assertTrue(data.get("omsPushTime").isNull());
  }

  /** The JSON example of seeds/000_…txt, found by walking up to the shared folder. */
  static String seedExample() throws Exception {
    Path seed = null;
    for (Path dir = Path.of("").toAbsolutePath(); dir != null && seed == null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/seeds/000_4142796b52d280a5.txt");
      if (Files.isRegularFile(candidate)) seed = candidate;
    }
    Assumptions.assumeTrue(seed != null, "seed 000 not found beside the repository: skipped");
    String text = Files.readString(seed, StandardCharsets.UTF_8);
    int example = text.indexOf("```json", text.indexOf("请求示例")) + "```json".length();
    return text.substring(example, text.indexOf("```", example)).strip();
  }

  @Test
  void echoesASaneRequestIdAndReplacesOthers() throws Exception {
    start();
    HttpResponse<String> echoed = send(put("{}", SECRET).header("X-Request-Id", "abc-123.x:y"));
    assertEquals("abc-123.x:y", echoed.headers().firstValue("X-Request-Id").orElseThrow());
    HttpResponse<String> replaced = send(put("{}", SECRET).header("X-Request-Id", "bad id <script>"));
    String id = replaced.headers().firstValue("X-Request-Id").orElseThrow();
    assertNotEquals("bad id <script>", id);
    assertTrue(id.matches("[0-9a-f-]{36}"), id);
  }

  @Test
  void answersUnknownRoutesWithTheEnvelope() throws Exception {
    start();
    assertEnvelope(send(HttpRequest.newBuilder(uri("/nowhere")).GET()), 404, "接口不存在");
    assertEnvelope(send(HttpRequest.newBuilder(uri("/api/opportunities/integration/a/b")).header("X-Internal-Secret", SECRET).GET()),
        404, "接口不存在");
  }

  @Test
  void answersJettysOwnErrorsWithTheEnvelopeForPutToo() throws Exception {
    start();
    String answer = raw("127.0.0.1", "PUT /api/opportunities/integration/update HTTP/1.1\r\nHost: x\r\nX-Big: "
        + "a".repeat(9 * 1024) + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 431"), answer);
    assertTrue(answer.endsWith("{\"code\":\"-1\",\"msg\":\"请求头过大\",\"data\":null}"), answer);
    String garbage = raw("127.0.0.1", "PUT /api/opportunities/integration/update HTTP/9.9 nonsense\r\n\r\n");
    assertTrue(garbage.startsWith("HTTP/1.1 400"), garbage);
    assertTrue(garbage.contains("\"code\":\"-1\""), garbage);
  }

  @Test
  void showsAnOpportunityInCanonicalForm() throws Exception {
    start();
    send(put("{\"opportunityCode\":\"" + CODE + "\",\"amount\":2800000,\"confidencePct\":\"a\",\"status\":\"WON\"}", SECRET));
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/opportunities/integration/" + CODE))
        .header("X-Internal-Secret", SECRET).GET());
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("\"amount\":2800000.00"), response.body());
    JsonNode data = JSON.readTree(response.body()).get("data");
    assertEquals("A", data.get("confidencePct").asText());
    assertEquals("won", data.get("status").asText());
    assertEquals("2026-04-30T02:00:00Z", data.get("updatedAt").asText());
    assertEquals(2, data.get("version").asInt());
    assertTrue(data.get("operatorName").isNull());
    assertEnvelope(send(HttpRequest.newBuilder(uri("/api/opportunities/integration/NOPE")).header("X-Internal-Secret", SECRET).GET()),
        404, "商机不存在");
    assertEnvelope(send(HttpRequest.newBuilder(uri("/api/opportunities/integration/" + CODE)).GET()), 401, "内部接口鉴权失败");
  }

  @Test
  void reportsHealthUpAndDown() throws Exception {
    start();
    HttpResponse<String> up = send(HttpRequest.newBuilder(uri("/health")).header("X-Request-Id", "monitor-1").GET());
    assertEquals(200, up.statusCode());
    assertEquals("monitor-1", up.headers().firstValue("X-Request-Id").orElseThrow());
    assertEquals("{\"status\":\"UP\",\"store\":{\"status\":\"UP\"},\"dictionary\":{\"source\":\"local\",\"loaded\":true,"
        + "\"stages\":7,\"snapshotAgeSeconds\":0,\"lastError\":null}}", up.body());
    store.breakDown();
    HttpResponse<String> down = send(HttpRequest.newBuilder(uri("/health")).GET());
    assertEquals(503, down.statusCode());
    assertEquals("DOWN", JSON.readTree(down.body()).get("status").asText());
    assertEquals("DOWN", JSON.readTree(down.body()).at("/store/status").asText());
  }

  /** Stop waits for a request in flight: it is answered and stored; the server then refuses. */
  @Test
  void finishesARequestInFlightWhenStopped() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    OpportunityStore slow = new SlowStore(store, inside, release);
    start(slow, 10);
    CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
        put("{\"opportunityCode\":\"" + CODE + "\",\"source\":\"in flight\"}", SECRET).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertTrue(inside.await(5, TimeUnit.SECONDS), "the request reached the store");
    Thread stopper = new Thread(app::stop);
    stopper.start();
    Thread.sleep(300);
    release.countDown();
    HttpResponse<String> answered = inFlight.get(10, TimeUnit.SECONDS);
    stopper.join(15_000);
    assertEquals(200, answered.statusCode(), answered.body());
    assertEquals("in flight", store.findByCode(new OpportunityCode(CODE)).orElseThrow().details().source());
    assertFalse(stopper.isAlive(), "stop returned");
    app = null;
  }

  /** Holds every update until released. */
  static final class SlowStore implements OpportunityStore {
    private final OpportunityStore inner;
    private final CountDownLatch inside;
    private final CountDownLatch release;

    SlowStore(OpportunityStore inner, CountDownLatch inside, CountDownLatch release) {
      this.inner = inner;
      this.inside = inside;
      this.release = release;
    }

    @Override
    public Optional<Opportunity> findByCode(OpportunityCode code) {
      return inner.findByCode(code);
    }

    @Override
    public Opportunity update(OpportunityCode code, UnaryOperator<Opportunity> change) {
      inside.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return inner.update(code, change);
    }

    @Override
    public void importAll(List<NewOpportunity> created, List<Opportunity> updated) {
      inner.importAll(created, updated);
    }

    @Override
    public boolean isAvailable() {
      return true;
    }
  }

  /** A store whose writes fail unexpectedly, with SQL in the exception's message. */
  static final class StoreThatFailsOnUpdate implements OpportunityStore {
    private final InMemoryOpportunityStore data = new InMemoryOpportunityStore();
    private final Throwable failure;

    StoreThatFailsOnUpdate() {
      this(new IllegalStateException("SELECT * FROM secret_table failed at line 42"));
    }

    StoreThatFailsOnUpdate(Throwable failure) {
      this.failure = failure;
    }

    @Override
    public Optional<Opportunity> findByCode(OpportunityCode code) {
      return data.findByCode(code);
    }

    @Override
    public Opportunity update(OpportunityCode code, UnaryOperator<Opportunity> change) {
      if (failure instanceof Error error) throw error;
      throw (RuntimeException) failure;
    }

    @Override
    public void importAll(List<NewOpportunity> created, List<Opportunity> updated) {
      data.importAll(created, updated);
    }

    @Override
    public boolean isAvailable() {
      return true;
    }
  }
}

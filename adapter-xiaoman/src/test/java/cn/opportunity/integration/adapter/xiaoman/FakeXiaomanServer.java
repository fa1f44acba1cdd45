package cn.opportunity.integration.adapter.xiaoman;

import cn.opportunity.integration.domain.testing.TestSecrets;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Xiaoman's open API on loopback, answering with copies of the published payloads ({@code
 * src/test/resources/xiaoman}), with call counters and switches for faults. It accepts the client
 * secret and password of {@link TestSecrets}, and its tokens start with the stems there.
 *
 * <p>Like a real account, not every flow of the published {@code sales_flow} has stages: {@link
 * #FLOW_WITH_PUBLISHED_STAGES} has the published stage list, {@link #FLOW_WITH_MADE_UP_STAGES} two
 * made-up stages, and the seven others (among them {@code test1}) an empty one; {@link #stageLists}
 * changes that.
 */
public final class FakeXiaomanServer implements AutoCloseable {
  public static final String CLIENT_ID = "fake-client-id";
  public static final String USERNAME = "sales@example.com";
  public static final String FLOW_WITH_PUBLISHED_STAGES = "1101060263";

  /**
   * 外贸销售标准流程, the account's main flow: two stages made up for it, {@code <flow id>1} and {@code
   * <flow id>2}.
   */
  public static final String FLOW_WITH_MADE_UP_STAGES = "3071499626";

  /** test1, one of the seven published flows that have no stages here. */
  public static final String FLOW_TEST1 = "3376272743";

  /** The answer to {@code stage_list} for a flow without stages. */
  public static final String NO_STAGES = "{\"code\":200,\"message\":\"success\",\"data\":[]}";

  public final AtomicInteger tokenRequests = new AtomicInteger();
  public final AtomicInteger refreshRequests = new AtomicInteger();
  public final AtomicInteger dataRequests = new AtomicInteger();

  /** When each {@code sales_flow} call came: one a dictionary fetch, the first call of each. */
  public final Queue<Instant> dictionaryFetches = new ConcurrentLinkedQueue<>();

  /**
   * Statuses the next data calls answer with instead of the payload (e.g. 401, 503; 200: the
   * payload).
   */
  public final Queue<Integer> nextDataStatuses = new ConcurrentLinkedQueue<>();

  /** Bodies the next data calls answer with (status 200) instead of the payload. */
  public final Queue<String> nextDataBodies = new ConcurrentLinkedQueue<>();

  /** Flow id → its {@code stage_list} answer; a flow not in here has none ({@link #NO_STAGES}). */
  public final Map<String, String> stageLists =
      new ConcurrentHashMap<>(
          Map.of(
              FLOW_WITH_PUBLISHED_STAGES, fixture("selector-stage_list-1101060263.json"),
              FLOW_WITH_MADE_UP_STAGES, madeUpStages(FLOW_WITH_MADE_UP_STAGES)));

  public final Set<String> issuedTokens = ConcurrentHashMap.newKeySet();
  public final Set<String> issuedRefreshTokens = ConcurrentHashMap.newKeySet();
  public volatile Integer expiresIn; // null: no expires_in, as for client_credentials
  public volatile String retryAfter; // sent with a 429/503 from nextDataStatuses
  public volatile long dataDelayMillis;
  public volatile boolean refuseRefresh;

  private final HttpServer server;
  private final AtomicInteger serial = new AtomicInteger();

  public FakeXiaomanServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/oauth2/access_token", this::accessToken);
    server.createContext("/v1/oauth2/refresh_token", this::refreshToken);
    server.createContext("/v1/opportunity/fields/selector", this::selector);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Every token issued so far becomes invalid: the next data call with one gets 401. */
  public void revokeTokens() {
    issuedTokens.clear();
  }

  private void accessToken(HttpExchange exchange) throws IOException {
    tokenRequests.incrementAndGet();
    Map<String, String> form = form(exchange);
    boolean clientOk =
        CLIENT_ID.equals(form.get("client_id"))
            && TestSecrets.XIAOMAN_CLIENT_SECRET.equals(form.get("client_secret"));
    boolean passwordOk =
        !"password".equals(form.get("grant_type"))
            || USERNAME.equals(form.get("username"))
                && TestSecrets.XIAOMAN_PASSWORD_SHA256.equals(form.get("password"));
    if (!clientOk || !passwordOk || !"opportunity".equals(form.get("scope"))) {
      send(exchange, 400, fixture("oauth2-error-invalid_client.json"));
      return;
    }
    issue(exchange, "password".equals(form.get("grant_type")));
  }

  private void refreshToken(HttpExchange exchange) throws IOException {
    refreshRequests.incrementAndGet();
    Map<String, String> form = form(exchange);
    if (refuseRefresh || !issuedRefreshTokens.remove(form.getOrDefault("refresh_token", ""))) {
      send(exchange, 400, fixture("oauth2-error-refresh_revoked.json"));
      return;
    }
    issue(exchange, true);
  }

  private void issue(HttpExchange exchange, boolean withRefresh) throws IOException {
    String token = TestSecrets.ACCESS_TOKEN_STEM + serial.incrementAndGet();
    issuedTokens.add(token);
    StringBuilder body =
        new StringBuilder("{\"token_type\":\"Bearer\",\"access_token\":\"" + token + "\"");
    if (expiresIn != null) body.append(",\"expires_in\":").append(expiresIn);
    if (withRefresh) {
      String refresh = TestSecrets.REFRESH_TOKEN_STEM + serial.get();
      issuedRefreshTokens.add(refresh);
      body.append(",\"refresh_token\":\"").append(refresh).append('"');
    }
    send(exchange, 200, body.append('}').toString());
  }

  private void selector(HttpExchange exchange) throws IOException {
    dataRequests.incrementAndGet();
    if (dataDelayMillis > 0) {
      try {
        Thread.sleep(dataDelayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Integer status = nextDataStatuses.poll();
    if (status != null && status != 200) {
      if (retryAfter != null) exchange.getResponseHeaders().add("Retry-After", retryAfter);
      if (status == 302) exchange.getResponseHeaders().add("Location", "http://elsewhere.invalid/");
      send(
          exchange,
          status,
          status == 401
              ? "{\"code\":401,\"message\":\"token expired\"}"
              : "{\"code\":" + status + ",\"message\":\"fault\"}");
      return;
    }
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    String token = authorization == null ? "" : authorization.replaceFirst("^Bearer ", "");
    if (!issuedTokens.contains(token)) {
      send(exchange, 401, "{\"code\":401,\"message\":\"token expired\"}");
      return;
    }
    String body = nextDataBodies.poll();
    if (body != null) {
      send(exchange, 200, body);
      return;
    }
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    switch (query.getOrDefault("field", "")) {
      case "sales_flow" -> {
        dictionaryFetches.add(Instant.now());
        send(exchange, 200, fixture("selector-sales_flow.json"));
      }
      case "fail_reason" -> send(exchange, 200, fixture("selector-fail_reason.json"));
      case "stage_list" ->
          send(
              exchange, 200, stageLists.getOrDefault(query.getOrDefault("flow_id", ""), NO_STAGES));
      default -> send(exchange, 200, "{\"code\":400,\"message\":\"unknown field\"}");
    }
  }

  /**
   * Two stages for {@code flowId}: {@code <flowId>1} 进行 (in progress) and {@code <flowId>2} 赢单
   * (won), ids and types in both JSON forms.
   */
  public static String madeUpStages(String flowId) {
    return "{\"code\":200,\"message\":\"success\",\"data\":["
        + "{\"stage_id\":"
        + flowId
        + "1,\"stage_name\":\"进行 "
        + flowId
        + "\",\"type\":1,\"rank\":1,\"enable_flag\":1},"
        + "{\"stage_id\":\""
        + flowId
        + "2\",\"stage_name\":\"赢单\",\"type\":\"2\",\"rank\":1,\"enable_flag\":1,\"count\":null}]}";
  }

  public static String fixture(String name) {
    try (InputStream in = FakeXiaomanServer.class.getResourceAsStream("/xiaoman/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> form(HttpExchange exchange) throws IOException {
    return query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static Map<String, String> query(String raw) {
    if (raw == null || raw.isEmpty()) return Map.of();
    return Arrays.stream(raw.split("&"))
        .map(pair -> pair.split("=", 2))
        .collect(
            Collectors.toMap(
                p -> decode(p[0]), p -> p.length > 1 ? decode(p[1]) : "", (a, b) -> b));
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

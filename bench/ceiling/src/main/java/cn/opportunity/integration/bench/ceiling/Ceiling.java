package cn.opportunity.integration.bench.ceiling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP ceiling of the benchmark: the least a server must do for the update endpoint, and
 * nothing more. {@code PUT /api/opportunities/integration/update} checks {@code X-Internal-Secret}
 * in constant time (SHA-256, {@link MessageDigest#isEqual}, as the service does), reads the body
 * (at most 64 KiB), parses it with Jackson and answers {@code
 * {"code":"0","msg":"success","data":1}}; no store, no validation. Configured by the service's
 * variables ({@code OPP_HTTP_HOST}, {@code OPP_HTTP_PORT}, {@code OPP_INTERNAL_SECRETS}) and with
 * the service's Javalin and Jetty settings, so that the bench starts and loads both alike. SIGTERM
 * stops it.
 */
public final class Ceiling {
  private static final Logger log = LoggerFactory.getLogger(Ceiling.class);

  static final String PATH = "/api/opportunities/integration/update";
  private static final int MAX_BODY_BYTES = 64 * 1024;
  private static final String JSON_UTF8 = "application/json; charset=utf-8";
  private static final byte[] SUCCESS =
      "{\"code\":\"0\",\"msg\":\"success\",\"data\":1}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] AUTH_FAILED =
      "{\"code\":\"-1\",\"msg\":\"内部接口鉴权失败\",\"data\":null}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] MALFORMED =
      "{\"code\":\"-1\",\"msg\":\"请求体不是有效的 JSON 对象\",\"data\":null}"
          .getBytes(StandardCharsets.UTF_8);

  private final List<byte[]> secretDigests;
  private final ObjectMapper json = new ObjectMapper();

  private Ceiling(List<String> secrets) {
    this.secretDigests = secrets.stream().map(Ceiling::sha256).toList();
  }

  public static void main(String[] args) {
    String host = env("OPP_HTTP_HOST", "0.0.0.0");
    int port = Integer.parseInt(env("OPP_HTTP_PORT", "8080"));
    List<String> secrets =
        Arrays.stream(env("OPP_INTERNAL_SECRETS", "").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList();
    if (secrets.isEmpty()) {
      System.err.println("OPP_INTERNAL_SECRETS is required");
      System.exit(2);
    }
    Javalin app = new Ceiling(secrets).server();
    app.start(host, port);
    Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "graceful-stop"));
    log.info("Bench ceiling listening on http://{}:{}", host, app.port());
  }

  /** The service's Javalin and Jetty settings (HttpApi), one route. */
  Javalin server() {
    return Javalin.create(
        app -> {
          app.startup.showJavalinBanner = false;
          app.startup.showOldJavalinVersionWarning = false;
          app.http.prefer405over404 = true;
          app.http.maxRequestSize = MAX_BODY_BYTES;
          app.jetty.modifyServer(server -> server.setStopTimeout(10_000));
          app.routes.put(PATH, this::update);
        });
  }

  private void update(Context ctx) throws IOException {
    List<String> sent = Collections.list(ctx.req().getHeaders("X-Internal-Secret"));
    if (sent.size() != 1 || !matches(sent.get(0))) {
      answer(ctx, 401, AUTH_FAILED);
      return;
    }
    byte[] body;
    try (InputStream in = ctx.bodyInputStream()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    JsonNode parsed;
    try {
      parsed = json.readTree(body);
    } catch (IOException e) {
      parsed = null;
    }
    if (body.length > MAX_BODY_BYTES || parsed == null || !parsed.isObject()) {
      answer(ctx, 400, MALFORMED);
      return;
    }
    answer(ctx, 200, SUCCESS);
  }

  private boolean matches(String sent) {
    byte[] digest = sha256(sent);
    boolean matched = false;
    for (byte[] secret : secretDigests)
      matched |= MessageDigest.isEqual(secret, digest); // no short-circuit
    return matched;
  }

  private static void answer(Context ctx, int status, byte[] body) {
    ctx.status(status).contentType(JSON_UTF8).result(body);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value.strip();
  }
}

package cn.opportunity.integration.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import cn.opportunity.integration.domain.testing.TestSecrets;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;

/**
 * The HTTP adapter over the real use cases on a store and a dictionary a test chooses, listening on
 * loopback, with two named callers ({@code oms}, {@code erp}) and the JDK client. For the tests of
 * CONTRACT.md §5.
 */
final class ApiHarness implements AutoCloseable {
  static final String OMS = TestSecrets.INTERNAL;
  static final String ERP = TestSecrets.ROTATED_INTERNAL;
  static final String API = "/api/opportunities/integration";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-04-30T02:00:00Z"), ZoneOffset.UTC);
  static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  final OpportunityStore store;
  private final Javalin app;
  private final HttpClient client = HttpClient.newHttpClient();

  ApiHarness(OpportunityStore store, FlowDictionary dictionary) {
    this.store = store;
    this.app =
        HttpApi.create(
            new HttpApiConfig(
                List.of(new HttpApiConfig.Caller("oms", OMS), new HttpApiConfig.Caller("erp", ERP)),
                HttpApiConfig.DEFAULT_AUTH_FAILURES_PER_MINUTE,
                CLOCK),
            HttpApi.UseCases.over(
                store, dictionary, new UpdatePolicy(ZoneId.of("Asia/Shanghai")), CLOCK));
    app.start("127.0.0.1", 0);
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path));
  }

  /** A PUT of {@code body} as JSON with {@code secret}, and any more headers (name, value, …). */
  HttpRequest.Builder put(String path, String body, String secret, String... headers) {
    HttpRequest.Builder request =
        request(path)
            .header("Content-Type", "application/json")
            .header("X-Internal-Secret", secret)
            .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    for (int i = 0; i < headers.length; i += 2) request.header(headers[i], headers[i + 1]);
    return request;
  }

  HttpRequest.Builder get(String path, String secret) {
    return request(path).header("X-Internal-Secret", secret).GET();
  }

  /** Sends the request; every answer must match openapi.json ({@link OpenApiAnswers}). */
  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    OpenApiAnswers.assertValid(response);
    return response;
  }

  /**
   * Speaks HTTP/1.1 by hand as many clients do (the JDK's among them): writes all of {@code head}
   * and {@code body} before reading anything, through a small send buffer so that the kernel cannot
   * hold what the server leaves unread, then returns everything the server writes until it closes.
   * A server that closes with the body unread resets the connection: this throws.
   */
  String sendWholeThenRead(String head, byte[] body) throws IOException {
    try (Socket socket = new Socket()) {
      socket.setSendBufferSize(16 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", app.port()), 5_000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().write(body);
      socket.shutdownOutput();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      OpenApiAnswers.assertValidRaw(head, answer);
      return answer;
    }
  }

  /** The answer's JSON, after checking its status. */
  static JsonNode body(HttpResponse<String> response, int status) throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  /** A refusal's envelope: {@code {"code":"-1","msg":message,"data":null}} with its status. */
  static void assertRefused(HttpResponse<String> response, int status, String message)
      throws Exception {
    JsonNode body = body(response, status);
    assertEquals("-1", body.get("code").asText(), response.body());
    assertEquals(message, body.get("msg").asText(), response.body());
    assertEquals(true, body.get("data").isNull(), response.body());
  }

  Opportunity stored(String code) {
    return store.findByCode(new OpportunityCode(code)).orElseThrow();
  }

  @Override
  public void close() {
    for (Connector connector : app.jettyServer().server().getConnectors()) {
      if (connector instanceof AbstractConnector c) c.setShutdownIdleTimeout(1);
    }
    app.stop();
  }
}

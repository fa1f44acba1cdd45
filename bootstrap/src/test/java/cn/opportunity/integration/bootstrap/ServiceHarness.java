package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.adapter.http.OpenApiAnswers;
import cn.opportunity.integration.domain.testing.TestSecrets;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The real service on a random loopback port over a real SQLite file, and a client for it. */
final class ServiceHarness implements AutoCloseable {
  static final String SECRET = TestSecrets.INTERNAL;
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS) // amounts exactly as written
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  final Path dir;
  final Map<String, String> environment = new HashMap<>();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Server server;

  ServiceHarness(Path dir) {
    this.dir = dir;
    environment.put("OPP_DB_URL", "jdbc:sqlite:" + dir.resolve("opportunities.db"));
    environment.put("OPP_INTERNAL_SECRETS", SECRET);
    environment.put("OPP_HTTP_HOST", "127.0.0.1");
    environment.put("OPP_HTTP_PORT", "0");
  }

  /** Runs a command of the jar in-process; returns its exit status, output and error output. */
  record CommandResult(int status, String out, String err) {}

  CommandResult command(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            args,
            environment,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CommandResult(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Imports JSON lines through the {@code import} command; fails the test if it fails. */
  void importLines(String... lines) throws IOException {
    Path file = Files.createTempFile(dir, "import", ".jsonl");
    Files.write(file, List.of(lines), StandardCharsets.UTF_8);
    CommandResult result = command("import", file.toString());
    assertEquals(Main.OK, result.status(), result.err());
  }

  ServiceHarness start() {
    server = Server.start(AppConfig.load(environment, Optional.empty()), Clock.systemUTC());
    return this;
  }

  void stop() {
    if (server != null) server.stop();
    server = null;
  }

  /** The running server, for a test that stops it its own way. */
  Server server() {
    return server;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  HttpResponse<String> put(String body) {
    return send(
        HttpRequest.newBuilder(uri("/api/opportunities/integration/update"))
            .header("Content-Type", "application/json")
            .header("X-Internal-Secret", SECRET)
            .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  HttpResponse<String> get(String code) {
    return send(
        HttpRequest.newBuilder(uri("/api/opportunities/integration/" + code))
            .header("X-Internal-Secret", SECRET)
            .GET());
  }

  /** Sends the request; every answer must match openapi.json ({@link OpenApiAnswers}). */
  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          client.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      OpenApiAnswers.assertValid(response);
      return response;
    } catch (IOException e) {
      throw new AssertionError("request failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * Speaks HTTP/1.1 by hand, from a chosen loopback address (all of 127/8 is local on Linux; the
   * JDK 17 client can choose neither the address nor what it sends): writes {@code request}, closes
   * its side, then returns everything the server writes until it closes the connection, which must
   * match openapi.json.
   */
  String raw(String from, byte[] request) {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      socket.shutdownOutput();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      OpenApiAnswers.assertValidRaw(new String(request, StandardCharsets.ISO_8859_1), answer);
      return answer;
    } catch (IOException e) {
      throw new AssertionError("raw request from " + from + " failed", e);
    }
  }

  String raw(String from, String request) {
    return raw(from, request.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A raw answer that is exactly the failure envelope: the status, JSON in UTF-8, a request id, and
   * {@code {"code":"-1","msg":message,"data":null}} as the whole body.
   */
  static void assertRawEnvelope(String answer, int status, String message) {
    assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), answer);
    String head = answer.substring(0, answer.indexOf("\r\n\r\n") + 2).toLowerCase();
    assertTrue(
        head.contains("\r\ncontent-type: application/json;") && head.contains("charset=utf-8\r\n"),
        answer);
    assertTrue(head.contains("\r\nx-request-id: "), answer);
    assertEquals(
        "{\"code\":\"-1\",\"msg\":\"" + message + "\",\"data\":null}",
        answer.substring(answer.indexOf("\r\n\r\n") + 4),
        answer);
  }

  /** The {@code data} of a successful GET of {@code code}. */
  JsonNode stored(String code) {
    HttpResponse<String> response = get(code);
    assertEquals(200, response.statusCode(), response.body());
    return json(response.body()).get("data");
  }

  static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  @Override
  public void close() {
    stop();
  }
}

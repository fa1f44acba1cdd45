package cn.opportunity.integration.adapter.http;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks an answer of the service against {@code openapi.json} (CONTRACT §5.8): finds the operation
 * by method and path (or, for a path or method no operation takes, the document's {@code
 * x-unrouted-responses}), then the response by status (or {@code default}), and checks that every
 * required header of that response is present and valid, that a JSON response says so in its {@code
 * Content-Type}, and that the body validates against the response's schema (JSON Schema 2020-12 in
 * the OpenAPI 3.1 dialect, formats asserted). Used by the request helpers of the HTTP tests here
 * and in {@code bootstrap}, so that every answer they get is checked.
 */
public final class OpenApiAnswers {

  /**
   * Members the document requires that this branch does not answer yet (CONTRACT §5.6's {@code
   * lostReason} is added in parallel): their absence alone is not reported. Empty it when they are
   * served.
   */
  static final Set<String> NOT_YET_ANSWERED_MEMBERS = Set.of();

  /**
   * Headers the document requires that this branch does not send yet (CONTRACT §5.4's {@code ETag}
   * is added in parallel): their absence alone is not reported (a value sent is still checked).
   * Empty it when they are sent.
   */
  static final Set<String> NOT_YET_ANSWERED_HEADERS = Set.of();

  private static final String RESOURCE = "openapi.json";
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS) // amounts exactly as written
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();
  private static final Pattern PATH_PARAMETER = Pattern.compile("\\{[^/}]+}");
  private static final Pattern STATUS_LINE =
      Pattern.compile("HTTP/\\d(?:\\.\\d)? (\\d{3})[^\\r\\n]*");

  private static final OpenApiAnswers DOCUMENT = new OpenApiAnswers();

  private final JsonNode document;
  private final List<PathTemplate> paths;
  private final SchemaRegistry schemas;
  private final Map<String, Schema> schemaByPointer = new ConcurrentHashMap<>();

  private OpenApiAnswers() {
    document = readDocument();
    List<PathTemplate> templates = new ArrayList<>();
    document.get("paths").fieldNames().forEachRemaining(p -> templates.add(PathTemplate.of(p)));
    templates.sort(Comparator.comparingInt(PathTemplate::parameters)); // literal paths first
    paths = List.copyOf(templates);
    schemas =
        SchemaRegistry.withDialect(
            Dialects.getOpenApi31(),
            builder ->
                builder.schemaRegistryConfig(
                    SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
  }

  /** The document, as JSON. */
  public static JsonNode document() {
    return DOCUMENT.document.deepCopy();
  }

  /** Fails the test unless the answer to {@code response.request()} is one the document allows. */
  public static void assertValid(HttpResponse<String> response) {
    URI uri = response.request().uri();
    assertValid(
        response.request().method(),
        uri.getRawPath(),
        response.statusCode(),
        response.headers().map(),
        response.body());
  }

  /** Fails the test unless this answer to {@code method path} is one the document allows. */
  public static void assertValid(
      String method, String rawPath, int status, Map<String, List<String>> headers, String body) {
    List<String> problems = DOCUMENT.problems(method, rawPath, status, headers, body);
    if (!problems.isEmpty())
      fail(
          "the answer to "
              + method
              + " "
              + rawPath
              + " ("
              + status
              + ") does not match openapi.json:\n  "
              + String.join("\n  ", problems)
              + "\nbody: "
              + abbreviated(body));
  }

  /**
   * As {@link #assertValid(String, String, int, Map, String)} for an exchange spoken by hand:
   * {@code request} as written (its request line names method and path), {@code answer} as read
   * (status line, headers, body). An empty answer (the server closed without one) has nothing to
   * check.
   */
  public static void assertValidRaw(String request, String answer) {
    if (answer.isEmpty()) return;
    Matcher status = STATUS_LINE.matcher(answer);
    if (!status.lookingAt()) fail("not an HTTP answer: " + abbreviated(answer));
    int headEnd = answer.indexOf("\r\n\r\n");
    if (headEnd < 0) fail("an HTTP answer without the end of its headers: " + abbreviated(answer));
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String line : answer.substring(0, headEnd).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0)
        headers
            .computeIfAbsent(line.substring(0, colon).trim(), name -> new ArrayList<>())
            .add(line.substring(colon + 1).trim());
    }
    String body = answer.substring(headEnd + 4);
    if (headers.getOrDefault("Transfer-Encoding", List.of()).contains("chunked"))
      body = dechunked(body);
    String[] requestLine = request.split("\r\n", 2)[0].split(" ");
    String method = requestLine[0];
    String target = requestLine.length > 1 ? requestLine[1] : "/";
    int query = target.indexOf('?');
    assertValid(
        method,
        query < 0 ? target : target.substring(0, query),
        Integer.parseInt(status.group(1)),
        headers,
        body);
  }

  /** What does not match: empty when the answer is one the document allows. */
  static List<String> problemsOf(
      String method, String rawPath, int status, Map<String, List<String>> headers, String body) {
    return DOCUMENT.problems(method, rawPath, status, headers, body);
  }

  private List<String> problems(
      String method, String rawPath, int status, Map<String, List<String>> headers, String body) {
    List<String> problems = new ArrayList<>();
    String responsePointer = responsePointer(method, rawPath, status, problems);
    if (responsePointer == null) return problems;
    JsonNode response = document.at(responsePointer);
    checkHeaders(response, responsePointer, headers, problems);
    JsonNode json = response.path("content").path("application/json");
    if (!json.isMissingNode() && !"HEAD".equalsIgnoreCase(method)) {
      String type = first(headers, "Content-Type").orElse("");
      if (!type.toLowerCase(Locale.ROOT).startsWith("application/json"))
        problems.add("Content-Type is \"" + type + "\", not application/json");
      checkBody(responsePointer + "/content/application~1json/schema", body, problems);
    }
    return problems;
  }

  /** The pointer of the response object that documents this answer, its {@code $ref}s followed. */
  private String responsePointer(String method, String rawPath, int status, List<String> problems) {
    String pathPointer = null;
    for (PathTemplate path : paths) {
      if (!path.matches(rawPath)) continue;
      String candidate = "/paths/" + escape(path.template());
      if (document.at(candidate).has(method.toLowerCase(Locale.ROOT))) {
        pathPointer = candidate;
        break;
      }
    }
    String responses =
        pathPointer == null
            ? "/x-unrouted-responses"
            : pathPointer + "/" + method.toLowerCase(Locale.ROOT) + "/responses";
    String code = String.valueOf(status);
    String pointer =
        document.at(responses).has(code)
            ? responses + "/" + code
            : document.at(responses).has("default") ? responses + "/default" : null;
    if (pointer == null) {
      problems.add("status " + status + " is not documented at " + responses);
      return null;
    }
    return followRefs(pointer);
  }

  private void checkHeaders(
      JsonNode response,
      String responsePointer,
      Map<String, List<String>> headers,
      List<String> problems) {
    Iterator<Map.Entry<String, JsonNode>> documented = response.path("headers").fields();
    while (documented.hasNext()) {
      Map.Entry<String, JsonNode> entry = documented.next();
      String name = entry.getKey();
      String headerPointer = followRefs(responsePointer + "/headers/" + escape(name));
      JsonNode header = document.at(headerPointer);
      Optional<String> value = first(headers, name);
      if (value.isEmpty()) {
        if (header.path("required").asBoolean(false) && !NOT_YET_ANSWERED_HEADERS.contains(name))
          problems.add("the required header " + name + " is missing");
        continue;
      }
      for (Error error : schema(headerPointer + "/schema").validate(TextNode.valueOf(value.get())))
        problems.add("header " + name + ": " + error);
    }
  }

  private void checkBody(String schemaPointer, String body, List<String> problems) {
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException e) {
      problems.add("the body is not JSON: " + e.getMessage());
      return;
    }
    if (json == null || json.isMissingNode()) {
      problems.add("the body is empty");
      return;
    }
    for (Error error : schema(schemaPointer).validate(json)) {
      if ("required".equals(error.getKeyword())
          && NOT_YET_ANSWERED_MEMBERS.contains(error.getProperty())) continue;
      problems.add(error.toString());
    }
  }

  private Schema schema(String pointer) {
    return schemaByPointer.computeIfAbsent(
        pointer,
        p -> schemas.getSchema(SchemaLocation.of("classpath:" + RESOURCE + "#" + fragment(p))));
  }

  /** Follows {@code $ref}s to objects of this document ({@code #/components/…}). */
  private String followRefs(String pointer) {
    String at = pointer;
    for (int hops = 0; document.at(at).has("$ref"); hops++) {
      String ref = document.at(at).get("$ref").asText();
      if (!ref.startsWith("#/") || hops > 10) fail("openapi.json: unexpected $ref " + ref);
      at = ref.substring(1);
    }
    if (document.at(at).isMissingNode()) fail("openapi.json: nothing at " + at);
    return at;
  }

  private static JsonNode readDocument() {
    try (InputStream in = OpenApiAnswers.class.getResourceAsStream("/" + RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is not on the classpath");
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<String> first(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (header.getKey() != null
          && header.getKey().equalsIgnoreCase(name)
          && !header.getValue().isEmpty()) return Optional.of(header.getValue().get(0));
    }
    return Optional.empty();
  }

  /** One JSON Pointer token ({@code /} and {@code ~} escaped). */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  /** A JSON Pointer as a URI fragment: what a fragment cannot hold, percent-encoded. */
  private static String fragment(String pointer) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : pointer.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~/".indexOf(c) >= 0) encoded.append(c);
      else encoded.append('%').append(String.format("%02X", b & 0xff));
    }
    return encoded.toString();
  }

  private static String dechunked(String body) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = body.indexOf("\r\n", at);
      if (lineEnd < 0) return out.toString();
      int size = Integer.parseInt(body.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) return out.toString();
      byte[] rest = body.substring(lineEnd + 2).getBytes(StandardCharsets.UTF_8);
      String chunk = new String(rest, 0, Math.min(size, rest.length), StandardCharsets.UTF_8);
      out.append(chunk);
      at = lineEnd + 2 + chunk.length() + 2;
    }
  }

  private static String abbreviated(String text) {
    return text.length() <= 2_000 ? text : text.substring(0, 2_000) + "…";
  }

  /** A path of the document; its {@code {parameters}} match one non-empty segment. */
  record PathTemplate(String template, Pattern pattern, int parameters) {
    static PathTemplate of(String template) {
      Matcher parameter = PATH_PARAMETER.matcher(template);
      StringBuilder regex = new StringBuilder();
      int last = 0;
      int count = 0;
      while (parameter.find()) {
        regex.append(Pattern.quote(template.substring(last, parameter.start()))).append("[^/]+");
        last = parameter.end();
        count++;
      }
      regex.append(Pattern.quote(template.substring(last)));
      return new PathTemplate(template, Pattern.compile(regex.toString()), count);
    }

    boolean matches(String rawPath) {
      return pattern.matcher(rawPath).matches();
    }
  }
}

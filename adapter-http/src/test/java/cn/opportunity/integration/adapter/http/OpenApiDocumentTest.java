package cn.opportunity.integration.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.Messages;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.javalin.router.ParsedEndpoint;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code openapi.json} (CONTRACT §5.8): valid OpenAPI 3.1, the routes of the server and the
 * operations of the document are the same, every message text of the service is in it, and it is
 * served as kept. That every answer of the HTTP tests matches it is {@link OpenApiAnswers}' part.
 */
class OpenApiDocumentTest {

  /**
   * Documented operations not served yet: none. An operation added to the document before its route
   * goes here until the route exists; the test fails while an entry here is served.
   */
  static final Set<String> NOT_YET_SERVED = Set.of();

  /** The classes holding every caller-facing text of the service. */
  static final List<Class<?>> MESSAGE_CLASSES = List.of(Messages.class, HttpMessages.class);

  final HttpApiTest api = new HttpApiTest();

  @AfterEach
  void stop() {
    api.stop();
  }

  static String text() {
    return new String(OpenApiEndpoint.read("/openapi.json"), StandardCharsets.UTF_8);
  }

  // --- a. valid OpenAPI 3.1 ------------------------------------------------------------------

  @Test
  void isValidOpenApi31WithoutAnyMessageOfTheParser() {
    SwaggerParseResult result = parse(text());
    assertEquals(List.of(), result.getMessages());
    assertEquals("3.1.0", result.getOpenAPI().getOpenapi());
    assertEquals(
        OpenApiAnswers.document().get("paths").size(), result.getOpenAPI().getPaths().size());
  }

  /** The parser's check can fail: a response without its description, a member of no object. */
  @Test
  void theParserReportsWhatIsWrongInABrokenCopy() {
    ObjectNode broken = (ObjectNode) OpenApiAnswers.document();
    ((ObjectNode) broken.at("/paths/~1health/get/responses/200")).remove("description");
    ((ObjectNode) broken.at("/paths/~1health/get")).put("respones", "typo");
    List<String> messages = parse(broken.toString()).getMessages();
    assertTrue(messages.stream().anyMatch(m -> m.contains("description")), messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.contains("respones")), messages.toString());
  }

  private static SwaggerParseResult parse(String json) {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);
    return new OpenAPIV3Parser().readContents(json, null, options);
  }

  /** Every schema of the document is a valid JSON Schema 2020-12 (a misspelt type fails here). */
  @Test
  void holdsOnlyValidJsonSchemas() {
    Schema metaSchema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    List<JsonNode> found = new ArrayList<>();
    OpenApiAnswers.document().get("components").get("schemas").forEach(found::add);
    collectSchemas(OpenApiAnswers.document(), found);
    assertTrue(found.size() > 40, "schemas found: " + found.size());
    for (JsonNode schema : found) {
      List<Error> errors = metaSchema.validate(schema);
      assertEquals(List.of(), errors, schema.toString());
    }
    JsonNode misspelt = OpenApiAnswers.document().at("/components/schemas/Change");
    ((ObjectNode) misspelt).put("type", "objekt");
    assertFalse(metaSchema.validate(misspelt).isEmpty(), "the meta-schema check can fail");
  }

  private static void collectSchemas(JsonNode node, List<JsonNode> found) {
    Iterator<Map.Entry<String, JsonNode>> members = node.fields();
    while (members.hasNext()) {
      Map.Entry<String, JsonNode> member = members.next();
      if (member.getKey().equals("schema") && member.getValue().isObject())
        found.add(member.getValue());
      collectSchemas(member.getValue(), found);
    }
    if (node.isArray()) node.forEach(item -> collectSchemas(item, found));
  }

  // --- b. the routes are the operations ------------------------------------------------------

  @Test
  void documentsEveryRouteAndServesEveryDocumentedOperation() throws Exception {
    api.start();
    Set<String> served = new TreeSet<>();
    for (ParsedEndpoint route : api.app.unsafe.internalRouter.allHttpHandlers()) {
      if (route.endpoint.method.isHttpMethod())
        served.add(route.endpoint.method.name() + " " + route.endpoint.path);
    }
    Set<String> documented = documentedOperations();
    Set<String> notYetServed = new TreeSet<>(NOT_YET_SERVED);
    notYetServed.retainAll(served);
    assertEquals(Set.of(), notYetServed, "served now: remove them from NOT_YET_SERVED");
    Set<String> expected = new TreeSet<>(documented);
    expected.removeAll(NOT_YET_SERVED);
    assertEquals(expected, served, "the routes of HttpApi and the operations of openapi.json");

    for (String operation : expected) {
      HttpResponse<String> answer = api.send(probe(operation));
      String where = operation + " answered " + answer.statusCode() + " " + answer.body();
      assertNotEquals(405, answer.statusCode(), where);
      assertFalse(
          answer.statusCode() == 404 && answer.body().contains(HttpMessages.NO_SUCH_ROUTE), where);
    }
  }

  static Set<String> documentedOperations() {
    Set<String> operations = new TreeSet<>();
    JsonNode paths = OpenApiAnswers.document().get("paths");
    paths
        .fieldNames()
        .forEachRemaining(
            path ->
                paths
                    .get(path)
                    .fieldNames()
                    .forEachRemaining(
                        method -> operations.add(method.toUpperCase(Locale.ROOT) + " " + path)));
    return operations;
  }

  /** A request for the operation, path parameters filled in, with the secret and a JSON body. */
  private HttpRequest.Builder probe(String operation) {
    String method = operation.substring(0, operation.indexOf(' '));
    String path =
        operation
            .substring(operation.indexOf(' ') + 1)
            .replace("{opportunityCode}", HttpApiTest.CODE);
    return HttpRequest.newBuilder(api.uri(path))
        .header("X-Internal-Secret", HttpApiTest.SECRET)
        .header("Content-Type", "application/json")
        .method(
            method,
            method.equals("GET")
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString("{}"));
  }

  // --- served as kept ------------------------------------------------------------------------

  @Test
  void servesTheDocumentAsKeptWithoutASecret() throws Exception {
    api.start();
    HttpResponse<String> answer = api.send(HttpRequest.newBuilder(api.uri("/openapi.json")).GET());
    assertEquals(200, answer.statusCode());
    assertEquals(text(), answer.body());
    HttpApiTest.assertJsonUtf8(answer);
    assertTrue(answer.headers().firstValue("X-Request-Id").isPresent());
  }

  // --- c. the checker of answers can fail ----------------------------------------------------

  @Test
  void refusesAnAnswerThatDoesNotMatchTheDocument() throws Exception {
    api.start();
    HttpResponse<String> real = api.send(api.getOpportunity(HttpApiTest.CODE, HttpApiTest.SECRET));
    assertEquals(200, real.statusCode());
    String path = "/api/opportunities/integration/" + HttpApiTest.CODE;
    Map<String, List<String>> headers = real.headers().map();
    assertEquals(
        List.of(), OpenApiAnswers.problemsOf("GET", path, 200, headers, real.body()), "as served");

    String versionAsText = real.body().replaceFirst("\"version\":(\\d+)", "\"version\":\"$1\"");
    assertNotEquals(real.body(), versionAsText);
    assertProblem(
        OpenApiAnswers.problemsOf("GET", path, 200, headers, versionAsText), "/data/version");
    String unknownMember = real.body().replaceFirst("\\{\"id\"", "{\"extra\":1,\"id\"");
    assertProblem(OpenApiAnswers.problemsOf("GET", path, 200, headers, unknownMember), "extra");
    String otherMessage = "{\"code\":\"-1\",\"msg\":\"找不到\",\"data\":null}";
    assertProblem(OpenApiAnswers.problemsOf("GET", path, 404, headers, otherMessage), "/msg");
    assertProblem(
        OpenApiAnswers.problemsOf("GET", path, 200, Map.of(), real.body()), "X-Request-Id");
    Map<String, List<String>> badETag =
        Map.of(
            "X-Request-Id",
            List.of("r-1"),
            "ETag",
            List.of("W/\"1\""),
            "Content-Type",
            List.of("application/json"));
    assertProblem(OpenApiAnswers.problemsOf("GET", path, 200, badETag, real.body()), "ETag");
    assertProblem(
        OpenApiAnswers.problemsOf("PUT", "/api/opportunities/integration/update", 302, headers, ""),
        "the body is empty"); // what the default response says: the envelope
    assertProblem(OpenApiAnswers.problemsOf("GET", "/nowhere", 404, headers, real.body()), "/code");
  }

  private static void assertProblem(List<String> problems, String naming) {
    assertTrue(
        problems.stream().anyMatch(p -> p.contains(naming)),
        "expected a problem naming " + naming + ", got " + problems);
  }

  // --- d. every message text ------------------------------------------------------------------

  /**
   * Every constant text of the message classes is in the document, and every message function's
   * text, its arguments standing for any short value: a new message without its documentation fails
   * here.
   */
  @Test
  void holdsEveryMessageTextOfTheService() throws Exception {
    String document = text();
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (Class<?> holder : MESSAGE_CLASSES) {
      for (Field field : holder.getDeclaredFields()) {
        if (!Modifier.isStatic(field.getModifiers()) || field.getType() != String.class) continue;
        field.setAccessible(true);
        String message = (String) field.get(null);
        checked++;
        if (!document.contains(message))
          missing.add(holder.getSimpleName() + "." + field.getName());
      }
      for (Method function : holder.getDeclaredMethods()) {
        if (!Modifier.isStatic(function.getModifiers())
            || function.getReturnType() != String.class
            || function.getParameterCount() == 0
            || function.isSynthetic()) continue;
        if (function.getParameterTypes()[0] == int.class) continue; // HttpMessages.forStatus
        List<String> parts = partsOf(function);
        checked++;
        Pattern pattern =
            Pattern.compile(
                parts.stream().map(Pattern::quote).collect(Collectors.joining("[^\"`]{1,40}?")));
        if (!pattern.matcher(document).find())
          missing.add(holder.getSimpleName() + "." + function.getName() + " " + parts);
      }
    }
    assertTrue(checked > 30, "texts checked: " + checked);
    assertEquals(List.of(), missing, "texts not in openapi.json");
  }

  /** The fixed parts of a message function's text, around its arguments. */
  private static List<String> partsOf(Method function) throws Exception {
    function.setAccessible(true);
    Class<?>[] types = function.getParameterTypes();
    Object[] arguments = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      if (types[i] == String.class) arguments[i] = "\u0001";
      else if (types[i] == int.class) arguments[i] = 918_273_645;
      else throw new AssertionError("a message argument of type " + types[i]);
    }
    String text = (String) function.invoke(null, arguments);
    List<String> parts = new ArrayList<>();
    for (String part : text.replace("918273645", "\u0001").split("\u0001"))
      if (!part.isEmpty()) parts.add(part);
    return parts;
  }

  @Test
  void holdsEveryTextOfTheStatusesTheServerAnswersItself() {
    String document = text();
    for (int status : new int[] {400, 404, 405, 408, 413, 414, 415, 431, 500, 505}) {
      String message = HttpMessages.forStatus(status);
      assertTrue(document.contains(message), status + " " + message);
    }
  }
}

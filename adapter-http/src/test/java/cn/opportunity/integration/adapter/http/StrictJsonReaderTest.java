package cn.opportunity.integration.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.update.SentFields;
import cn.opportunity.integration.domain.update.SentValue;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictJsonReaderTest {
  final StrictJsonReader reader = new StrictJsonReader();

  SentFields read(String json) {
    return reader.read(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsEveryKindOfValueWithItsJsonType() {
    SentFields fields = read("{\"t\":\"文本 😀\",\"i\":12,\"f\":2800000.50,\"e\":1e3,\"b\":true,\"n\":null,\"o\":{\"x\":[1]},\"a\":[]}");
    assertEquals(Optional.of(SentValue.text("文本 😀")), fields.get("t"));
    assertEquals(Optional.of(new SentValue.Numeric(new BigDecimal("12"), true)), fields.get("i"));
    assertEquals(Optional.of(new SentValue.Numeric(new BigDecimal("2800000.50"), false)), fields.get("f"));
    assertEquals(Optional.of(new SentValue.Numeric(new BigDecimal("1e3"), false)), fields.get("e"));
    assertEquals(Optional.of(SentValue.bool(true)), fields.get("b"));
    assertEquals(Optional.empty(), fields.get("n"));
    assertEquals(Optional.of(new SentValue.Composite()), fields.get("o"));
    assertEquals(Optional.of(new SentValue.Composite()), fields.get("a"));
    assertEquals(List.of("t", "i", "f", "e", "b", "o", "a"), new ArrayList<>(fields.names()));
  }

  @Test
  void keepsHugeNumbersExactly() {
    String forty = "1234567890123456789012345678901234567890";
    assertEquals(Optional.of(new SentValue.Numeric(new BigDecimal(forty), true)), read("{\"n\":" + forty + "}").get("n"));
    assertEquals(Optional.of(new SentValue.Numeric(new BigDecimal("1e308"), false)), read("{\"n\":1e308}").get("n"));
  }

  @Test
  void notesDuplicateNamesInsteadOfFailing() {
    SentFields fields = read("{\"a\":1,\"a\":2,\"b\":null,\"b\":3}");
    assertEquals(List.of("a", "b"), new ArrayList<>(fields.duplicates()));
    assertEquals(Optional.of(SentValue.number(1)), fields.get("a"));
  }

  @Test
  void ignoresALeadingByteOrderMark() {
    assertTrue(read("\uFEFF{\"a\":\"b\"}").get("a").isPresent());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "[]", "null", "1", "\"x\"", "{", "{\"a\":1", "{\"a\":1}}", "{\"a\":1} {}",
      "{\"a\":1} x", "{'a':1}", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":\"\\ud800\"}", "{\"\\udc00\":1}",
      "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":1,}"})
  void refusesAnythingButOneWellFormedObject(String json) {
    assertThrows(MalformedBodyException.class, () -> read(json));
  }

  @Test
  void refusesInvalidUtf8AndOtherEncodings() {
    assertThrows(MalformedBodyException.class, () -> reader.read(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'}));
    assertThrows(MalformedBodyException.class, () -> reader.read("{\"a\":1}".getBytes(StandardCharsets.UTF_16)));
  }

  @Test
  void refusesDeepNestingWithoutBlowingTheStack() {
    assertThrows(MalformedBodyException.class, () -> read("{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}"));
    assertThrows(MalformedBodyException.class, () -> read("[".repeat(100_000)));
    assertTrue(read("{\"a\":" + "[".repeat(10) + "]".repeat(10) + "}").get("a").isPresent());
  }

  /** JSONTestSuite: n_ files never pass; y_ and i_ files never end in anything but a value or a refusal. */
  @Test
  void handlesTheJsonTestSuite() throws IOException {
    Path corpus = findCorpus();
    Assumptions.assumeTrue(corpus != null, "JSONTestSuite not found beside the repository (shared/fixtures/jsontestsuite): skipped");
    List<Path> files;
    try (Stream<Path> listing = Files.list(corpus)) {
      files = listing.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertTrue(files.size() > 250, "only " + files.size() + " files in " + corpus);
    List<String> wronglyAccepted = new ArrayList<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      byte[] bytes = Files.readAllBytes(file);
      try {
        reader.read(bytes);
        if (name.startsWith("n_")) wronglyAccepted.add(name);
      } catch (MalformedBodyException refused) {
        // a refusal is always a fine answer for y_ files that are not objects and for i_ files
      }
    }
    assertEquals(List.of(), wronglyAccepted);
  }

  private static Path findCorpus() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path corpus = dir.resolve("shared/fixtures/jsontestsuite/test_parsing");
      if (Files.isDirectory(corpus)) return corpus;
    }
    return null;
  }
}

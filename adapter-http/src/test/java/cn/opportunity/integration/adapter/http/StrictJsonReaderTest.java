package cn.opportunity.integration.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.HostileBodies;
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
    SentFields fields =
        read(
            "{\"t\":\"文本 😀\",\"i\":12,\"f\":2800000.50,\"e\":1e3,\"b\":true,\"n\":null,\"o\":{\"x\":[1]},\"a\":[]}");
    assertEquals(Optional.of(SentValue.text("文本 😀")), fields.get("t"));
    assertEquals(Optional.of(new SentValue.Numeric(new BigDecimal("12"), true)), fields.get("i"));
    assertEquals(
        Optional.of(new SentValue.Numeric(new BigDecimal("2800000.50"), false)), fields.get("f"));
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
    assertEquals(
        Optional.of(new SentValue.Numeric(new BigDecimal(forty), true)),
        read("{\"n\":" + forty + "}").get("n"));
    assertEquals(
        Optional.of(new SentValue.Numeric(new BigDecimal("1e308"), false)),
        read("{\"n\":1e308}").get("n"));
  }

  /** Found by the hostile-input fuzz: such an exponent made Jackson throw, which became a 500. */
  @Test
  void readsAnExponentBeyondBigDecimalAsAStandInOfTheSameSignAndSide() {
    assertEquals(
        Optional.of(new SentValue.Numeric(new BigDecimal("1e1000000"), false)),
        read("{\"n\":494E6337522521596587}").get("n"));
    assertEquals(
        Optional.of(new SentValue.Numeric(new BigDecimal("-1e-1000000"), false)),
        read("{\"n\":-7.5e-99999999999}").get("n"));
    assertEquals(
        Optional.of(new SentValue.Numeric(BigDecimal.ZERO, false)),
        read("{\"n\":0.0e99999999999}").get("n"));
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
  @ValueSource(
      strings = {
        "",
        " ",
        "[]",
        "null",
        "1",
        "\"x\"",
        "{",
        "{\"a\":1",
        "{\"a\":1}}",
        "{\"a\":1} {}",
        "{\"a\":1} x",
        "{'a':1}",
        "{\"a\":01}",
        "{\"a\":NaN}",
        "{\"a\":\"\\ud800\"}",
        "{\"\\udc00\":1}",
        "{\"a\":\"\\ud800\\u0041\"}",
        "{\"a\":\"\\udc00\\ud800\"}",
        "{\"a\":1,}",
        "{\"a\":\"\u0001\"}",
        "{/**/}",
        "{\"a\":1}\u0000",
        "\uFEFF",
        "\uFEFF\uFEFF{}",
        "{} \uFEFF",
        "{\"a\" 1}",
        "{\"a\":+1}",
        "{\"a\":.5}",
        "{\"a\":1.}"
      })
  void refusesAnythingButOneWellFormedObject(String json) {
    assertThrows(MalformedBodyException.class, () -> read(json));
  }

  @Test
  void readsNumbersExactlyNeverThroughADouble() {
    assertEquals(
        Optional.of(new SentValue.Numeric(new BigDecimal("0.1"), false)),
        read("{\"n\":0.1}").get("n"));
    assertEquals(
        Optional.of(new SentValue.Numeric(new BigDecimal("9007199254740993.01"), false)),
        read("{\"n\":9007199254740993.01}").get("n"));
    assertEquals(
        Optional.of(new SentValue.Numeric(new BigDecimal("-0"), true)),
        read("{\"n\":-0}").get("n"));
    assertEquals(
        Optional.of(new SentValue.Numeric(new BigDecimal("1E+400"), false)),
        read("{\"n\":1E400}").get("n"));
  }

  @Test
  void keepsSurrogatePairsAndEscapedText() {
    assertEquals(
        Optional.of(SentValue.text("\uD83D\uDE00 \"\n")),
        read("{\"t\":\"\\ud83d\\ude00 \\\"\\n\"}").get("t"));
    assertTrue(read("{\"\\ud83d\\ude00\":1}").get("\uD83D\uDE00").isPresent());
  }

  @Test
  void refusesInvalidUtf8AndOtherEncodings() {
    assertThrows(
        MalformedBodyException.class,
        () -> reader.read(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'}));
    assertThrows(
        MalformedBodyException.class,
        () -> reader.read("{\"a\":1}".getBytes(StandardCharsets.UTF_16)));
    assertThrows(
        MalformedBodyException.class,
        () ->
            reader.read(
                new byte[] {
                  '{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'
                }),
        "an encoded surrogate is not UTF-8");
    assertThrows(
        MalformedBodyException.class,
        () ->
            reader.read(
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'}),
        "an overlong form is not UTF-8");
  }

  @Test
  void refusesDeepNestingWithoutBlowingTheStack() {
    assertThrows(
        MalformedBodyException.class,
        () -> read("{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}"));
    assertThrows(MalformedBodyException.class, () -> read("[".repeat(100_000)));
    assertTrue(read("{\"a\":" + "[".repeat(10) + "]".repeat(10) + "}").get("a").isPresent());
  }

  /**
   * JSONTestSuite (shared/fixtures/jsontestsuite, beside the repository; never copied into it):
   * every n_ file is refused; a y_ file is read when it is an object and refused otherwise; an i_
   * file may go either way. Nothing ever ends in another exception.
   */
  @Test
  void handlesTheJsonTestSuite() throws IOException {
    Optional<List<Path>> corpus = HostileBodies.jsonTestSuite();
    Assumptions.assumeTrue(
        corpus.isPresent(),
        "JSONTestSuite not found beside the repository (shared/fixtures/jsontestsuite/test_parsing): skipped");
    List<Path> files = corpus.get();
    assertTrue(files.size() > 250, "only " + files.size() + " JSONTestSuite files");
    List<String> wrong = new ArrayList<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      byte[] bytes = Files.readAllBytes(file);
      boolean object = new String(bytes, StandardCharsets.UTF_8).strip().startsWith("{");
      try {
        reader.read(bytes);
        if (name.startsWith("n_")) wrong.add(name + ": accepted");
        if (name.startsWith("y_") && !object) wrong.add(name + ": accepted but not an object");
      } catch (MalformedBodyException refused) {
        if (name.startsWith("y_") && object) wrong.add(name + ": refused");
      } catch (RuntimeException | StackOverflowError e) {
        wrong.add(name + ": " + e);
      }
    }
    assertEquals(List.of(), wrong);
  }
}

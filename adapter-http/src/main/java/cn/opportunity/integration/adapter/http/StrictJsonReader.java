package cn.opportunity.integration.adapter.http;

import cn.opportunity.integration.domain.update.SentFields;
import cn.opportunity.integration.domain.update.SentValue;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns the bytes of a body (or of an import line, or each item of a batch) into {@link
 * SentFields}: syntax only, the meaning is the domain's. Strict: UTF-8 only (a leading byte-order
 * mark is ignored), exactly one JSON object and nothing but whitespace after it, numbers kept
 * exactly (never a double), no lone surrogates, at most 32 levels of nesting. Objects and arrays as
 * values are skipped and passed on as {@link SentValue.Composite}. Duplicate names are not an error
 * here: {@link SentFields} notes them and the domain answers {@code 字段重复}. Independent of HTTP;
 * thread-safe.
 */
public final class StrictJsonReader {
  /** A request body is flat; nesting deeper than this is refused before it can cost anything. */
  static final int MAX_NESTING = 32;

  private final JsonFactory factory =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
          .build();

  /**
   * @throws MalformedBodyException unless {@code json} is one well-formed JSON object
   */
  public SentFields read(byte[] json) {
    String text = decodeUtf8(json);
    try (JsonParser parser = factory.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) throw malformed("not an object", null);
      Optional<SentFields> fields = object(parser);
      if (parser.nextToken() != null) throw malformed("content after the object", null);
      return fields.orElseThrow(() -> malformed("lone surrogate", null));
    } catch (IOException e) {
      throw malformed("not well-formed JSON", e);
    }
  }

  /**
   * The items of a batch: one well-formed JSON array, each item read as {@link #read} reads a body
   * — empty for an item that is not a JSON object by itself (a number, an array, an object with a
   * lone surrogate), so that only that item is refused.
   *
   * @throws MalformedBodyException unless {@code json} is one well-formed JSON array
   */
  public List<Optional<SentFields>> readArray(byte[] json) {
    String text = decodeUtf8(json);
    try (JsonParser parser = factory.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) throw malformed("not an array", null);
      List<Optional<SentFields>> items = new ArrayList<>();
      for (JsonToken token = parser.nextToken();
          token != JsonToken.END_ARRAY;
          token = parser.nextToken()) {
        if (token == null) throw malformed("end of input", null);
        if (token == JsonToken.START_OBJECT) {
          items.add(object(parser));
        } else {
          parser.skipChildren(); // an array or a scalar: a bad item, not a bad batch
          items.add(Optional.empty());
        }
      }
      if (parser.nextToken() != null) throw malformed("content after the array", null);
      return items;
    } catch (IOException e) {
      throw malformed("not well-formed JSON", e);
    }
  }

  /**
   * The members of the object whose start the parser is at, up to its end; empty when a name or a
   * text holds a lone surrogate.
   */
  private static Optional<SentFields> object(JsonParser parser) throws IOException {
    SentFields.Builder fields = SentFields.builder();
    boolean sound = true;
    for (JsonToken token = parser.nextToken();
        token != JsonToken.END_OBJECT;
        token = parser.nextToken()) {
      String name = parser.currentName();
      JsonToken valueToken = parser.nextToken();
      SentValue value = value(parser, valueToken);
      if (!isSound(name) || (value instanceof SentValue.Text t && !isSound(t.value())))
        sound = false;
      else fields.put(name, value);
    }
    return sound ? Optional.of(fields.build()) : Optional.empty();
  }

  private static SentValue value(JsonParser parser, JsonToken token) throws IOException {
    if (token == null) throw malformed("end of input", null);
    return switch (token) {
      case VALUE_STRING -> SentValue.text(parser.getText());
      case VALUE_NUMBER_INT -> new SentValue.Numeric(parser.getDecimalValue(), true);
      case VALUE_NUMBER_FLOAT -> new SentValue.Numeric(decimal(parser), false);
      case VALUE_TRUE -> SentValue.bool(true);
      case VALUE_FALSE -> SentValue.bool(false);
      case VALUE_NULL -> null;
      case START_OBJECT, START_ARRAY -> {
        parser.skipChildren();
        yield new SentValue.Composite();
      }
      default -> throw malformed("unexpected " + token, null);
    };
  }

  /**
   * The number exactly; one whose exponent is beyond {@link BigDecimal}'s range (e.g. {@code
   * 1e9999999999}) becomes a stand-in with the same sign on the same side of 1 ({@code
   * ±1e±1000000}), which every rule judges alike: far too large, or with far too many decimals.
   */
  private static BigDecimal decimal(JsonParser parser) throws IOException {
    try {
      return parser.getDecimalValue();
    } catch (NumberFormatException beyondRange) {
      String text = parser.getText().toLowerCase(Locale.ROOT);
      int e = text.indexOf('e');
      if (e < 0 || text.substring(0, e).chars().noneMatch(c -> c >= '1' && c <= '9'))
        return BigDecimal.ZERO;
      BigDecimal one = text.startsWith("-") ? BigDecimal.ONE.negate() : BigDecimal.ONE;
      return one.scaleByPowerOfTen(text.charAt(e + 1) == '-' ? -1_000_000 : 1_000_000);
    }
  }

  private static String decodeUtf8(byte[] bytes) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      throw malformed("not UTF-8", e);
    }
  }

  /** Text with a lone surrogate (from a {@code \ud800} escape) cannot be stored as sent. */
  private static boolean isSound(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) i++;
      else if (Character.isSurrogate(c)) return false;
    }
    return true;
  }

  private static MalformedBodyException malformed(String detail, Throwable cause) {
    return new MalformedBodyException(detail, cause);
  }
}

package cn.opportunity.integration.domain.testing;

import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.dictionary.LostReason;
import cn.opportunity.integration.domain.dictionary.Stage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Seeded hostile bodies for the update (CONTRACT.md §1), one generator for the in-process and the
 * HTTP fuzz tests: valid bodies, their truncations and byte flips, random subsets of the real field
 * names with wrong types, boundary numbers, duplicate and unknown names, nesting up to 100,000
 * levels, text at its limit ±1 in ASCII, CJK and 4-byte emoji, control characters, lone surrogates,
 * invalid UTF-8, documents that are not an object. The same seed gives the same bodies in the same
 * order, so {@code -Dfuzz.seed=…} replays a run.
 *
 * <p>JSON text, not HTTP: the bodies are what the update reads, over HTTP or embedded.
 */
public final class HostileBodies {
  /** The contract's length limits, in characters (code points). */
  static final int TEXT_LIMIT = 200;

  static final int DESCRIPTION_LIMIT = 2000;
  static final int MAX_DEPTH = 100_000;

  /** One generated body: its number in the run, what kind of hostility it is, its bytes. */
  public record Body(int index, String kind, byte[] bytes) {
    /** For failure messages: the seed to replay with, the case, and the start of the body. */
    public String describe(long seed) {
      return "seed "
          + seed
          + " (replay with -Dfuzz.seed="
          + seed
          + "), case #"
          + index
          + " ["
          + kind
          + "], "
          + bytes.length
          + " bytes: "
          + excerpt(bytes, 300);
    }
  }

  private static final String[] BOUNDARY_NUMBERS = {
    "0",
    "-0",
    "0.0",
    "-0.0",
    "0.00",
    "-1",
    "1",
    "0.01",
    "0.001",
    "1.005",
    "12.345",
    "7.5",
    "1.10",
    "1.0",
    "1e2",
    "1E+2",
    "1.5",
    "0.1e1",
    "1e308",
    "-1e308",
    "1e-400",
    "1E400",
    "1e1000000000",
    "1e-1000000000",
    "1234567890123456789012345678901234567890",
    "1234567890123456789012345678901234567890.12",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "18446744073709551616",
    "999999999999999.99",
    "999999999999999.999",
    "1000000000000000",
    "1e15",
    "99999999999999.99",
    "1" + "0".repeat(1000),
    "0." + "0".repeat(999) + "1"
  };
  private static final String[] OTHER_DOCUMENTS = {
    "",
    " ",
    "\n\t ",
    "null",
    "true",
    "false",
    "0",
    "-1.5e3",
    "\"x\"",
    "\"\"",
    "[]",
    "[{}]",
    "{}",
    "{} {}",
    "{}{}",
    "{\"opportunityCode\":\"x\"}]",
    "\uFEFF",
    "\uFEFF\uFEFF{}",
    "{\"a\":1}\u0000",
    "{\"a\" 1}",
    "{,}",
    "{\"a\":1,}",
    "{'opportunityCode':'x'}",
    "{opportunityCode:1}",
    "{\"a\":NaN}",
    "{\"a\":Infinity}",
    "{\"a\":01}",
    "{\"a\":+1}",
    "{\"a\":.5}",
    "{\"a\":1.}",
    "{\"a\":0x10}",
    "{/* */}",
    "{\"a\":1} // x",
    "{\"a\":tru}",
    "{\"a\":\"\\x41\"}",
    "{\"a\":\"\\u00\"}",
    "{\"a\":\"unclosed}"
  };
  private static final int[][] INVALID_UTF8 = {
    {0xFF},
    {0xFE},
    {0x80},
    {0xC0, 0xAF},
    {0xC1, 0xBF},
    {0xC3, 0x28},
    {0xE2, 0x82},
    {0xE0, 0x80, 0xAF},
    {0xED, 0xA0, 0x80},
    {0xED, 0xBF, 0xBF},
    {0xF0, 0x9F, 0x98},
    {0xF4, 0x90, 0x80, 0x80},
    {0xF5, 0x80, 0x80, 0x80},
    {0xF8, 0x88, 0x80, 0x80, 0x80},
    {0xFC, 0x84, 0x80, 0x80, 0x80, 0x80}
  };
  private static final String[] CONTROL = {
    "\u0000", "\u0001", "\u0007", "\b", "\t", "\n", "\u000B", "\f", "\r", "\u001B", "\u001F",
    "\u007F", "\u0085", "\u2028", "\u2029", "\uFEFF"
  };
  private static final String[] SURROGATE_ESCAPES = {
    "\\ud800",
    "\\udbff",
    "\\udc00",
    "\\udfff",
    "\\udc00\\ud800",
    "\\ud83d",
    "\\ude00",
    "\\ud83d\\u0041",
    "\\ud83d\\ude00",
    "\\uD83D\\uDE00"
  };

  /** Names the contract refuses or does not know, beside the table's. */
  private static final String[] OTHER_NAMES = {
    "finalCustomer",
    "finalCustomerId",
    "finalCustomerName",
    "customerId",
    "customerName",
    "id",
    "version",
    "createdAt",
    "updatedAt",
    "colour",
    "",
    " ",
    "OpportunityCode",
    "opportunitycode",
    "opportunityCode ",
    "amount\u0000",
    "商机名称",
    "😀",
    "__proto__",
    "constructor"
  };

  /** Bytes that matter to a JSON parser, for insertions. */
  private static final String STRUCTURE = "{}[]\":,\\0x ";

  private static final String[] ALPHABETS = {"a", "中", "😀", "a中😀", " "};

  private final SplittableRandom random;
  private final List<String> codes;
  private final List<Stage> stages = FixedFlowDictionary.builtInFlow().stages();
  private final List<LostReason> lostReasons = FixedFlowDictionary.builtInLostReasons();
  private int index;

  /**
   * @param codes codes of stored opportunities, which valid bodies update
   */
  public HostileBodies(long seed, List<String> codes) {
    if (codes.isEmpty()) throw new IllegalArgumentException("at least one code");
    this.random = new SplittableRandom(seed);
    this.codes = List.copyOf(codes);
  }

  /**
   * The seed of this run: {@code -Dfuzz.seed} when given, a new random one otherwise. Print it; a
   * failure message carries it too ({@link Body#describe}).
   */
  public static long seed() {
    String given = System.getProperty("fuzz.seed", "").strip();
    return given.isEmpty() ? new SecureRandom().nextLong() : Long.parseLong(given);
  }

  /** How many cases to run: the system property {@code name} when given, else {@code byDefault}. */
  public static int cases(String name, int byDefault) {
    String given = System.getProperty(name, "").strip();
    return given.isEmpty() ? byDefault : Integer.parseInt(given.replace("_", ""));
  }

  /**
   * The JSONTestSuite parsing corpus ({@code shared/fixtures/jsontestsuite/test_parsing}, found by
   * walking up from the working directory: it lives beside the repository, never in it), or empty
   * when it is absent.
   */
  public static Optional<List<Path>> jsonTestSuite() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path corpus = dir.resolve("shared/fixtures/jsontestsuite/test_parsing");
      if (Files.isDirectory(corpus)) {
        try (Stream<Path> listing = Files.list(corpus)) {
          return Optional.of(listing.filter(p -> p.toString().endsWith(".json")).sorted().toList());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return Optional.empty();
  }

  /** The next body. */
  public Body next() {
    index++;
    int pick = random.nextInt(100);
    if (pick < 20) return body("valid", validBody());
    if (pick < 28) return truncated();
    if (pick < 40) return mutated();
    if (pick < 52) return body("wrong types", wrongTypes());
    if (pick < 62) return body("boundary numbers", boundaryNumbers());
    if (pick < 70) return body("duplicate or unknown names", duplicateOrUnknownNames());
    if (pick < 73) return nested();
    if (pick < 83) return body("text at its limit", textAtLimit());
    if (pick < 88) return controlCharacters();
    if (pick < 92) return surrogates();
    if (pick < 96) return invalidUtf8();
    return otherDocument();
  }

  // --- kinds ---------------------------------------------------------------------------------

  /** The code of a stored opportunity (at times padded), then 1–6 fields with valid values. */
  String validBody() {
    List<String> members = new ArrayList<>();
    members.add(member(OpportunityField.CODE_NAME, quote(code())));
    List<OpportunityField> fields = someFields(1 + random.nextInt(6));
    for (OpportunityField field : fields) members.add(member(field.jsonName(), validValue(field)));
    if (random.nextInt(5) == 0) members.add(member(anyFieldName(), "null")); // null is "not sent"
    return object(members);
  }

  private Body truncated() {
    byte[] valid = utf8(validBody());
    return new Body(index, "truncated", Arrays.copyOf(valid, random.nextInt(valid.length)));
  }

  private Body mutated() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] bytes = utf8(validBody());
    int mutations = 1 + random.nextInt(8);
    for (int m = 0; m < mutations && bytes.length > 0; m++) {
      int at = random.nextInt(bytes.length);
      out.reset();
      switch (random.nextInt(5)) {
        case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8)); // flip a bit
        case 1 -> bytes[at] = (byte) random.nextInt(256); // replace a byte
        case 2 -> { // insert a byte
          out.write(bytes, 0, at);
          out.write(
              random.nextInt(4) == 0
                  ? random.nextInt(256)
                  : STRUCTURE.charAt(random.nextInt(STRUCTURE.length())));
          out.write(bytes, at, bytes.length - at);
          bytes = out.toByteArray();
        }
        case 3 -> { // delete a byte
          out.write(bytes, 0, at);
          out.write(bytes, at + 1, bytes.length - at - 1);
          bytes = out.toByteArray();
        }
        default -> { // repeat a slice
          int length = random.nextInt(Math.min(16, bytes.length - at) + 1);
          out.write(bytes, 0, at + length);
          out.write(bytes, at, bytes.length - at);
          bytes = out.toByteArray();
        }
      }
    }
    return new Body(index, "mutated", bytes);
  }

  /** Real names (the code among them, at times) with values of any JSON type. */
  private String wrongTypes() {
    List<String> members = new ArrayList<>();
    if (random.nextInt(4) > 0) members.add(member(OpportunityField.CODE_NAME, quote(code())));
    else members.add(member(OpportunityField.CODE_NAME, anyValue()));
    for (OpportunityField field : someFields(1 + random.nextInt(8)))
      members.add(member(field.jsonName(), anyValue()));
    Collections.shuffle(members.subList(1, members.size()), new Random(random.nextLong()));
    return object(members);
  }

  /**
   * Amounts and ids (and at times other fields) at and around their limits, as numbers or strings.
   */
  private String boundaryNumbers() {
    List<String> members = new ArrayList<>();
    members.add(member(OpportunityField.CODE_NAME, quote(code())));
    String[] targets = {"amount", "salesExpansionId", "channelExpansionId", "preSalesId"};
    int count = 1 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      String name =
          random.nextInt(8) == 0 ? anyFieldName() : targets[random.nextInt(targets.length)];
      String number = BOUNDARY_NUMBERS[random.nextInt(BOUNDARY_NUMBERS.length)];
      String value =
          switch (random.nextInt(4)) {
            case 0 -> quote(number);
            case 1 -> quote(" " + number + " ");
            case 2 -> number.startsWith("-") ? number : "-" + number;
            default -> number;
          };
      members.add(member(name, value));
    }
    return object(members);
  }

  /** A valid body with a name given twice, unknown or refused names, at times only those. */
  private String duplicateOrUnknownNames() {
    List<String> members = new ArrayList<>();
    members.add(member(OpportunityField.CODE_NAME, quote(code())));
    for (OpportunityField field : someFields(random.nextInt(3)))
      members.add(member(field.jsonName(), validValue(field)));
    int extra = 1 + random.nextInt(3);
    for (int i = 0; i < extra; i++) {
      if (random.nextBoolean()) {
        String name = random.nextInt(4) == 0 ? OpportunityField.CODE_NAME : anyFieldName();
        members.add(member(name, random.nextInt(3) == 0 ? "null" : anyValue()));
        members.add(member(name, random.nextBoolean() ? "null" : anyValue()));
      } else {
        members.add(
            member(
                OTHER_NAMES[random.nextInt(OTHER_NAMES.length)],
                random.nextInt(4) == 0 ? "null" : anyValue()));
      }
    }
    Collections.shuffle(members, new Random(random.nextLong()));
    return object(members);
  }

  /**
   * Arrays or objects nested 1–100,000 deep (most shallow), as a value or as the document, closed
   * or not.
   */
  private Body nested() {
    int depth =
        random.nextInt(20) == 0
            ? MAX_DEPTH
            : (int) Math.exp(random.nextDouble() * Math.log(MAX_DEPTH));
    boolean arrays = random.nextBoolean();
    StringBuilder json = new StringBuilder(depth * 6 + 64);
    boolean asValue = random.nextInt(4) > 0;
    if (asValue)
      json.append("{\"opportunityCode\":")
          .append(quote(code()))
          .append(",\"")
          .append(anyFieldName())
          .append("\":");
    for (int i = 0; i < depth; i++)
      json.append(arrays ? "[" : i == depth - 1 ? "{\"a\":1" : "{\"a\":");
    if (random.nextInt(5) > 0) for (int i = 0; i < depth; i++) json.append(arrays ? "]" : "}");
    if (asValue) json.append('}');
    return new Body(
        index, "nested " + depth + (arrays ? " arrays" : " objects"), utf8(json.toString()));
  }

  /** A text field (or the code) at its limit −1, at it, or +1, in ASCII, CJK or 4-byte emoji. */
  private String textAtLimit() {
    List<String> members = new ArrayList<>();
    String alphabet = ALPHABETS[random.nextInt(ALPHABETS.length)];
    int delta = random.nextInt(3) - 1;
    if (random.nextInt(6) == 0) {
      members.add(
          member(
              OpportunityField.CODE_NAME,
              quote(text(alphabet, OpportunityCode.MAX_LENGTH + delta))));
      members.add(member("source", quote("x")));
      return object(members);
    }
    members.add(member(OpportunityField.CODE_NAME, quote(code())));
    String[] texts = {
      "opportunityName",
      "projectLocation",
      "operatorName",
      "opportunityType",
      "productType",
      "source",
      "preSalesName",
      "competitorName",
      "description"
    };
    String name = texts[random.nextInt(texts.length)];
    int limit = name.equals("description") ? DESCRIPTION_LIMIT : TEXT_LIMIT;
    members.add(member(name, quote(text(alphabet, limit + delta))));
    return object(members);
  }

  /** Control characters raw (not JSON), escaped (JSON) or between the tokens. */
  private Body controlCharacters() {
    String control = CONTROL[random.nextInt(CONTROL.length)];
    String name = random.nextBoolean() ? "description" : anyFieldName();
    String json =
        switch (random.nextInt(4)) {
          case 0 ->
              "{\"opportunityCode\":" + quote(code()) + ",\"" + name + "\":\"a" + control + "b\"}";
          case 1 ->
              "{\"opportunityCode\":"
                  + quote(code())
                  + ",\""
                  + name
                  + "\":"
                  + quote("a" + control + "b")
                  + "}";
          case 2 ->
              "{\"opportunityCode\":" + quote(code()) + "," + control + "\"" + name + "\":\"x\"}";
          default ->
              "{\"opportunityCode\":" + quote(control + code() + control) + ",\"source\":\"x\"}";
        };
    return new Body(
        index, "control character U+" + String.format("%04X", (int) control.charAt(0)), utf8(json));
  }

  /**
   * Escaped lone (and, for contrast, paired) surrogates in a value or a name, or one encoded raw.
   */
  private Body surrogates() {
    String escape = SURROGATE_ESCAPES[random.nextInt(SURROGATE_ESCAPES.length)];
    String field = anyFieldName();
    String json =
        switch (random.nextInt(3)) {
          case 0 ->
              "{\"opportunityCode\":" + quote(code()) + ",\"" + field + "\":\"x" + escape + "\"}";
          case 1 -> "{\"opportunityCode\":" + quote(code()) + ",\"" + escape + "\":\"x\"}";
          default -> "{\"opportunityCode\":\"" + code() + escape + "\",\"source\":\"x\"}";
        };
    if (random.nextInt(4) > 0) return new Body(index, "surrogate " + escape, utf8(json));
    byte[] encoded = {
      (byte) 0xED, (byte) (0xA0 + random.nextInt(32)), (byte) (0x80 + random.nextInt(64))
    };
    return new Body(index, "encoded surrogate", insert(utf8(validBody()), encoded));
  }

  /** Bytes that are not UTF-8 inside a valid body, or the body in another encoding. */
  private Body invalidUtf8() {
    String valid = validBody();
    int pick = random.nextInt(6);
    if (pick == 0) {
      Charset other =
          List.of(
                  StandardCharsets.UTF_16,
                  StandardCharsets.UTF_16LE,
                  StandardCharsets.UTF_16BE,
                  Charset.forName("UTF-32"),
                  Charset.forName("GBK"),
                  StandardCharsets.ISO_8859_1)
              .get(random.nextInt(6));
      return new Body(
          index,
          "encoded as " + other,
          (valid.replace("}", ",\"source\":\"中文ü\"}")).getBytes(other));
    }
    int[] sequence = INVALID_UTF8[random.nextInt(INVALID_UTF8.length)];
    byte[] bytes = new byte[sequence.length];
    for (int i = 0; i < sequence.length; i++) bytes[i] = (byte) sequence[i];
    return new Body(index, "invalid UTF-8 " + hex(bytes), insert(utf8(valid), bytes));
  }

  private Body otherDocument() {
    String document = OTHER_DOCUMENTS[random.nextInt(OTHER_DOCUMENTS.length)];
    if (random.nextInt(4) == 0) document = validBody() + document; // after a valid object
    return body("other document", document);
  }

  // --- values --------------------------------------------------------------------------------

  /** A value the field's rule accepts (for the stored dictionary and zone). */
  String validValue(OpportunityField field) {
    return switch (field) {
      case OPPORTUNITY_NAME ->
          quote("名" + text(ALPHABETS[random.nextInt(3)], length(TEXT_LIMIT - 1)));
      case PROJECT_LOCATION,
          OPERATOR_NAME,
          OPPORTUNITY_TYPE,
          PRODUCT_TYPE,
          SOURCE,
          PRE_SALES_NAME,
          COMPETITOR_NAME ->
          quote(text(ALPHABETS[random.nextInt(ALPHABETS.length)], length(TEXT_LIMIT)));
      case DESCRIPTION ->
          quote(text(ALPHABETS[random.nextInt(ALPHABETS.length)], length(DESCRIPTION_LIMIT)));
      case AMOUNT ->
          switch (random.nextInt(4)) {
            case 0 -> String.valueOf(1 + random.nextLong(100_000_000_000_000L));
            case 1 ->
                (1 + random.nextLong(1_000_000_000L))
                    + "."
                    + String.format("%02d", random.nextInt(100));
            case 2 ->
                quote(" " + (1 + random.nextLong(1_000_000L)) + "." + random.nextInt(10) + " ");
            default -> (1 + random.nextInt(999)) + "e" + random.nextInt(12);
          };
      case EXPECTED_CLOSE_DATE ->
          quote(LocalDate.ofEpochDay(random.nextLong(-700_000, 2_900_000)).toString());
      case CONFIDENCE_PCT ->
          quote(pad(randomCase("ABC".substring(random.nextInt(3)).substring(0, 1))));
      case STAGE -> {
        Stage stage = stages.get(random.nextInt(stages.size()));
        yield quote(pad(random.nextBoolean() ? stage.code().value() : stage.name()));
      }
      case SALES_EXPANSION_ID, CHANNEL_EXPANSION_ID, PRE_SALES_ID -> {
        long id =
            random.nextBoolean() ? 1 + random.nextLong(1000) : 1 + random.nextLong(Long.MAX_VALUE);
        yield random.nextInt(4) == 0 ? quote(pad(String.valueOf(id))) : String.valueOf(id);
      }
      case ARCHIVED, PUSHED_TO_OMS -> String.valueOf(random.nextBoolean());
      case OMS_PUSH_TIME -> {
        LocalDateTime at =
            LocalDateTime.ofEpochSecond(
                random.nextLong(-60_000_000_000L, 250_000_000_000L),
                random.nextInt(2) == 0 ? 0 : random.nextInt(1_000_000_000),
                ZoneOffset.UTC);
        yield quote(
            switch (random.nextInt(3)) {
              case 0 -> at + "Z";
              case 1 -> at + "+08:00";
              default -> at.toString();
            });
      }
      case STATUS ->
          quote(pad(randomCase(List.of("active", "closed", "won", "lost").get(random.nextInt(4)))));
      case LOST_REASON -> {
        if (random.nextInt(8) == 0) yield quote(""); // clears
        LostReason reason = lostReasons.get(random.nextInt(lostReasons.size()));
        yield quote(pad(random.nextBoolean() ? reason.id() : reason.name()));
      }
    };
  }

  /**
   * Any JSON value: a valid one of a random field, a number, text, a flag, null, an array, an
   * object.
   */
  private String anyValue() {
    return switch (random.nextInt(12)) {
      case 0 ->
          validValue(OpportunityField.values()[random.nextInt(OpportunityField.values().length)]);
      case 1 -> BOUNDARY_NUMBERS[random.nextInt(BOUNDARY_NUMBERS.length)];
      case 2 -> String.valueOf(random.nextLong());
      case 3 -> quote(text(ALPHABETS[random.nextInt(ALPHABETS.length)], random.nextInt(10)));
      case 4 ->
          quote(
              List.of(
                      "",
                      " ",
                      "yes",
                      "true",
                      "null",
                      "2026-02-30",
                      "2026-4-1",
                      "A ",
                      "WON",
                      "赢单",
                      "0",
                      "1.5",
                      "-1",
                      "1e3",
                      "2026-04-30T10:00:00+25:00",
                      "10000-01-01T00:00:00Z")
                  .get(random.nextInt(16)));
      case 5 -> String.valueOf(random.nextBoolean());
      case 6 -> "null";
      case 7 -> "[]";
      case 8 -> "{}";
      case 9 -> "[1,\"a\",null]";
      case 10 -> "{\"a\":{\"b\":[]}}";
      default -> String.valueOf(random.nextDouble() * 1e6);
    };
  }

  private String code() {
    String code = codes.get(random.nextInt(codes.size()));
    return switch (random.nextInt(20)) {
      case 0 -> " " + code + "\t"; // surrounding spaces are ignored
      case 1 -> code + "-NOPE"; // not stored: 404
      default -> code;
    };
  }

  private List<OpportunityField> someFields(int count) {
    List<OpportunityField> fields = new ArrayList<>(List.of(OpportunityField.values()));
    Collections.shuffle(fields, new Random(random.nextLong()));
    return fields.subList(0, Math.min(count, fields.size()));
  }

  private String anyFieldName() {
    return OpportunityField.values()[random.nextInt(OpportunityField.values().length)].jsonName();
  }

  /**
   * {@code length} characters (code points) drawn from {@code alphabet}'s, never starting blank.
   */
  private String text(String alphabet, int length) {
    int[] points = alphabet.codePoints().toArray();
    StringBuilder text = new StringBuilder(length * 2);
    for (int i = 0; i < length; i++) text.appendCodePoint(points[random.nextInt(points.length)]);
    return text.toString();
  }

  /**
   * A length up to {@code limit}: mostly short, at times empty, at times anywhere up to the limit.
   */
  private int length(int limit) {
    return switch (random.nextInt(10)) {
      case 0 -> 0;
      case 1 -> random.nextInt(limit + 1);
      default -> random.nextInt(Math.min(limit, 20) + 1);
    };
  }

  private String pad(String value) {
    return random.nextInt(4) == 0 ? " " + value + " " : value;
  }

  private String randomCase(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray())
      out.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
    return out.toString();
  }

  private byte[] insert(byte[] into, byte[] bytes) {
    int at = random.nextInt(into.length + 1);
    byte[] out = new byte[into.length + bytes.length];
    System.arraycopy(into, 0, out, 0, at);
    System.arraycopy(bytes, 0, out, at, bytes.length);
    System.arraycopy(into, at, out, at + bytes.length, into.length - at);
    return out;
  }

  private Body body(String kind, String json) {
    return new Body(index, kind, utf8(json));
  }

  // --- JSON text -----------------------------------------------------------------------------

  private static String member(String name, String value) {
    return quote(name) + ":" + value;
  }

  private static String object(List<String> members) {
    return "{" + String.join(",", members) + "}";
  }

  /** A JSON string: quotes, backslashes and control characters escaped, everything else as is. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Printable ASCII as is, everything else as {@code \xNN}, cut after {@code max} bytes. */
  static String excerpt(byte[] bytes, int max) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(bytes.length, max); i++) {
      int b = bytes[i] & 0xFF;
      if (b >= 0x20 && b < 0x7F && b != '\\') out.append((char) b);
      else
        out.append("\\x")
            .append(Character.forDigit(b >> 4, 16))
            .append(Character.forDigit(b & 0xF, 16));
    }
    return bytes.length > max ? out + "…" : out.toString();
  }

  private static String hex(byte[] bytes) {
    return excerpt(bytes, bytes.length);
  }
}

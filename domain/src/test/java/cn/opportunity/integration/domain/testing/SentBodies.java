package cn.opportunity.integration.domain.testing;

import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.dictionary.LostReason;
import cn.opportunity.integration.domain.dictionary.Stage;
import cn.opportunity.integration.domain.update.SentFields;
import cn.opportunity.integration.domain.update.SentValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of request bodies as the domain sees them ({@link SentFields}: names with {@link
 * SentValue}s, in the order sent), for the property tests (docs/testing.md, "Property tests"). A
 * body is a list of {@link Member}s, so that a test can permute it; {@link #fields} turns it into
 * what the policy reads.
 *
 * <p>Each generated valid value carries the canonical value the opportunity shows once it is
 * applied, worked out here by hand (trimmed, upper- or lower-cased, the stage's code …) and not by
 * the code under test.
 */
public final class SentBodies {
  private SentBodies() {}

  /** The zone the properties' policy reads local date-times in. */
  public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

  /** The code of the opportunity that valid bodies update. */
  public static final String CODE = "OPP-PROP-1";

  /** One member of a body; {@code value} {@code null} is a JSON {@code null} ("not sent"). */
  public record Member(String name, SentValue value) {
    @Override
    public String toString() {
      return name + "=" + value;
    }
  }

  /** A member that the field's rule accepts, with the field's canonical value once applied. */
  public record Valid(OpportunityField field, SentValue value, Object canonical) {
    public Member member() {
      return new Member(field.jsonName(), value);
    }
  }

  /** Names outside the table: refused as unknown (or, in an update, as the final customer). */
  private static final List<String> OTHER_NAMES =
      List.of(
          "colour",
          "id",
          "version",
          "createdAt",
          "商机名称",
          "😀",
          "",
          " ",
          "OpportunityCode",
          "amount ",
          "finalCustomer",
          "finalCustomerId",
          "finalCustomerName",
          "customerId",
          "customerName");

  /** Pieces of free text, one code point each but the last: CJK, emoji, spaces, controls. */
  private static final List<String> TEXT_PIECES =
      List.of("a", "Z", "7", "中", "文", "😀", " ", "\t", "\n", "\u00A0", "\u3000", "\"", "\\", "é");

  private static final List<Stage> STAGES = FixedFlowDictionary.builtInFlow().stages();

  private static final List<LostReason> LOST_REASONS = FixedFlowDictionary.builtInLostReasons();

  /** The members of {@code body}, in its order, as the policy reads them. */
  public static SentFields fields(List<Member> body) {
    SentFields.Builder builder = SentFields.builder();
    body.forEach(member -> builder.put(member.name(), member.value()));
    return builder.build();
  }

  // ---- bodies ------------------------------------------------------------------------------

  /**
   * Any body: a code (mostly good, at times blank, too long, of the wrong type, null), up to six
   * valid members for distinct fields, up to two members of other kinds (refused values, unknown
   * and final-customer names, {@code null}s, any value under any name), and at times one name again
   * with another value. About a fifth of them are accepted.
   */
  public static Arbitrary<List<Member>> anyBody() {
    Arbitrary<Member> other =
        Arbitraries.frequencyOf(
            Tuple.of(2, anyName().map(name -> new Member(name, null))),
            Tuple.of(2, refused().map(list -> list.get(0))),
            Tuple.of(1, Combinators.combine(anyName(), anyValue()).as(Member::new)));
    Arbitrary<List<Member>> others =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.just(List.<Member>of())),
            Tuple.of(2, other.list().ofMinSize(1).ofMaxSize(2)));
    return Combinators.combine(
            codeMember(),
            distinctValid(0, 6).map(SentBodies::members),
            others,
            Arbitraries.integers().between(0, 4))
        .flatAs(
            (code, valid, rest, repeats) -> {
              List<Member> body = new ArrayList<>();
              body.add(code);
              body.addAll(valid);
              body.addAll(rest);
              if (repeats > 0) return Arbitraries.just(body);
              return Arbitraries.of(body)
                  .flatMap(
                      again ->
                          Combinators.combine(anyValue(), Arbitraries.integers().between(0, 4))
                              .as(
                                  (value, nullOne) -> {
                                    List<Member> twice = new ArrayList<>(body);
                                    twice.add(
                                        new Member(again.name(), nullOne == 0 ? null : value));
                                    return twice;
                                  }));
            });
  }

  /**
   * A body the policy must refuse, whatever else it holds: valid members around at least one member
   * that breaks a rule (a bad value or type, an unknown or final-customer name, a name twice), in
   * any order.
   */
  public static Arbitrary<List<Member>> refusedBody() {
    Arbitrary<List<Member>> good = distinctValid(0, 6).map(SentBodies::members);
    Arbitrary<List<Member>> bad =
        Arbitraries.oneOf(refused(), repeatedName())
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .map(lists -> lists.stream().flatMap(List::stream).toList());
    return Combinators.combine(good, bad)
        .flatAs(
            (g, b) -> {
              List<Member> all = new ArrayList<>(g);
              all.addAll(b);
              return Arbitraries.shuffle(all)
                  .map(
                      shuffled -> {
                        List<Member> body = new ArrayList<>();
                        body.add(new Member(OpportunityField.CODE_NAME, SentValue.text(CODE)));
                        body.addAll(shuffled);
                        return body;
                      });
            });
  }

  /** Valid members for {@code min} to {@code max} distinct fields, in table order. */
  public static Arbitrary<List<Valid>> distinctValid(int min, int max) {
    return Arbitraries.of(OpportunityField.class)
        .set()
        .ofMinSize(min)
        .ofMaxSize(max)
        .flatMap(
            fields ->
                Combinators.combine(fields.stream().sorted().map(SentBodies::valid).toList())
                    .as(List::copyOf));
  }

  /** The code of {@link #CODE}, at times wrapped in white space (which the policy trims). */
  public static Arbitrary<SentValue> goodCode() {
    return padded(Arbitraries.just(CODE)).map(SentValue::text);
  }

  public static List<Member> members(List<Valid> valid) {
    return valid.stream().map(Valid::member).toList();
  }

  // ---- members -----------------------------------------------------------------------------

  static Arbitrary<Member> codeMember() {
    String name = OpportunityField.CODE_NAME;
    return Arbitraries.frequencyOf(
        Tuple.of(30, goodCode().map(v -> new Member(name, v))),
        Tuple.of(1, blank().map(v -> new Member(name, SentValue.text(v)))),
        Tuple.of(1, Arbitraries.just(new Member(name, SentValue.text("C".repeat(65))))),
        Tuple.of(1, Arbitraries.just(new Member(name, SentValue.number(7)))),
        Tuple.of(1, Arbitraries.just(new Member(name, null))));
  }

  /** A member the policy refuses in an update, whatever else is sent (a list of one). */
  static Arbitrary<List<Member>> refused() {
    return Arbitraries.oneOf(
            Arbitraries.of(OpportunityField.class)
                .flatMap(field -> invalid(field).map(v -> new Member(field.jsonName(), v))),
            Combinators.combine(Arbitraries.of(OTHER_NAMES), anyValue()).as(Member::new))
        .map(List::of);
  }

  /** A table field sent twice (the second time with any value, {@code null} included). */
  static Arbitrary<List<Member>> repeatedName() {
    return Combinators.combine(anyValid(), anyValue(), Arbitraries.integers().between(0, 3))
        .as(
            (first, second, nullOne) ->
                List.of(
                    first.member(),
                    new Member(first.field().jsonName(), nullOne == 0 ? null : second)));
  }

  static Arbitrary<String> anyName() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.of(OpportunityField.class).map(OpportunityField::jsonName)),
        Tuple.of(3, Arbitraries.of(OTHER_NAMES)),
        Tuple.of(1, Arbitraries.just(OpportunityField.CODE_NAME)));
  }

  /** A value of any JSON type (never {@code null}). */
  static Arbitrary<SentValue> anyValue() {
    return Arbitraries.oneOf(
        anyValid().map(Valid::value),
        Arbitraries.of(OpportunityField.class).flatMap(SentBodies::invalid),
        freeText(5).map(SentValue::text),
        Arbitraries.longs().map(SentValue::number),
        Arbitraries.of(true, false).map(SentValue::bool),
        Arbitraries.just(new SentValue.Composite()));
  }

  // ---- valid values ------------------------------------------------------------------------

  public static Arbitrary<Valid> anyValid() {
    return Arbitraries.of(OpportunityField.class).flatMap(SentBodies::valid);
  }

  /** A value of {@code field} that its rule accepts, with its canonical value once applied. */
  public static Arbitrary<Valid> valid(OpportunityField field) {
    return switch (field) {
      case OPPORTUNITY_NAME ->
          Combinators.combine(Arbitraries.of("名", "a", "😀"), freeText(199))
              .as((first, rest) -> first + rest)
              .map(name -> new Valid(field, SentValue.text(name), name));
      case PROJECT_LOCATION,
          OPERATOR_NAME,
          OPPORTUNITY_TYPE,
          PRODUCT_TYPE,
          SOURCE,
          PRE_SALES_NAME,
          COMPETITOR_NAME ->
          optionalText(field, 200);
      case DESCRIPTION -> optionalText(field, 2000);
      case AMOUNT -> cents().flatMap(SentBodies::amount);
      case EXPECTED_CLOSE_DATE ->
          Arbitraries.longs()
              .between(LocalDate.of(1, 1, 1).toEpochDay(), LocalDate.of(9999, 12, 31).toEpochDay())
              .map(LocalDate::ofEpochDay)
              .flatMap(
                  date ->
                      padded(Arbitraries.just(date.toString()))
                          .map(text -> new Valid(field, SentValue.text(text), date.toString())));
      case CONFIDENCE_PCT ->
          anyCase(Arbitraries.of("A", "B", "C"))
              .flatMap(
                  code ->
                      padded(Arbitraries.just(code))
                          .map(
                              text ->
                                  new Valid(
                                      field, SentValue.text(text), code.toUpperCase(Locale.ROOT))));
      case STAGE ->
          Arbitraries.of(STAGES)
              .flatMap(
                  stage ->
                      padded(Arbitraries.of(stage.code().value(), stage.name()))
                          .map(
                              text ->
                                  new Valid(field, SentValue.text(text), stage.code().value())));
      case SALES_EXPANSION_ID, CHANNEL_EXPANSION_ID, PRE_SALES_ID ->
          Combinators.combine(
                  Arbitraries.longs().between(1, Long.MAX_VALUE),
                  Arbitraries.integers().between(0, 3))
              .flatAs(
                  (id, form) ->
                      switch (form) {
                        case 0 -> Arbitraries.just(new Valid(field, SentValue.number(id), id));
                        case 1 ->
                            padded(Arbitraries.of(id.toString(), "+" + id, "00" + id))
                                .map(text -> new Valid(field, SentValue.text(text), id));
                        default ->
                            Arbitraries.just(
                                new Valid(field, SentValue.number(BigDecimal.valueOf(id)), id));
                      });
      case ARCHIVED, PUSHED_TO_OMS ->
          Arbitraries.of(true, false).map(flag -> new Valid(field, SentValue.bool(flag), flag));
      case OMS_PUSH_TIME -> instant(field);
      case STATUS ->
          anyCase(Arbitraries.of("active", "closed", "won", "lost"))
              .flatMap(
                  code ->
                      padded(Arbitraries.just(code))
                          .map(
                              text ->
                                  new Valid(
                                      field, SentValue.text(text), code.toLowerCase(Locale.ROOT))));
      case LOST_REASON ->
          Arbitraries.frequencyOf(
              Tuple.of(
                  6,
                  Arbitraries.of(LOST_REASONS)
                      .flatMap(
                          reason ->
                              padded(Arbitraries.of(reason.id(), reason.name()))
                                  .map(
                                      text ->
                                          new Valid(field, SentValue.text(text), reason.id())))),
              Tuple.of(1, Arbitraries.just(new Valid(field, SentValue.text(""), null))));
    };
  }

  private static Arbitrary<Valid> optionalText(OpportunityField field, int limit) {
    // Stored as sent, white space included; the empty string clears the field.
    return freeText(limit)
        .map(text -> new Valid(field, SentValue.text(text), text.isEmpty() ? null : text));
  }

  private static Arbitrary<Valid> instant(OpportunityField field) {
    Arbitrary<LocalDateTime> at =
        Combinators.combine(
                Arbitraries.longs()
                    .between(
                        LocalDate.of(1, 1, 2).toEpochDay() * 86_400,
                        LocalDate.of(9999, 12, 30).toEpochDay() * 86_400),
                Arbitraries.of(0, 0, 500_000_000, 123_456_789, 999_999_999))
            .as((seconds, nanos) -> LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC));
    Arbitrary<ZoneOffset> offsets =
        Arbitraries.integers()
            .between(-18 * 60, 18 * 60)
            .map(m -> ZoneOffset.ofTotalSeconds(m * 60));
    return Combinators.combine(at, offsets, Arbitraries.integers().between(0, 2))
        .as(
            (local, offset, form) -> {
              Instant instant =
                  switch (form) {
                    case 0 -> local.toInstant(ZoneOffset.UTC);
                    case 1 -> local.toInstant(offset);
                    default -> local.atZone(ZONE).toInstant();
                  };
              String text =
                  switch (form) {
                    case 0 -> local + "Z";
                    case 1 -> local + offset.getId();
                    default -> local.toString();
                  };
              return new Valid(field, SentValue.text(text), instant.toString());
            });
  }

  // ---- refused values ----------------------------------------------------------------------

  /** A value that {@code field}'s rule refuses, in an update and in an import line alike. */
  public static Arbitrary<SentValue> invalid(OpportunityField field) {
    Arbitrary<SentValue> wrongType =
        Arbitraries.of(
            SentValue.number(1),
            SentValue.bool(true),
            new SentValue.Composite(),
            SentValue.text("x"));
    return switch (field) {
      case OPPORTUNITY_NAME ->
          Arbitraries.oneOf(
              blank().map(SentValue::text),
              Arbitraries.just(SentValue.text("名".repeat(201))),
              wrongType.filter(v -> !(v instanceof SentValue.Text)));
      case PROJECT_LOCATION,
          OPERATOR_NAME,
          OPPORTUNITY_TYPE,
          PRODUCT_TYPE,
          SOURCE,
          PRE_SALES_NAME,
          COMPETITOR_NAME ->
          Arbitraries.oneOf(
              Arbitraries.just(SentValue.text("😀".repeat(201))),
              wrongType.filter(v -> !(v instanceof SentValue.Text)));
      case DESCRIPTION ->
          Arbitraries.oneOf(
              Arbitraries.just(SentValue.text("a".repeat(2001))),
              wrongType.filter(v -> !(v instanceof SentValue.Text)));
      case AMOUNT ->
          Arbitraries.of(
              SentValue.number(0),
              SentValue.number(-5),
              SentValue.number(new BigDecimal("1.005")),
              SentValue.number(new BigDecimal("1E+15")),
              SentValue.text("0.00"),
              SentValue.text("1e3"),
              SentValue.text("12,5"),
              SentValue.text(""),
              SentValue.bool(true),
              new SentValue.Composite());
      case EXPECTED_CLOSE_DATE ->
          Arbitraries.of(
              SentValue.text("2026-02-30"),
              SentValue.text("2026-4-1"),
              SentValue.text(""),
              SentValue.number(20260401));
      case CONFIDENCE_PCT ->
          Arbitraries.of(SentValue.text("D"), SentValue.text(""), SentValue.number(1));
      case STAGE ->
          Arbitraries.of(SentValue.text("nowhere"), SentValue.text(" "), SentValue.number(4));
      case SALES_EXPANSION_ID, CHANNEL_EXPANSION_ID, PRE_SALES_ID ->
          Arbitraries.of(
              SentValue.number(0),
              SentValue.number(-1),
              SentValue.number(new BigDecimal(BigInteger.TWO.pow(63))),
              SentValue.number(new BigDecimal("1.5")),
              SentValue.text("12a"),
              SentValue.bool(false));
      case ARCHIVED, PUSHED_TO_OMS ->
          Arbitraries.of(SentValue.text("true"), SentValue.number(1), new SentValue.Composite());
      case OMS_PUSH_TIME ->
          Arbitraries.of(
              SentValue.text("yesterday"),
              SentValue.text("2026-04-30T10:00:00+25:00"),
              SentValue.text("10000-01-01T00:00:00Z"),
              SentValue.number(1));
      case STATUS ->
          Arbitraries.of(SentValue.text("open"), SentValue.text(""), SentValue.bool(true));
      case LOST_REASON ->
          Arbitraries.of(
              SentValue.text("nowhere"),
              SentValue.text("PRICE"),
              SentValue.text(" "),
              SentValue.number(3));
    };
  }

  // ---- amounts -----------------------------------------------------------------------------

  /**
   * {@code cents} as a caller may send it: text (a plain decimal, at times in white space), or a
   * number written in any of the ways JSON allows.
   */
  public static Arbitrary<Valid> amount(long cents) {
    OpportunityField field = OpportunityField.AMOUNT;
    BigDecimal canonical = new BigDecimal(printedCents(cents));
    return Arbitraries.integers()
        .between(0, 2)
        .flatMap(
            form ->
                switch (form) {
                  case 0 ->
                      padded(amountText(cents))
                          .map(text -> new Valid(field, SentValue.text(text), canonical));
                  case 1 ->
                      amountText(cents)
                          .map(
                              text ->
                                  new Valid(
                                      field, SentValue.number(new BigDecimal(text)), canonical));
                  default -> // 1.5E+3 for 1500.00, 7.50000 for 7.50: the same amounts
                      Arbitraries.of(canonical.stripTrailingZeros(), canonical.setScale(5))
                          .map(number -> new Valid(field, SentValue.number(number), canonical));
                });
  }

  /** Every amount the contract accepts, in cents: 1 … 10^17 − 1. */
  public static Arbitrary<Long> cents() {
    return Arbitraries.longs().between(1, 99_999_999_999_999_999L);
  }

  /**
   * {@code cents} printed by hand, as the contract prints amounts: the integer part, a point, two
   * digits ({@code 150000000} → {@code 1500000.00}).
   */
  public static String printedCents(long cents) {
    return cents / 100 + "." + (cents % 100 < 10 ? "0" : "") + cents % 100;
  }

  /**
   * The ways a caller may write {@code cents} as a plain decimal: with or without the zeros the
   * value does not need, with leading zeros, with zeros past the second decimal.
   */
  public static Arbitrary<String> amountText(long cents) {
    String whole = Long.toString(cents / 100);
    String fraction = printedCents(cents).substring(whole.length() + 1);
    List<String> forms = new ArrayList<>();
    forms.add(whole + "." + fraction);
    forms.add("00" + whole + "." + fraction + "000");
    if (fraction.endsWith("0")) forms.add(whole + "." + fraction.charAt(0));
    if (fraction.equals("00")) forms.add(whole);
    return Arbitraries.of(forms);
  }

  // ---- text --------------------------------------------------------------------------------

  /** Free text of up to {@code limit} code points, mostly short. */
  public static Arbitrary<String> freeText(int limit) {
    return Arbitraries.of(TEXT_PIECES)
        .list()
        .ofMaxSize(limit)
        .map(pieces -> String.join("", pieces));
  }

  private static Arbitrary<String> blank() {
    return Arbitraries.of(WhiteSpace.UNICODE).list().ofMaxSize(3).map(s -> String.join("", s));
  }

  /** {@code values} at times wrapped in white space of any kind the contract trims. */
  private static Arbitrary<String> padded(Arbitrary<String> values) {
    return Combinators.combine(
            values, Arbitraries.of(WhiteSpace.UNICODE), Arbitraries.integers().between(0, 3))
        .as((value, space, pad) -> pad == 0 ? space + value + space : value);
  }

  private static Arbitrary<String> anyCase(Arbitrary<String> values) {
    return values.flatMap(
        value ->
            Arbitraries.of(
                value,
                value.toUpperCase(Locale.ROOT),
                value.toLowerCase(Locale.ROOT),
                value.substring(0, 1).toUpperCase(Locale.ROOT) + value.substring(1)));
  }
}

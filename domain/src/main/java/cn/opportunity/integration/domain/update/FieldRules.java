package cn.opportunity.integration.domain.update;

import cn.opportunity.integration.domain.Amount;
import cn.opportunity.integration.domain.Confidence;
import cn.opportunity.integration.domain.Messages;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityStatus;
import cn.opportunity.integration.domain.Text;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The rule of every field of the contract's table (CONTRACT.md §1), each a small named function.
 * {@link #of} is the table: one line a field, checked by the compiler to miss none.
 */
final class FieldRules {
  private FieldRules() {}

  /** What rules may consult besides the value: passed in, never fetched. */
  record Context(Optional<DictionarySnapshot> dictionary, ZoneId zone) {}

  @FunctionalInterface
  interface Rule {
    RuleResult check(String name, SentValue value, Context context);
  }

  static final int NAME_LENGTH = 200;
  static final int DESCRIPTION_LENGTH = 2000;

  private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
  private static final Pattern PLAIN_INTEGER = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern DATE_SHAPE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  private static final BigDecimal ID_LIMIT = BigDecimal.valueOf(2).pow(63);
  private static final Instant FIRST_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LAST_INSTANT = Instant.parse("9999-12-31T23:59:59.999999999Z");

  static Rule of(OpportunityField field) {
    return switch (field) {
      case OPPORTUNITY_NAME -> requiredText(NAME_LENGTH, Messages.NAME_REQUIRED);
      case PROJECT_LOCATION,
          OPERATOR_NAME,
          OPPORTUNITY_TYPE,
          PRODUCT_TYPE,
          SOURCE,
          PRE_SALES_NAME,
          COMPETITOR_NAME ->
          optionalText(NAME_LENGTH);
      case AMOUNT -> FieldRules::amount;
      case EXPECTED_CLOSE_DATE -> FieldRules::date;
      case CONFIDENCE_PCT -> checkedText(Confidence::parse, raw -> Messages.CONFIDENCE_INVALID);
      case STAGE -> FieldRules::stage;
      case SALES_EXPANSION_ID -> id(Messages.SALES_EXPANSION_ID_INVALID);
      case CHANNEL_EXPANSION_ID -> id(Messages.CHANNEL_EXPANSION_ID_INVALID);
      case PRE_SALES_ID -> id(Messages.PRE_SALES_ID_INVALID);
      case ARCHIVED, PUSHED_TO_OMS -> FieldRules::bool;
      case OMS_PUSH_TIME -> FieldRules::instant;
      case STATUS -> checkedText(OpportunityStatus::parse, raw -> Messages.STATUS_INVALID);
      case LOST_REASON -> FieldRules::lostReason;
      case DESCRIPTION -> optionalText(DESCRIPTION_LENGTH);
    };
  }

  /** Free text that must not be blank; stored as sent. */
  static Rule requiredText(int maxLength, String blankMessage) {
    return (name, value, context) -> {
      if (!(value instanceof SentValue.Text text)) return wrongType(name);
      if (Text.isBlank(text.value())) return new RuleResult.Rejected(blankMessage);
      return limited(name, text.value(), maxLength);
    };
  }

  /** Free text, stored as sent; the empty string clears the field. */
  static Rule optionalText(int maxLength) {
    return (name, value, context) -> {
      if (!(value instanceof SentValue.Text text)) return wrongType(name);
      if (text.value().isEmpty()) return new RuleResult.Accepted(null);
      return limited(name, text.value(), maxLength);
    };
  }

  private static RuleResult limited(String name, String text, int maxLength) {
    return Text.length(text) <= maxLength
        ? new RuleResult.Accepted(text)
        : new RuleResult.Rejected(Messages.tooLong(name, maxLength));
  }

  /** A code of a closed set, read leniently (trimmed, any case). */
  static Rule checkedText(Function<String, Optional<?>> parse, Function<String, String> message) {
    return (name, value, context) -> {
      if (!(value instanceof SentValue.Text text)) return wrongType(name);
      return parse
          .apply(text.value())
          .<RuleResult>map(RuleResult.Accepted::new)
          .orElseGet(() -> new RuleResult.Rejected(message.apply(text.value())));
    };
  }

  /** A number, or a string holding a plain decimal: > 0, at most two decimals, < 10^15. */
  static RuleResult amount(String name, SentValue value, Context context) {
    BigDecimal amount;
    if (value instanceof SentValue.Numeric number) amount = number.value();
    else if (value instanceof SentValue.Text text
        && PLAIN_DECIMAL.matcher(Text.trim(text.value())).matches())
      amount = new BigDecimal(Text.trim(text.value()));
    else return wrongType(name);
    if (!Amount.isPositive(amount)) return new RuleResult.Rejected(Messages.AMOUNT_NOT_POSITIVE);
    if (!Amount.isBelowLimit(amount)) return new RuleResult.Rejected(Messages.AMOUNT_TOO_LARGE);
    if (!Amount.hasAtMostTwoDecimals(amount))
      return new RuleResult.Rejected(Messages.AMOUNT_TOO_MANY_DECIMALS);
    return new RuleResult.Accepted(new Amount(amount));
  }

  /** A real calendar date written {@code YYYY-MM-DD}. */
  static RuleResult date(String name, SentValue value, Context context) {
    if (!(value instanceof SentValue.Text text)) return wrongType(name);
    String raw = Text.trim(text.value());
    if (DATE_SHAPE.matcher(raw).matches()) {
      try {
        return new RuleResult.Accepted(LocalDate.parse(raw, DateTimeFormatter.ISO_LOCAL_DATE));
      } catch (DateTimeException notADay) {
        // 2026-02-30 and the like: falls through to the rejection
      }
    }
    return new RuleResult.Rejected(Messages.DATE_FORMAT);
  }

  /** An enabled stage of the dictionary, by code or unique name; stored as its code. */
  static RuleResult stage(String name, SentValue value, Context context) {
    if (!(value instanceof SentValue.Text text)) return wrongType(name);
    if (Text.isBlank(text.value()))
      return new RuleResult.Rejected(Messages.stageInvalid(text.value()));
    return inDictionary(
        context,
        dictionary ->
            dictionary
                .resolveStage(text.value())
                .<RuleResult>map(stage -> new RuleResult.Accepted(stage.code()))
                .orElseGet(() -> new RuleResult.Rejected(Messages.stageInvalid(text.value()))));
  }

  /**
   * An enabled lost reason of the dictionary, by id or unique name; stored as its id. The empty
   * string clears the field and needs no dictionary; text of white space only is refused like any
   * other unknown value (CONTRACT §5.6 names {@code ""} alone as clearing, see docs/decisions.md).
   */
  static RuleResult lostReason(String name, SentValue value, Context context) {
    if (!(value instanceof SentValue.Text text)) return wrongType(name);
    if (text.value().isEmpty()) return new RuleResult.Accepted(null);
    if (Text.isBlank(text.value()))
      return new RuleResult.Rejected(Messages.lostReasonInvalid(text.value()));
    return inDictionary(
        context,
        dictionary ->
            dictionary
                .resolveLostReason(text.value())
                .<RuleResult>map(reason -> new RuleResult.Accepted(reason.lostReasonId()))
                .orElseGet(
                    () -> new RuleResult.Rejected(Messages.lostReasonInvalid(text.value()))));
  }

  /** What {@code lookup} finds in the dictionary in force; without one, the 503 of the contract. */
  private static RuleResult inDictionary(
      Context context, Function<DictionarySnapshot, RuleResult> lookup) {
    return context.dictionary().map(lookup).orElseGet(RuleResult.NeedsDictionary::new);
  }

  /** An integer, or a string of digits: > 0 and < 2^63. */
  static Rule id(String message) {
    return (name, value, context) -> {
      BigDecimal id;
      if (value instanceof SentValue.Numeric number && number.integral()) id = number.value();
      else if (value instanceof SentValue.Text text
          && PLAIN_INTEGER.matcher(Text.trim(text.value())).matches())
        id = new BigDecimal(Text.trim(text.value()));
      else return wrongType(name);
      if (id.signum() <= 0 || id.compareTo(ID_LIMIT) >= 0) return new RuleResult.Rejected(message);
      return new RuleResult.Accepted(id.longValueExact());
    };
  }

  static RuleResult bool(String name, SentValue value, Context context) {
    return value instanceof SentValue.Bool flag
        ? new RuleResult.Accepted(flag.value())
        : wrongType(name);
  }

  /** An ISO-8601 date-time, with an offset or read in the configured zone; kept as an instant. */
  static RuleResult instant(String name, SentValue value, Context context) {
    if (!(value instanceof SentValue.Text text)) return wrongType(name);
    return parseInstant(Text.trim(text.value()), context.zone())
        .filter(at -> !at.isBefore(FIRST_INSTANT) && !at.isAfter(LAST_INSTANT))
        .<RuleResult>map(RuleResult.Accepted::new)
        .orElseGet(() -> new RuleResult.Rejected(Messages.omsPushTimeInvalid(text.value())));
  }

  private static Optional<Instant> parseInstant(String raw, ZoneId zone) {
    try {
      return Optional.of(
          OffsetDateTime.parse(raw, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
    } catch (DateTimeException noOffset) {
      try {
        return Optional.of(
            LocalDateTime.parse(raw, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                .atZone(zone)
                .toInstant());
      } catch (DateTimeException notADateTime) {
        return Optional.empty();
      }
    }
  }

  static RuleResult wrongType(String name) {
    return new RuleResult.Rejected(Messages.wrongType(name));
  }
}

package cn.opportunity.integration.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The changeable fields of the contract's table, in its order (the code, which identifies, comes
 * first and is not one of them). Iteration order is the order of violation messages.
 */
public enum OpportunityField {
  OPPORTUNITY_NAME(
      "opportunityName",
      String.class,
      OpportunityDetails::opportunityName,
      (b, v) -> b.opportunityName((String) v)),
  PROJECT_LOCATION(
      "projectLocation",
      String.class,
      OpportunityDetails::projectLocation,
      (b, v) -> b.projectLocation((String) v)),
  OPERATOR_NAME(
      "operatorName",
      String.class,
      OpportunityDetails::operatorName,
      (b, v) -> b.operatorName((String) v)),
  AMOUNT("amount", Amount.class, OpportunityDetails::amount, (b, v) -> b.amount((Amount) v)),
  EXPECTED_CLOSE_DATE(
      "expectedCloseDate",
      LocalDate.class,
      OpportunityDetails::expectedCloseDate,
      (b, v) -> b.expectedCloseDate((LocalDate) v)),
  CONFIDENCE_PCT(
      "confidencePct",
      Confidence.class,
      OpportunityDetails::confidencePct,
      (b, v) -> b.confidencePct((Confidence) v)),
  STAGE("stage", StageCode.class, OpportunityDetails::stage, (b, v) -> b.stage((StageCode) v)),
  OPPORTUNITY_TYPE(
      "opportunityType",
      String.class,
      OpportunityDetails::opportunityType,
      (b, v) -> b.opportunityType((String) v)),
  PRODUCT_TYPE(
      "productType",
      String.class,
      OpportunityDetails::productType,
      (b, v) -> b.productType((String) v)),
  SOURCE("source", String.class, OpportunityDetails::source, (b, v) -> b.source((String) v)),
  SALES_EXPANSION_ID(
      "salesExpansionId",
      Long.class,
      OpportunityDetails::salesExpansionId,
      (b, v) -> b.salesExpansionId((Long) v)),
  CHANNEL_EXPANSION_ID(
      "channelExpansionId",
      Long.class,
      OpportunityDetails::channelExpansionId,
      (b, v) -> b.channelExpansionId((Long) v)),
  PRE_SALES_ID(
      "preSalesId", Long.class, OpportunityDetails::preSalesId, (b, v) -> b.preSalesId((Long) v)),
  PRE_SALES_NAME(
      "preSalesName",
      String.class,
      OpportunityDetails::preSalesName,
      (b, v) -> b.preSalesName((String) v)),
  COMPETITOR_NAME(
      "competitorName",
      String.class,
      OpportunityDetails::competitorName,
      (b, v) -> b.competitorName((String) v)),
  ARCHIVED(
      "archived", Boolean.class, OpportunityDetails::archived, (b, v) -> b.archived((Boolean) v)),
  PUSHED_TO_OMS(
      "pushedToOms",
      Boolean.class,
      OpportunityDetails::pushedToOms,
      (b, v) -> b.pushedToOms((Boolean) v)),
  OMS_PUSH_TIME(
      "omsPushTime",
      Instant.class,
      OpportunityDetails::omsPushTime,
      (b, v) -> b.omsPushTime((Instant) v)),
  STATUS(
      "status",
      OpportunityStatus.class,
      OpportunityDetails::status,
      (b, v) -> b.status((OpportunityStatus) v)),
  LOST_REASON(
      "lostReason",
      LostReasonId.class,
      OpportunityDetails::lostReason,
      (b, v) -> b.lostReason((LostReasonId) v)),
  DESCRIPTION(
      "description",
      String.class,
      OpportunityDetails::description,
      (b, v) -> b.description((String) v));

  /** The name of the opportunity code in requests, import lines and answers. */
  public static final String CODE_NAME = "opportunityCode";

  private final String jsonName;
  private final Class<?> type;

  // Method references and lambdas without state: nothing in them can change.
  @SuppressWarnings("ImmutableEnumChecker")
  private final Function<OpportunityDetails, Object> getter;

  @SuppressWarnings("ImmutableEnumChecker") // as getter
  private final BiConsumer<OpportunityDetails.Builder, Object> setter;

  OpportunityField(
      String jsonName,
      Class<?> type,
      Function<OpportunityDetails, Object> getter,
      BiConsumer<OpportunityDetails.Builder, Object> setter) {
    this.jsonName = jsonName;
    this.type = type;
    this.getter = getter;
    this.setter = setter;
  }

  /** The field's name in requests and answers, e.g. {@code expectedCloseDate}. */
  public String jsonName() {
    return jsonName;
  }

  /** The domain type of the field's values: {@code String}, {@link Amount}, {@code Long}, … */
  public Class<?> type() {
    return type;
  }

  public static Optional<OpportunityField> byJsonName(String name) {
    for (OpportunityField field : values()) {
      if (field.jsonName.equals(name)) return Optional.of(field);
    }
    return Optional.empty();
  }

  /** The field's value in {@code details}; {@code null} when not set. */
  public @Nullable Object valueIn(OpportunityDetails details) {
    return getter.apply(details);
  }

  /** Sets (or, with {@code null}, clears) the field in {@code builder}. */
  public void set(OpportunityDetails.Builder builder, @Nullable Object value) {
    setter.accept(builder, value == null ? null : type.cast(value));
  }

  /**
   * The field's value in {@code details} in the contract's canonical form, as plain Java for a JSON
   * writer: text as {@code String}; the amount as a {@code BigDecimal} of scale 2; ids as {@code
   * Long}; flags as {@code Boolean}; the stage's code; confidence upper-case; status lower-case;
   * the lost reason's id; the date as {@code YYYY-MM-DD}; the push time as an ISO-8601 instant;
   * {@code null} when not set.
   */
  public @Nullable Object canonicalValueIn(OpportunityDetails details) {
    return canonical(valueIn(details));
  }

  /** {@code value} (of this field's type) in the canonical form of {@link #canonicalValueIn}. */
  public static @Nullable Object canonical(@Nullable Object value) {
    if (value instanceof Amount amount) return amount.value();
    if (value instanceof LocalDate date) return date.toString();
    if (value instanceof Instant instant) return instant.toString();
    if (value instanceof StageCode stage) return stage.value();
    if (value instanceof LostReasonId reason) return reason.value();
    if (value instanceof Confidence confidence) return confidence.code();
    if (value instanceof OpportunityStatus status) return status.code();
    if (value == null
        || value instanceof String
        || value instanceof Long
        || value instanceof Boolean) return value;
    throw new IllegalArgumentException("no canonical form for " + value.getClass());
  }
}

package cn.opportunity.integration.domain;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Every changeable field of an opportunity, in the order of the contract's table. A component is
 * {@code null} when the field was never set (or was cleared); {@code opportunityName} is always
 * set.
 */
public record OpportunityDetails(
    String opportunityName,
    @Nullable String projectLocation,
    @Nullable String operatorName,
    @Nullable Amount amount,
    @Nullable LocalDate expectedCloseDate,
    @Nullable Confidence confidencePct,
    @Nullable StageCode stage,
    @Nullable String opportunityType,
    @Nullable String productType,
    @Nullable String source,
    @Nullable Long salesExpansionId,
    @Nullable Long channelExpansionId,
    @Nullable Long preSalesId,
    @Nullable String preSalesName,
    @Nullable String competitorName,
    @Nullable Boolean archived,
    @Nullable Boolean pushedToOms,
    @Nullable Instant omsPushTime,
    @Nullable OpportunityStatus status,
    @Nullable LostReasonId lostReason,
    @Nullable String description) {

  public OpportunityDetails {
    // The rule refuses more (Text.isBlank: no-break spaces too); this guard stays as lenient as the
    // rule once was, so that a name stored before still reads back.
    requireName(opportunityName);
  }

  private static String requireName(@Nullable String opportunityName) {
    if (opportunityName == null || opportunityName.isBlank())
      throw new IllegalArgumentException("an opportunity has a name");
    return opportunityName;
  }

  /** An empty builder: set at least the name. */
  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .opportunityName(opportunityName)
        .projectLocation(projectLocation)
        .operatorName(operatorName)
        .amount(amount)
        .expectedCloseDate(expectedCloseDate)
        .confidencePct(confidencePct)
        .stage(stage)
        .opportunityType(opportunityType)
        .productType(productType)
        .source(source)
        .salesExpansionId(salesExpansionId)
        .channelExpansionId(channelExpansionId)
        .preSalesId(preSalesId)
        .preSalesName(preSalesName)
        .competitorName(competitorName)
        .archived(archived)
        .pushedToOms(pushedToOms)
        .omsPushTime(omsPushTime)
        .status(status)
        .lostReason(lostReason)
        .description(description);
  }

  /** Collects field values; {@link #build()} checks that a name is set. */
  public static final class Builder {
    private @Nullable String opportunityName;
    private @Nullable String projectLocation;
    private @Nullable String operatorName;
    private @Nullable Amount amount;
    private @Nullable LocalDate expectedCloseDate;
    private @Nullable Confidence confidencePct;
    private @Nullable StageCode stage;
    private @Nullable String opportunityType;
    private @Nullable String productType;
    private @Nullable String source;
    private @Nullable Long salesExpansionId;
    private @Nullable Long channelExpansionId;
    private @Nullable Long preSalesId;
    private @Nullable String preSalesName;
    private @Nullable String competitorName;
    private @Nullable Boolean archived;
    private @Nullable Boolean pushedToOms;
    private @Nullable Instant omsPushTime;
    private @Nullable OpportunityStatus status;
    private @Nullable LostReasonId lostReason;
    private @Nullable String description;

    private Builder() {}

    public Builder opportunityName(@Nullable String value) {
      opportunityName = value;
      return this;
    }

    public Builder projectLocation(@Nullable String value) {
      projectLocation = value;
      return this;
    }

    public Builder operatorName(@Nullable String value) {
      operatorName = value;
      return this;
    }

    public Builder amount(@Nullable Amount value) {
      amount = value;
      return this;
    }

    public Builder expectedCloseDate(@Nullable LocalDate value) {
      expectedCloseDate = value;
      return this;
    }

    public Builder confidencePct(@Nullable Confidence value) {
      confidencePct = value;
      return this;
    }

    public Builder stage(@Nullable StageCode value) {
      stage = value;
      return this;
    }

    public Builder opportunityType(@Nullable String value) {
      opportunityType = value;
      return this;
    }

    public Builder productType(@Nullable String value) {
      productType = value;
      return this;
    }

    public Builder source(@Nullable String value) {
      source = value;
      return this;
    }

    public Builder salesExpansionId(@Nullable Long value) {
      salesExpansionId = value;
      return this;
    }

    public Builder channelExpansionId(@Nullable Long value) {
      channelExpansionId = value;
      return this;
    }

    public Builder preSalesId(@Nullable Long value) {
      preSalesId = value;
      return this;
    }

    public Builder preSalesName(@Nullable String value) {
      preSalesName = value;
      return this;
    }

    public Builder competitorName(@Nullable String value) {
      competitorName = value;
      return this;
    }

    public Builder archived(@Nullable Boolean value) {
      archived = value;
      return this;
    }

    public Builder pushedToOms(@Nullable Boolean value) {
      pushedToOms = value;
      return this;
    }

    public Builder omsPushTime(@Nullable Instant value) {
      omsPushTime = value;
      return this;
    }

    public Builder status(@Nullable OpportunityStatus value) {
      status = value;
      return this;
    }

    public Builder lostReason(@Nullable LostReasonId value) {
      lostReason = value;
      return this;
    }

    public Builder description(@Nullable String value) {
      description = value;
      return this;
    }

    public OpportunityDetails build() {
      return new OpportunityDetails(
          requireName(opportunityName),
          projectLocation,
          operatorName,
          amount,
          expectedCloseDate,
          confidencePct,
          stage,
          opportunityType,
          productType,
          source,
          salesExpansionId,
          channelExpansionId,
          preSalesId,
          preSalesName,
          competitorName,
          archived,
          pushedToOms,
          omsPushTime,
          status,
          lostReason,
          description);
    }
  }
}

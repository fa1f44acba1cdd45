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
    String projectLocation,
    String operatorName,
    Amount amount,
    LocalDate expectedCloseDate,
    Confidence confidencePct,
    StageCode stage,
    String opportunityType,
    String productType,
    String source,
    Long salesExpansionId,
    Long channelExpansionId,
    Long preSalesId,
    String preSalesName,
    String competitorName,
    Boolean archived,
    Boolean pushedToOms,
    Instant omsPushTime,
    OpportunityStatus status,
    String description) {

  public OpportunityDetails {
    // The rule refuses more (Text.isBlank: no-break spaces too); this guard stays as lenient as the
    // rule once was, so that a name stored before still reads back.
    if (opportunityName == null || opportunityName.isBlank())
      throw new IllegalArgumentException("an opportunity has a name");
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
        .description(description);
  }

  /** Collects field values; {@link #build()} checks that a name is set. */
  public static final class Builder {
    private String opportunityName;
    private String projectLocation;
    private String operatorName;
    private Amount amount;
    private LocalDate expectedCloseDate;
    private Confidence confidencePct;
    private StageCode stage;
    private String opportunityType;
    private String productType;
    private String source;
    private Long salesExpansionId;
    private Long channelExpansionId;
    private Long preSalesId;
    private String preSalesName;
    private String competitorName;
    private Boolean archived;
    private Boolean pushedToOms;
    private Instant omsPushTime;
    private OpportunityStatus status;
    private String description;

    private Builder() {}

    public Builder opportunityName(String value) {
      opportunityName = value;
      return this;
    }

    public Builder projectLocation(String value) {
      projectLocation = value;
      return this;
    }

    public Builder operatorName(String value) {
      operatorName = value;
      return this;
    }

    public Builder amount(Amount value) {
      amount = value;
      return this;
    }

    public Builder expectedCloseDate(LocalDate value) {
      expectedCloseDate = value;
      return this;
    }

    public Builder confidencePct(Confidence value) {
      confidencePct = value;
      return this;
    }

    public Builder stage(StageCode value) {
      stage = value;
      return this;
    }

    public Builder opportunityType(String value) {
      opportunityType = value;
      return this;
    }

    public Builder productType(String value) {
      productType = value;
      return this;
    }

    public Builder source(String value) {
      source = value;
      return this;
    }

    public Builder salesExpansionId(Long value) {
      salesExpansionId = value;
      return this;
    }

    public Builder channelExpansionId(Long value) {
      channelExpansionId = value;
      return this;
    }

    public Builder preSalesId(Long value) {
      preSalesId = value;
      return this;
    }

    public Builder preSalesName(String value) {
      preSalesName = value;
      return this;
    }

    public Builder competitorName(String value) {
      competitorName = value;
      return this;
    }

    public Builder archived(Boolean value) {
      archived = value;
      return this;
    }

    public Builder pushedToOms(Boolean value) {
      pushedToOms = value;
      return this;
    }

    public Builder omsPushTime(Instant value) {
      omsPushTime = value;
      return this;
    }

    public Builder status(OpportunityStatus value) {
      status = value;
      return this;
    }

    public Builder description(String value) {
      description = value;
      return this;
    }

    public OpportunityDetails build() {
      return new OpportunityDetails(
          opportunityName,
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
          description);
    }
  }
}

package cn.opportunity.integration.domain.testing;

import cn.opportunity.integration.domain.Amount;
import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.ChangeSource;
import cn.opportunity.integration.domain.Confidence;
import cn.opportunity.integration.domain.LostReasonId;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityDetails;
import cn.opportunity.integration.domain.OpportunityStatus;
import cn.opportunity.integration.domain.StageCode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Builders of test opportunities: {@code anOpportunity().code("OPP-1").build()}. */
public final class Opportunities {
  public static final Instant CREATED_AT = Instant.parse("2026-04-01T01:00:00Z");

  /** Who makes the changes of tests: a caller {@code test} with a request id, one update each. */
  public static final ChangeOrigin ORIGIN =
      new ChangeOrigin("test", "test-request", ChangeSource.UPDATE);

  private String code = "OPP-20260401-001";
  private String finalCustomerName = "华东电网有限公司";
  private Instant createdAt = CREATED_AT;
  private UnaryOperator<OpportunityDetails.Builder> details = UnaryOperator.identity();

  private Opportunities() {}

  /** A typical opportunity: named, with an amount, a stage and a status. */
  public static Opportunities anOpportunity() {
    return new Opportunities()
        .details(
            d ->
                d.opportunityName("智慧园区二期")
                    .projectLocation("上海")
                    .amount(new Amount(new BigDecimal("1500000")))
                    .expectedCloseDate(LocalDate.parse("2026-06-30"))
                    .confidencePct(Confidence.B)
                    .stage(new StageCode("negotiation"))
                    .status(OpportunityStatus.ACTIVE));
  }

  /** An opportunity with a name only: every other field unset. */
  public static Opportunities aBareOpportunity() {
    return new Opportunities().details(d -> d.opportunityName("空白商机"));
  }

  /** Every field set to a value that is not a default, instants with nanoseconds. */
  public static Opportunities aFullOpportunity() {
    return new Opportunities()
        .details(
            d ->
                d.opportunityName("全字段商机 😀")
                    .projectLocation("北京市海淀区")
                    .operatorName("运作方甲")
                    .amount(new Amount(new BigDecimal("99999999999999.99")))
                    .expectedCloseDate(LocalDate.parse("2027-02-28"))
                    .confidencePct(Confidence.C)
                    .stage(new StageCode("bidding"))
                    .opportunityType("新建")
                    .productType("软件")
                    .source("招标网")
                    .salesExpansionId(Long.MAX_VALUE)
                    .channelExpansionId(1L)
                    .preSalesId(42L)
                    .preSalesName("售前乙")
                    .competitorName("竞品丙")
                    .archived(true)
                    .pushedToOms(false)
                    .omsPushTime(Instant.parse("2026-04-30T02:00:00.123456789Z"))
                    .status(OpportunityStatus.LOST)
                    .lostReason(new LostReasonId("competitor"))
                    .description("备注\n第二行\t制表"));
  }

  public Opportunities code(String code) {
    this.code = code;
    return this;
  }

  public Opportunities finalCustomerName(String name) {
    this.finalCustomerName = name;
    return this;
  }

  public Opportunities createdAt(Instant createdAt) {
    this.createdAt = createdAt;
    return this;
  }

  /** Changes the details on top of what is set so far. */
  public Opportunities details(UnaryOperator<OpportunityDetails.Builder> change) {
    UnaryOperator<OpportunityDetails.Builder> before = details;
    details = b -> change.apply(before.apply(b));
    return this;
  }

  public NewOpportunity build() {
    return new NewOpportunity(
        new OpportunityCode(code),
        Optional.ofNullable(finalCustomerName),
        details.apply(OpportunityDetails.builder()).build(),
        createdAt);
  }
}

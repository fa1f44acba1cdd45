package cn.opportunity.integration.domain.update;

import cn.opportunity.integration.domain.Messages;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityDetails;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.UpdateRejectedException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** One checked import line: the values it sets and, optionally, the final customer's name. */
public record ImportedOpportunity(OpportunityPatch patch, Optional<String> finalCustomerName) {
  public ImportedOpportunity {
    Objects.requireNonNull(patch);
    Objects.requireNonNull(finalCustomerName);
  }

  /**
   * @throws UpdateRejectedException when this line names another final customer than {@code
   *     current} has: the final customer never changes
   */
  public void checkFinalCustomerOf(Opportunity current) {
    if (finalCustomerName.isPresent() && !finalCustomerName.equals(current.finalCustomerName()))
      throw new UpdateRejectedException(Messages.FINAL_CUSTOMER_IMMUTABLE);
  }

  /** The line as a new opportunity, holding exactly the line's values. */
  public NewOpportunity toNew(Instant now) {
    OpportunityDetails.Builder details = OpportunityDetails.builder();
    patch.changes().forEach((field, value) -> field.set(details, value));
    return new NewOpportunity(patch.code(), finalCustomerName, details.build(), now);
  }

  /** The line applied to the stored {@code current}. */
  public Opportunity applyTo(Opportunity current, Instant now) {
    checkFinalCustomerOf(current);
    return current.apply(patch, now);
  }
}

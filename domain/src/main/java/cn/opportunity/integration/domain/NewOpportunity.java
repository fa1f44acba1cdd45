package cn.opportunity.integration.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** An opportunity not stored yet (the import command creates them); its store gives it an id. */
public record NewOpportunity(
    OpportunityCode code,
    Optional<String> finalCustomerName,
    OpportunityDetails details,
    Instant createdAt) {
  public NewOpportunity {
    Objects.requireNonNull(code);
    Objects.requireNonNull(finalCustomerName);
    Objects.requireNonNull(details);
    Objects.requireNonNull(createdAt);
  }
}

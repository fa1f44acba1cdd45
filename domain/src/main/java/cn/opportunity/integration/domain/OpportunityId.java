package cn.opportunity.integration.domain;

/** The store's internal numeric id of an opportunity: the {@code data} of a successful update. */
public record OpportunityId(long value) {
  public OpportunityId {
    if (value <= 0) throw new IllegalArgumentException("opportunity id must be positive: " + value);
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}

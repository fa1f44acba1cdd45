package cn.opportunity.integration.domain;

/**
 * The id of a lost reason (输单原因) of the dictionary: what an opportunity stores as its lost reason.
 */
public record LostReasonId(String value) {
  public LostReasonId {
    value = Text.trim(value);
    if (value.isEmpty()) throw new IllegalArgumentException("a lost reason id is not blank");
  }

  @Override
  public String toString() {
    return value;
  }
}

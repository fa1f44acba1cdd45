package cn.opportunity.integration.domain;

import java.util.Optional;

/** The business key (商机编号) an external system finds an opportunity by: trimmed, 1–64 characters. */
public record OpportunityCode(String value) {
  public static final int MAX_LENGTH = 64;

  public OpportunityCode {
    value = Text.trim(value);
    if (!isValid(value))
      throw new IllegalArgumentException("not a valid opportunity code: " + value);
  }

  /**
   * The code for raw input, when it is one: surrounding white space ({@link Text#trim}) is ignored.
   */
  public static Optional<OpportunityCode> parse(String raw) {
    String stripped = Text.trim(raw);
    return isValid(stripped) ? Optional.of(new OpportunityCode(stripped)) : Optional.empty();
  }

  private static boolean isValid(String stripped) {
    return !stripped.isEmpty() && Text.length(stripped) <= MAX_LENGTH;
  }

  @Override
  public String toString() {
    return value;
  }
}

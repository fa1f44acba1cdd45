package cn.opportunity.integration.domain;

import java.util.List;

/** The request broke rules: every violation, in the contract's order. Nothing was changed. */
public final class UpdateRejectedException extends DomainException {
  private static final long serialVersionUID = 1L;

  /** How violations are joined into one message. */
  public static final String SEPARATOR = "；";

  private final List<String> violations;

  public UpdateRejectedException(List<String> violations) {
    super(String.join(SEPARATOR, violations));
    if (violations.isEmpty()) throw new IllegalArgumentException("a rejection names a violation");
    this.violations = List.copyOf(violations);
  }

  public UpdateRejectedException(String violation) {
    this(List.of(violation));
  }

  public List<String> violations() {
    return violations;
  }
}

package cn.opportunity.integration.domain;

/**
 * The store cannot write now, whatever the change: its file is full, read-only or failing (a
 * condition of the store, not of the change). Nothing was changed, and the same change can be sent
 * again once the condition has passed. The store shows it in {@link
 * OpportunityStore#unavailableReason} until a write succeeds again, and logs it once per streak, so
 * a caller need not log each one. Not a rule of the domain, so not a {@link DomainException}.
 */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String reason;

  /**
   * @param reason a few English words without paths or secrets, e.g. {@code database or disk is
   *     full}
   * @param cause the store's own failure, for its log
   */
  public StoreUnavailableException(String reason, Throwable cause) {
    super(reason, cause, false, false);
    this.reason = reason;
  }

  /** The condition, as {@link OpportunityStore#unavailableReason} shows it. */
  public String reason() {
    return reason;
  }
}

package cn.opportunity.integration.domain;

/**
 * The store could not take a change in time (too many writers waiting, or it is closing): nothing
 * was changed, and the same change can be sent again later. Not a rule of the domain, so not a
 * {@link DomainException}.
 */
public final class StoreBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreBusyException(String detail) {
    super(detail, null, false, false);
  }
}

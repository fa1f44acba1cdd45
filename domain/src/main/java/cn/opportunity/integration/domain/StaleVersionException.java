package cn.opportunity.integration.domain;

/**
 * Another writer changed (or created) the opportunity between read and write: the write was not
 * made, and the change can be re-applied to the fresh state.
 */
public final class StaleVersionException extends DomainException {
  private static final long serialVersionUID = 1L;

  public StaleVersionException(String detail) {
    super(detail);
  }
}

package cn.opportunity.integration.domain;

/**
 * The caller expected another version than the one stored ({@code If-Match}, CONTRACT.md §5.4):
 * nothing was changed. Thrown inside the store's write, so no other writer can come between the
 * check and the change.
 */
public final class VersionMismatchException extends DomainException {
  private static final long serialVersionUID = 1L;

  private final Version current;

  public VersionMismatchException(Version current) {
    super(Messages.VERSION_MISMATCH);
    this.current = current;
  }

  /** The version stored now. */
  public Version current() {
    return current;
  }
}

package cn.opportunity.integration.domain;

/** A rule of the domain said no. The message is the contract's caller-facing text. */
public abstract class DomainException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String message;

  protected DomainException(String message) {
    super(message, null, false, false);
    this.message = message;
  }

  /** The contract's caller-facing text: never {@code null}, unlike a {@code Throwable}'s. */
  @Override
  public String getMessage() {
    return message;
  }
}

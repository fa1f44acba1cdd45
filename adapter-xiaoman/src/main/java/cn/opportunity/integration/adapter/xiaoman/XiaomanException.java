package cn.opportunity.integration.adapter.xiaoman;

/**
 * A call to Xiaoman failed. The message says which call and carries Xiaoman's own message, never a
 * secret, a password or a token.
 */
public final class XiaomanException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    /** The credentials were refused (invalid client, revoked grant). */
    AUTHENTICATION,
    /** Xiaoman could not be reached, timed out or answered 5xx/429. */
    UNAVAILABLE,
    /** Xiaoman answered, but with an error or with something that is not a usable answer. */
    REJECTED
  }

  private final Kind kind;

  public XiaomanException(Kind kind, String message) {
    this(kind, message, null);
  }

  public XiaomanException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}

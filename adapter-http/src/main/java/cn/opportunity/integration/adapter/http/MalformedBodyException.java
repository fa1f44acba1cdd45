package cn.opportunity.integration.adapter.http;

/** The bytes are not one well-formed JSON object in UTF-8. */
public final class MalformedBodyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MalformedBodyException(String detail, Throwable cause) {
    super(detail, cause, false, false);
  }
}

package cn.opportunity.integration.adapter.http;

/** A request stopped by a check of the HTTP layer (secret, content type, size), with its answer. */
final class RequestRefused extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;

  RequestRefused(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }
}

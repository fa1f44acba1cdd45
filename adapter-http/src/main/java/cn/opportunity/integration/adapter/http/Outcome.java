package cn.opportunity.integration.adapter.http;

import java.util.Locale;

/**
 * How a request ended, as the {@code outcome} label of the request metrics (CONTRACT §6): a fixed
 * set of names, finer than the status where one status has several causes (400: a malformed body or
 * a broken rule; 503: no dictionary, a busy store or a store that cannot write).
 */
public enum Outcome {
  /** 2xx. */
  SUCCESS,
  /** 400: the request is not one the service reads (JSON, headers, paging, batch size). */
  BAD_REQUEST,
  /** 400: well-formed, but a field rule of CONTRACT §1 is broken. */
  REJECTED,
  /** 401: the secret is missing or wrong. */
  UNAUTHORIZED,
  /** 404: no opportunity with that code. */
  NOT_FOUND,
  /** 404 or 405: no route serves this path, or not with this method. */
  NO_ROUTE,
  /** 408: the body did not arrive in time. */
  TIMEOUT,
  /** 412: {@code If-Match} names another version. */
  VERSION_MISMATCH,
  /** 413. */
  TOO_LARGE,
  /** 415. */
  UNSUPPORTED_MEDIA_TYPE,
  /** 429: too many wrong secrets from this address. */
  THROTTLED,
  /** 503: a stage or lost reason was sent while no dictionary was ever loaded. */
  DICTIONARY_UNAVAILABLE,
  /** 503: the store's writer did not take the update in time. */
  STORE_BUSY,
  /** 503: the store cannot write (full disk, read-only file, I/O error) or cannot be reached. */
  STORE_UNAVAILABLE,
  /** 503 of the health and readiness answers: the instance is not ready or its store is down. */
  UNAVAILABLE,
  /** 500 and any other status: a bug or an unexpected failure (logged with the request id). */
  ERROR;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** The label value: the name in lower case, e.g. {@code store_busy}. */
  public String label() {
    return label;
  }

  /** What a status says when nothing finer is known (an answer written without a refusal). */
  static Outcome ofStatus(int status) {
    if (status >= 200 && status < 300) return SUCCESS;
    return switch (status) {
      case 400 -> BAD_REQUEST;
      case 401 -> UNAUTHORIZED;
      case 404, 405 -> NO_ROUTE;
      case 408 -> TIMEOUT;
      case 412 -> VERSION_MISMATCH;
      case 413 -> TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 429 -> THROTTLED;
      case 503 -> UNAVAILABLE;
      default -> status >= 400 && status < 500 ? BAD_REQUEST : ERROR;
    };
  }
}

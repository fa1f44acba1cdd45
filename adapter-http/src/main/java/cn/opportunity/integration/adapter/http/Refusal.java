package cn.opportunity.integration.adapter.http;

import cn.opportunity.integration.domain.DictionaryUnavailableException;
import cn.opportunity.integration.domain.Messages;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.StoreBusyException;
import cn.opportunity.integration.domain.StoreUnavailableException;
import cn.opportunity.integration.domain.UpdateRejectedException;
import cn.opportunity.integration.domain.VersionMismatchException;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error table: what each failure answers — its status, the envelope's message and data — and
 * what reaches the log. One place for the single routes (through Javalin's exception handler) and
 * for each item of a batch, so that an item is refused exactly as the single update would be.
 */
record Refusal(int status, String message, Object data, Outcome outcome) {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  static Refusal of(Throwable thrown, String requestId) {
    Throwable failure =
        thrown instanceof CompletionException && thrown.getCause() != null
            ? thrown.getCause()
            : thrown;
    if (failure instanceof RequestRefused refused)
      return new Refusal(
          refused.status, refused.getMessage(), null, Outcome.ofStatus(refused.status));
    if (failure instanceof MalformedBodyException)
      return new Refusal(400, HttpMessages.MALFORMED_BODY, null, Outcome.BAD_REQUEST);
    if (failure instanceof UpdateRejectedException)
      return new Refusal(400, failure.getMessage(), null, Outcome.REJECTED);
    if (failure instanceof OpportunityNotFoundException)
      return new Refusal(404, Messages.NOT_FOUND, null, Outcome.NOT_FOUND);
    if (failure instanceof VersionMismatchException mismatch)
      return new Refusal(
          412,
          Messages.VERSION_MISMATCH,
          Map.of("version", mismatch.current().value()),
          Outcome.VERSION_MISMATCH);
    if (failure instanceof DictionaryUnavailableException)
      return new Refusal(
          503, Messages.DICTIONARY_UNAVAILABLE, null, Outcome.DICTIONARY_UNAVAILABLE);
    if (failure instanceof StoreBusyException) {
      log.warn("request {} refused, the store is busy: {}", requestId, failure.getMessage());
      return new Refusal(503, HttpMessages.SYSTEM_BUSY, null, Outcome.STORE_BUSY);
    }
    if (failure instanceof StoreUnavailableException) { // full disk, read-only file, I/O error
      // the store logs the streak
      log.debug("request {} refused, the store cannot write: {}", requestId, failure.getMessage());
      return new Refusal(503, HttpMessages.SYSTEM_BUSY, null, Outcome.STORE_UNAVAILABLE);
    }
    if (failure instanceof HttpResponseException e) // unknown route, wrong method, …
    return new Refusal(
          e.getStatus(),
          HttpMessages.forStatus(e.getStatus()),
          null,
          Outcome.ofStatus(e.getStatus()));
    log.error("request {} failed", requestId, failure); // the stack trace reaches the log only
    return new Refusal(500, HttpMessages.SYSTEM_BUSY, null, Outcome.ERROR);
  }

  /** As the envelope of an answer, or of one item of a batch's answer. */
  Envelope envelope() {
    return new Envelope("-1", message, data);
  }
}

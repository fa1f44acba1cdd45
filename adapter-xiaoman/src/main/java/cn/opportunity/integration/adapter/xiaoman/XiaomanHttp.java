package cn.opportunity.integration.adapter.xiaoman;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

/**
 * One exchange with Xiaoman: a bounded answer read as JSON, with at most {@link #RETRIES} retries
 * on timeouts, connection failures, 429 and 5xx (full jitter, {@code Retry-After} honoured up to
 * {@link #MAX_RETRY_AFTER}), all within the caller's {@link Deadline}. Only idempotent calls come
 * here: GETs and token requests.
 */
final class XiaomanHttp {
  static final int RETRIES = 2;
  static final int MAX_BODY_BYTES = 1 << 20;
  static final Duration BACKOFF_BASE = Duration.ofMillis(200);
  static final Duration BACKOFF_CAP = Duration.ofSeconds(2);
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Waits between attempts; tests replace it to count instead of sleeping. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** An answer: its status and its body as JSON. */
  record Reply(int status, JsonNode body) {}

  /** When a whole operation (a reload) must be over: no attempt or wait runs past it. */
  record Deadline(long nanoTime) {
    static Deadline after(Duration budget) {
      return new Deadline(System.nanoTime() + budget.toNanos());
    }

    Duration remaining() {
      return Duration.ofNanos(nanoTime - System.nanoTime());
    }
  }

  private final HttpClient client;
  private final Sleeper sleeper;
  private final RandomGenerator random;
  private final LongAdder[] calls = new LongAdder[XiaomanClient.CallOutcome.values().length];

  XiaomanHttp(HttpClient client, Sleeper sleeper, RandomGenerator random) {
    this.client = client;
    this.sleeper = sleeper;
    this.random = random;
    for (int i = 0; i < calls.length; i++) calls[i] = new LongAdder();
  }

  /** Exchanges (each attempt, retries included) that ended so, since the start. */
  long calls(XiaomanClient.CallOutcome outcome) {
    return calls[outcome.ordinal()].sum();
  }

  private void count(XiaomanClient.CallOutcome outcome) {
    calls[outcome.ordinal()].increment();
  }

  /**
   * @param what names the call in errors, e.g. {@code GET selector field=sales_flow}
   * @param deadline no attempt lasts, and no wait ends, past it: each attempt's timeout is the
   *     request's own or what is left, whichever is shorter
   */
  Reply send(HttpRequest request, String what, Deadline deadline) {
    for (int attempt = 0; ; attempt++) {
      Duration left = deadline.remaining();
      if (left.isNegative() || left.isZero())
        throw new XiaomanException(
            XiaomanException.Kind.UNAVAILABLE, what + ": the reload's time is up");
      Duration wait;
      String failure;
      try {
        HttpRequest attemptRequest =
            request.timeout().filter(t -> t.compareTo(left) <= 0).isPresent()
                ? request
                : HttpRequest.newBuilder(request, (name, value) -> true).timeout(left).build();
        HttpResponse<InputStream> response =
            client.send(attemptRequest, HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        count(XiaomanClient.CallOutcome.ofStatus(status));
        if (status != 429 && status < 500) return new Reply(status, body(response, what));
        response.body().close();
        failure = what + ": HTTP " + status;
        Optional<Duration> asked = retryAfter(response);
        wait = asked.isPresent() ? asked.get() : backoff(attempt);
      } catch (HttpTimeoutException e) {
        count(XiaomanClient.CallOutcome.TIMEOUT);
        failure = what + ": no answer within the timeout";
        wait = backoff(attempt);
      } catch (IOException e) {
        count(XiaomanClient.CallOutcome.UNREACHABLE);
        failure = what + ": cannot reach Xiaoman (" + e.getClass().getSimpleName() + ")";
        wait = backoff(attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new XiaomanException(XiaomanException.Kind.UNAVAILABLE, what + ": interrupted", e);
      }
      if (attempt == RETRIES
          || wait.compareTo(MAX_RETRY_AFTER) > 0
          || wait.compareTo(deadline.remaining()) >= 0)
        throw new XiaomanException(XiaomanException.Kind.UNAVAILABLE, failure);
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new XiaomanException(XiaomanException.Kind.UNAVAILABLE, what + ": interrupted", e);
      }
    }
  }

  /** Full jitter: a random wait up to min(cap, base × 2^attempt), never zero. */
  Duration backoff(int attempt) {
    long ceiling = Math.min(BACKOFF_CAP.toMillis(), BACKOFF_BASE.toMillis() << attempt);
    return Duration.ofMillis(1 + random.nextLong(ceiling));
  }

  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .flatMap(
            value -> {
              try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value.strip())));
              } catch (NumberFormatException notSeconds) {
                return Optional.empty();
              }
            });
  }

  private static JsonNode body(HttpResponse<InputStream> response, String what) throws IOException {
    if (response.statusCode() >= 300 && response.statusCode() < 400) {
      response.body().close();
      throw new XiaomanException(
          XiaomanException.Kind.REJECTED, what + ": redirect to elsewhere, not followed");
    }
    byte[] bytes;
    try (InputStream in = response.body()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (bytes.length > MAX_BODY_BYTES)
      throw new XiaomanException(
          XiaomanException.Kind.REJECTED, what + ": answer larger than 1 MiB");
    try {
      JsonNode body = JSON.readTree(bytes);
      if (body == null || !body.isObject())
        throw new XiaomanException(
            XiaomanException.Kind.REJECTED, what + ": answer is not a JSON object");
      return body;
    } catch (JsonProcessingException e) {
      throw new XiaomanException(XiaomanException.Kind.REJECTED, what + ": answer is not JSON");
    }
  }
}

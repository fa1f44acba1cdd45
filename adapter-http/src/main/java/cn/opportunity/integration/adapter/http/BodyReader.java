package cn.opportunity.integration.adapter.http;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Reads a request body without a thread waiting for it: the servlet's non-blocking input, fed as
 * the bytes arrive. A body that does not arrive whole within its deadline is refused with 408, so a
 * client that sends slowly (or stops) holds a socket and at most the limit of memory, never a
 * request thread. Needs the request in asynchronous mode (Javalin's {@code ctx.future} starts it
 * before it asks for the future).
 */
final class BodyReader implements ReadListener {
  /** Fires the deadlines; one daemon thread for every body, cancelled deadlines leave its queue at once. */
  private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

  private final ServletInputStream in;
  private final int limit;
  private final ByteArrayOutputStream body;
  private final byte[] buffer = new byte[8_192];
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();

  private BodyReader(ServletInputStream in, int limit, int expected) {
    this.in = in;
    this.limit = limit;
    this.body = new ByteArrayOutputStream(expected > 0 ? expected : 512);
  }

  /**
   * The body of {@code request}: completes with its bytes once it has arrived whole, or with {@link
   * RequestRefused} — 413 past {@code limit} bytes, 400 when it is not well-formed HTTP (a broken
   * chunk, shorter than announced), 408 when it has not arrived within {@code deadline}. What
   * follows a refusal is not read: Jetty closes the connection after the answer.
   */
  static CompletableFuture<byte[]> read(HttpServletRequest request, int limit, Duration deadline) throws IOException {
    long announced = request.getContentLengthLong();
    BodyReader reader = new BodyReader(request.getInputStream(), limit, (int) Math.min(announced, limit));
    ScheduledFuture<?> expiry = DEADLINES.schedule(
        () -> reader.result.completeExceptionally(new RequestRefused(408, HttpMessages.REQUEST_TIMEOUT)),
        deadline.toMillis(), TimeUnit.MILLISECONDS);
    reader.result.whenComplete((body, failure) -> expiry.cancel(false));
    reader.in.setReadListener(reader);
    return reader.result;
  }

  @Override
  public void onDataAvailable() {
    try {
      while (!result.isDone() && in.isReady()) {   // not ready: called again when more arrives
        int read = in.read(buffer);
        if (read < 0) return;                      // the end: onAllDataRead follows
        if (body.size() + read > limit) {
          result.completeExceptionally(new RequestRefused(413, HttpMessages.BODY_TOO_LARGE));
          return;
        }
        body.write(buffer, 0, read);
      }
    } catch (IOException brokenBody) {
      onError(brokenBody);
    }
  }

  @Override
  public void onAllDataRead() {
    result.complete(body.toByteArray());
  }

  /** A broken chunk, a body shorter than announced, a connection gone: the client's fault, not ours. */
  @Override
  public void onError(Throwable failure) {
    result.completeExceptionally(new RequestRefused(400, HttpMessages.BAD_REQUEST));
  }

  private static ScheduledThreadPoolExecutor deadlines() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, "http-body-deadlines");
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}

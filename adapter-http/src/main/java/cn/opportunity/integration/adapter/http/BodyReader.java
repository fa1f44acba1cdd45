package cn.opportunity.integration.adapter.http;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A request's body, read without a thread waiting for it: the servlet's non-blocking input, fed as
 * the bytes arrive. Two uses, one listener per request (the servlet allows one):
 *
 * <ul>
 *   <li>{@link #read}: the body of an update, refused with 408 when it does not arrive whole within
 *       its deadline, so a client that sends slowly (or stops) holds a socket and at most the limit
 *       of memory, never a request thread;
 *   <li>{@link #drop}: after a refusal has been answered, what is left of the body is read and
 *       dropped, at most {@link #DROPPED_BYTES} and for at most {@link #DROP_TIME}. Many clients
 *       (the JDK's among them) read the answer only once they have written their whole body; a
 *       connection closed under them with their bytes unread reaches them as a reset instead of the
 *       answer.
 * </ul>
 *
 * Needs the request in asynchronous mode (Javalin's {@code ctx.future} starts it before it asks for
 * the future).
 */
final class BodyReader implements ReadListener {
  /**
   * At most this much of a refused body is read and dropped after the answer: four times the
   * largest body a route accepts (the batch's 4 MiB), so that a body just over a limit — the usual
   * mistake — is read whole and its sender gets the answer rather than a reset. A bound of 1 MiB
   * left 3 MiB of a batch of 4 MiB + 1 byte unread, and the JDK's client then lost the 413 to the
   * reset now and then (once in 50 on a busy machine).
   */
  static final long DROPPED_BYTES = 4L * BatchEndpoint.MAX_BODY_BYTES;

  /** For at most this long after the answer. */
  static final Duration DROP_TIME = Duration.ofSeconds(3);

  private static final String ATTRIBUTE = BodyReader.class.getName();

  /**
   * Fires the deadlines; one daemon thread for every body, cancelled deadlines leave its queue at
   * once.
   */
  private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

  private final ServletInputStream in;
  private final int limit;
  private final ByteArrayOutputStream body;
  private final byte[] buffer = new byte[8_192];
  private final CompletableFuture<byte[]> read = new CompletableFuture<>();
  private final CompletableFuture<Void> dropped = new CompletableFuture<>();
  private boolean dropping;
  private long droppedBytes;

  private BodyReader(ServletInputStream in, int limit, int expected) {
    this.in = in;
    this.limit = limit;
    this.body = new ByteArrayOutputStream(Math.max(expected, 512));
  }

  /**
   * The body of {@code request}: completes with its bytes once it has arrived whole, or with {@link
   * RequestRefused} — 413 past {@code limit} bytes, 400 when it is not well-formed HTTP (a broken
   * chunk, shorter than announced), 408 when it has not arrived within {@code deadline}. Reading
   * stops at a refusal; {@link #drop} takes it up after the answer.
   */
  // whenComplete() only registers the timer's cancellation; the stage it returns adds nothing.
  @SuppressWarnings("FutureReturnValueIgnored")
  static CompletableFuture<byte[]> read(HttpServletRequest request, int limit, Duration deadline) {
    BodyReader reader;
    try {
      reader = listen(request, limit, (int) Math.min(request.getContentLengthLong(), limit));
    } catch (IOException | IllegalStateException unreadable) {
      return CompletableFuture.failedFuture(new RequestRefused(400, HttpMessages.BAD_REQUEST));
    }
    ScheduledFuture<?> expiry =
        DEADLINES.schedule(
            () ->
                reader.read.completeExceptionally(
                    new RequestRefused(408, HttpMessages.REQUEST_TIMEOUT)),
            deadline.toMillis(),
            TimeUnit.MILLISECONDS);
    reader.read.whenComplete((body, failure) -> expiry.cancel(false));
    return reader.read;
  }

  /**
   * The body of {@code request} if it has arrived whole already — as a small body usually does,
   * with its headers — read at once without waiting; empty otherwise (chunked, or still on its way:
   * then {@link #read}). Nothing is consumed when empty.
   */
  static Optional<byte[]> arrived(HttpServletRequest request) {
    long announced = request.getContentLengthLong();
    if (announced < 0 || announced > Integer.MAX_VALUE) return Optional.empty();
    try {
      ServletInputStream in = request.getInputStream();
      if (in.available() < announced)
        return Optional.empty(); // what Jetty holds now, without waiting
      return Optional.of(in.readNBytes((int) announced));
    } catch (IOException brokenBody) {
      return Optional.empty(); // read() finds the same fault and answers it
    }
  }

  /**
   * After the answer has been sent: reads what is left of the body and drops it; completes at its
   * end, past {@link #DROPPED_BYTES}, at a broken body, or after {@link #DROP_TIME}, whichever
   * comes first. Never fails.
   */
  // whenComplete() only registers the timer's cancellation; the stage it returns adds nothing.
  @SuppressWarnings("FutureReturnValueIgnored")
  static CompletableFuture<Void> drop(HttpServletRequest request) {
    BodyReader reader;
    try {
      Object reading = request.getAttribute(ATTRIBUTE);
      reader = reading != null ? (BodyReader) reading : listen(request, 0, 0);
    } catch (IOException | IllegalStateException unreadable) {
      return CompletableFuture.completedFuture(null);
    }
    ScheduledFuture<?> expiry =
        DEADLINES.schedule(
            () -> reader.dropped.complete(null), DROP_TIME.toMillis(), TimeUnit.MILLISECONDS);
    reader.dropped.whenComplete((nothing, failure) -> expiry.cancel(false));
    reader.startDropping();
    return reader.dropped;
  }

  private static BodyReader listen(HttpServletRequest request, int limit, int expected)
      throws IOException {
    BodyReader reader = new BodyReader(request.getInputStream(), limit, expected);
    request.setAttribute(ATTRIBUTE, reader);
    reader.in.setReadListener(reader);
    return reader;
  }

  private synchronized void startDropping() {
    dropping = true;
    read.completeExceptionally(
        new RequestRefused(400, HttpMessages.BAD_REQUEST)); // if it still waited
    onDataAvailable(); // reading stopped at the refusal, or never began: take it up
  }

  @Override
  public synchronized void onDataAvailable() {
    try {
      while (!dropped.isDone()
          && (dropping || !read.isDone())
          && in.isReady()) { // not ready: called again
        int count = in.read(buffer);
        if (count < 0) return; // the end: onAllDataRead follows
        if (dropping) {
          droppedBytes += count;
          if (droppedBytes > DROPPED_BYTES) dropped.complete(null);
        } else if (body.size() + count > limit) {
          read.completeExceptionally(new RequestRefused(413, HttpMessages.BODY_TOO_LARGE));
        } else {
          body.write(buffer, 0, count);
        }
      }
    } catch (IOException | IllegalStateException brokenBody) {
      onError(brokenBody);
    }
  }

  @Override
  public void onAllDataRead() {
    read.complete(body.toByteArray());
    dropped.complete(null);
  }

  /**
   * A broken chunk, a body shorter than announced, a connection gone: the client's fault, not ours.
   */
  @Override
  public void onError(Throwable failure) {
    read.completeExceptionally(new RequestRefused(400, HttpMessages.BAD_REQUEST));
    dropped.complete(null);
  }

  private static ScheduledThreadPoolExecutor deadlines() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "http-body-deadlines");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}

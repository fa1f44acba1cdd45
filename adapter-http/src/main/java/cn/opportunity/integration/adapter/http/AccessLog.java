package cn.opportunity.integration.adapter.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request, written by Jetty once the answer is complete, so requests Jetty refuses
 * before any route (431, malformed HTTP) get one too: method, path (without query), status,
 * duration, request id, the caller's name (once its secret was checked) and address (the peer, or
 * what its trusted proxies forwarded: {@link TrustedProxies}). Never a secret, another header value
 * or a body.
 *
 * <p>The request thread only composes and queues the line; a thread of its own hands the queued
 * lines to the logger every {@link #WRITE_INTERVAL_MILLIS} ms, so a busy server's requests neither
 * queue for the log's lock and write nor wake a thread (measured in docs/performance.md). When that
 * thread falls behind by {@link #QUEUE_CAPACITY} lines, the request thread logs its line itself:
 * slower, never lost. Jetty stops this log with the server, after the last request: what is queued
 * is written.
 */
final class AccessLog extends AbstractLifeCycle implements RequestLog {
  static final String LOGGER = "cn.opportunity.integration.access";
  static final int QUEUE_CAPACITY = 16_384;
  static final long WRITE_INTERVAL_MILLIS = 20;
  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final TrustedProxies proxies;
  private volatile Thread writer;

  /**
   * @param proxies whose {@code X-Forwarded-For} names the address shown as {@code from=}
   */
  AccessLog(TrustedProxies proxies) {
    this.proxies = proxies;
  }

  @Override
  public void log(Request request, Response response) {
    if (!log.isInfoEnabled()) return;
    String requestId = response.getHeaders().get(HttpApi.REQUEST_ID);
    String line =
        request.getMethod()
            + ' '
            + request.getHttpURI().getPath()
            + ' '
            + response.getStatus()
            + ' '
            + NanoTime.millisSince(request.getBeginNanoTime())
            + "ms id="
            + (requestId == null ? "-" : requestId)
            + " caller="
            + (request.getAttribute(HttpApi.CALLER) instanceof String caller ? caller : "-")
            + " from="
            + from(request);
    if (writer == null || !lines.offer(line)) log.info(line);
  }

  /** The caller's address: the peer, or the address its trusted proxies forwarded. */
  private String from(Request request) {
    String peer = Request.getRemoteAddr(request);
    if (proxies.isEmpty()) return peer;
    return proxies.callerAddress(
        peer, request.getHeaders().getValuesList(TrustedProxies.FORWARDED_FOR));
  }

  @Override
  protected void doStart() {
    Thread thread = new Thread(this::writeLines, "access-log");
    thread.setDaemon(true); // never holds the process; a stop writes what is queued first
    writer = thread;
    thread.start();
  }

  @Override
  protected void doStop() throws InterruptedException {
    Thread thread = writer;
    writer = null; // lines from now on are logged by their request threads
    if (thread == null) return;
    thread.interrupt();
    thread.join(2_000);
    for (String line; (line = lines.poll()) != null; )
      log.info(line); // offered while the writer ended
  }

  private void writeLines() {
    List<String> batch = new ArrayList<>(256);
    boolean stopping = false;
    while (!stopping) {
      try {
        Thread.sleep(
            WRITE_INTERVAL_MILLIS); // a sleep, not a wait on the queue: no request wakes this
        // thread
      } catch (InterruptedException e) {
        stopping = true; // write what is left, then end
      }
      lines.drainTo(batch);
      for (String line : batch) log.info(line);
      batch.clear();
    }
  }
}

package cn.opportunity.integration.bootstrap;

import cn.opportunity.integration.adapter.http.HttpApi;
import cn.opportunity.integration.domain.OpportunityStore;
import io.javalin.Javalin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: the HTTP server over a store and a dictionary. {@link #stop()} is graceful:
 * it stops accepting, lets requests in flight finish, then closes the store.
 */
public final class Server implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Server.class);

  private final Wiring wiring;
  private final Javalin http;
  private final AppConfig config;
  private boolean stopped;

  private Server(Wiring wiring, Javalin http, AppConfig config) {
    this.wiring = wiring;
    this.http = http;
    this.config = config;
  }

  /** Opens the store, loads the dictionary and listens; says where in one log line. */
  public static Server start(AppConfig config, Clock clock) {
    Thread preload = new Thread(HttpApi::preload, "preload-http"); // overlaps the store's opening
    preload.setDaemon(true);
    preload.start();
    return start(new Wiring(config, clock), config);
  }

  /** For fault-injection tests: the same server over a wrapped store. */
  static Server start(
      AppConfig config, Clock clock, UnaryOperator<OpportunityStore> storeDecorator) {
    return start(new Wiring(config, clock, storeDecorator), config);
  }

  /** Starts the server on {@code wiring}; a start that fails closes what it had opened. */
  static Server start(Wiring wiring, AppConfig config) {
    Javalin http = null;
    try {
      http = wiring.httpServer();
      http.start(config.httpHost(), config.httpPort());
      wiring.startHistoryRetention();
      Server server = new Server(wiring, http, config);
      sendFirstRequest(config.httpHost(), server.port());
      wiring.awaitMetrics();
      wiring.readiness().markServing(); // GET /health/ready: 200 from now on
      log.info(
          "Opportunity Integration listening on http://{}:{} (store {}, dictionary {}: {} stages)",
          config.httpHost(),
          server.port(),
          config.dbUrl(),
          wiring.dictionary().source(),
          wiring.dictionary().current().map(s -> s.enabledStageCount()).orElse(0));
      return server;
    } catch (RuntimeException e) {
      if (http != null) closeAfter(e, http::stop);
      closeAfter(e, wiring::close);
      throw e;
    }
  }

  /** Closes what a failed start had opened; the start's own failure stays the one to tell. */
  private static void closeAfter(RuntimeException failure, Runnable close) {
    try {
      close.run();
    } catch (RuntimeException closing) {
      failure.addSuppressed(closing);
    }
  }

  /**
   * Sends the server's first request itself, alone, before ready answers 200: Javalin builds its
   * servlet's configuration lazily, without a lock, at the first request, and several first
   * requests arriving at once can fail inside it with an empty 500 (docs/reliability.md, "the very
   * first requests"). A plain socket, not an HTTP client: this is on the way to the first 200.
   * Bounded (2 s); a failure is logged and the start goes on.
   */
  static void sendFirstRequest(String host, int port) {
    String address = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), FIRST_REQUEST_BOUND_MILLIS);
      socket.setSoTimeout(FIRST_REQUEST_BOUND_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      if (statusLine == null || !statusLine.startsWith("HTTP/1.1 200"))
        log.warn("the server's own first request was answered {}", statusLine);
    } catch (IOException e) {
      log.warn("the server's own first request failed: {}", e.toString());
    }
  }

  private static final int FIRST_REQUEST_BOUND_MILLIS = 2_000;

  /** The port listened on (the actual one when configured with 0). */
  public int port() {
    return http.port();
  }

  public AppConfig config() {
    return config;
  }

  /**
   * Answers {@code GET /health/ready} with 503 at once, keeps serving for {@code OPP_STOP_DRAIN} so
   * that a load balancer stops sending requests here, then stops accepting, finishes requests in
   * flight (up to the stop timeout) and closes the store. An interrupt ends the drain early; the
   * stop then goes on as usual.
   */
  public synchronized void stop() {
    if (stopped) return;
    stopped = true;
    wiring.readiness().markStopping();
    boolean interrupted = drain(config.stopDrain());
    log.info("stopping: no new requests, finishing those in flight");
    try {
      http.stop();
    } catch (
        RuntimeException e) { // Javalin: requests still running after the stop timeout were cut off
      log.warn("requests still running after the stop timeout were cut off: {}", e.toString());
    } finally {
      wiring.close();
    }
    log.info("stopped; store closed");
    if (interrupted) Thread.currentThread().interrupt();
  }

  /** Serves on, ready at 503, for {@code drain}; returns whether an interrupt cut it short. */
  private static boolean drain(Duration drain) {
    if (drain.isZero()) return false;
    log.info("stopping: ready answers 503, serving on for {} before the stop", drain);
    try {
      Thread.sleep(drain.toMillis());
      return false;
    } catch (InterruptedException e) {
      log.info("stopping: the drain was interrupted, stopping now");
      return true;
    }
  }

  @Override
  public void close() {
    stop();
  }
}

package cn.opportunity.integration.adapter.http;

import cn.opportunity.integration.application.ApplyIntegrationUpdate;
import cn.opportunity.integration.application.CheckHealth;
import cn.opportunity.integration.application.GetOpportunity;
import cn.opportunity.integration.domain.DictionaryUnavailableException;
import cn.opportunity.integration.domain.Messages;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.StoreBusyException;
import cn.opportunity.integration.domain.StoreUnavailableException;
import cn.opportunity.integration.domain.UpdateRejectedException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of the service (CONTRACT.md §1–§3). The order of checks reads top to bottom:
 * request id → secret → content type → size → strict JSON → use case; every failure leaves through
 * the exception table below it, as the envelope with its status.
 */
public final class HttpApi {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  static final String API = "/api/opportunities/integration";
  static final String REQUEST_ID = "X-Request-Id";
  static final String SECRET = "X-Internal-Secret";

  /**
   * A caller's request id is echoed when it is 1–128 of these characters; else a new one ({@link
   * RequestIds}).
   */
  private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** How long {@code stop()} waits for requests in flight. */
  private static final long STOP_TIMEOUT_MILLIS = 10_000;

  private HttpApi() {}

  /**
   * A configured server, not started: the caller runs {@code start(host, port)} and, to stop
   * gracefully (requests in flight are finished, up to 10 s), {@code stop()}.
   */
  public static Javalin create(
      HttpApiConfig config, ApplyIntegrationUpdate update, GetOpportunity get, CheckHealth health) {
    SecretCheck secret = new SecretCheck(config);
    IntegrationEndpoints integration = new IntegrationEndpoints(update, get);
    HealthEndpoint healthEndpoint = new HealthEndpoint(health);
    return Javalin.create(
        app -> {
          app.startup.showJavalinBanner = false;
          app.startup.showOldJavalinVersionWarning = false;
          app.http.prefer405over404 = true; // a known path, a wrong method: 405
          app.http.maxRequestSize =
              IntegrationEndpoints.MAX_BODY_BYTES; // only if someone calls ctx.body()
          app.http.responseBufferSize =
              4_096; // the copy buffer of each answer (default: a new 32 KiB one)
          app.jetty.modifyServer(
              server -> {
                server.setStopTimeout(
                    STOP_TIMEOUT_MILLIS); // with Javalin's StatisticsHandler: a graceful stop
                server.setErrorHandler(
                    new EnvelopeErrorHandler()); // Jetty's own errors as the envelope too
                server.setRequestLog(new AccessLog());
              });

          // The order of checks. Content type, size and strict JSON are the first lines of
          // integration::update.
          app.routes.before(HttpApi::assignRequestId); // request id
          app.routes.before(
              API + "/*",
              ctx -> secret.check(secretHeaders(ctx), ctx.ip())); // 1. secret (429 / 401)
          app.routes.put(API + "/update", integration::update); // 2, 3, then 4–8
          app.routes.get(API + "/{opportunityCode}", integration::get);
          app.routes.get("/health", healthEndpoint::get);
          app.routes.get(OpenApiEndpoint.PATH, new OpenApiEndpoint()::get); // §5.8, no secret

          // The error table: every failure leaves as the envelope with its status.
          app.routes.exception(RequestRefused.class, HttpApi::answerThenDropBody);
          app.routes.exception(
              MalformedBodyException.class,
              (e, ctx) -> Envelope.failure(ctx, 400, HttpMessages.MALFORMED_BODY));
          app.routes.exception(
              UpdateRejectedException.class,
              (e, ctx) -> Envelope.failure(ctx, 400, e.getMessage()));
          app.routes.exception(
              OpportunityNotFoundException.class,
              (e, ctx) -> Envelope.failure(ctx, 404, Messages.NOT_FOUND));
          app.routes.exception(
              DictionaryUnavailableException.class,
              (e, ctx) -> Envelope.failure(ctx, 503, Messages.DICTIONARY_UNAVAILABLE));
          app.routes.exception(
              StoreBusyException.class,
              (e, ctx) -> {
                log.warn(
                    "request {} refused, the store is busy: {}", requestId(ctx), e.getMessage());
                Envelope.failure(ctx, 503, HttpMessages.SYSTEM_BUSY);
              });
          app.routes.exception(
              StoreUnavailableException.class,
              (e, ctx) -> { // full disk, read-only file, I/O error
                log.debug(
                    "request {} refused, the store cannot write: {}",
                    requestId(ctx),
                    e.getMessage()); // the store logs the streak
                Envelope.failure(ctx, 503, HttpMessages.SYSTEM_BUSY);
              });
          app.routes.exception(
              HttpResponseException.class, // unknown route, wrong method, …
              (e, ctx) ->
                  Envelope.failure(ctx, e.getStatus(), HttpMessages.forStatus(e.getStatus())));
          app.routes.exception(
              Exception.class,
              (e, ctx) -> { // StaleVersionException included
                log.error(
                    "request {} failed", requestId(ctx), e); // the stack trace reaches the log only
                Envelope.failure(ctx, 500, HttpMessages.SYSTEM_BUSY);
              });
          app.router.javaLangErrorHandler(
              (response, error) -> { // StackOverflowError, AssertionError, …
                log.error("request {} failed", response.getHeader(REQUEST_ID), error);
                response.setStatus(500);
                response.setContentType(Envelope.JSON_UTF8);
                try {
                  response
                      .getOutputStream()
                      .write(Envelope.json(new Envelope("-1", HttpMessages.SYSTEM_BUSY, null)));
                } catch (IOException ignored) {
                  // the client is gone
                }
              });
        });
  }

  /**
   * Loads and initialises what the server and its first request need — Javalin, Jetty, Jackson, the
   * JSON reader — without listening or serving: the service runs it on a thread of its own while
   * the main thread opens the store, so that a start on more than one core overlaps the two (the
   * idea of Spring Boot's background pre-initializer). Optional; nothing it makes is kept.
   */
  public static void preload() {
    try {
      Javalin.create(app -> app.startup.showJavalinBanner = false);
      Server server = new Server();
      server.addConnector(new ServerConnector(server));
      new ServletContextHandler();
      new StrictJsonReader()
          .read(
              "{\"opportunityCode\":\"P-1\",\"amount\":1.5,\"archived\":false}"
                  .getBytes(StandardCharsets.UTF_8));
      Envelope.json(new Envelope("0", "success", 1L));
    } catch (RuntimeException e) { // a start without it is only slower
      log.debug("preloading the HTTP classes failed: {}", e.toString());
    }
  }

  /**
   * A refusal of the HTTP layer never waits for the body: the answer leaves at once, with {@code
   * Connection: close}; then what is left of the body is read and dropped without a thread waiting
   * for it ({@link BodyReader#drop}, bounded in bytes and time), and the connection closes
   * (decisions.md, "Refusals do not wait for the body").
   */
  private static void answerThenDropBody(RequestRefused refusal, Context ctx) {
    HttpServletResponse response = ctx.res();
    byte[] answer = Envelope.json(new Envelope("-1", refusal.getMessage(), null));
    response.setStatus(refusal.status);
    response.setContentType(Envelope.JSON_UTF8);
    response.setHeader("Connection", "close");
    response.setContentLength(answer.length);
    try {
      response.getOutputStream().write(answer);
      response.flushBuffer();
    } catch (IOException gone) {
      return; // the client is gone: nothing left to drop
    }
    ctx.future(() -> BodyReader.drop(ctx.req()));
  }

  private static void assignRequestId(Context ctx) {
    String sent = ctx.header(REQUEST_ID);
    String id = sent != null && SANE_REQUEST_ID.matcher(sent).matches() ? sent : RequestIds.next();
    ctx.attribute(REQUEST_ID, id);
    ctx.header(REQUEST_ID, id);
  }

  /** Every value of the secret header: none when missing, two when sent twice. */
  private static List<String> secretHeaders(Context ctx) {
    return Collections.list(ctx.req().getHeaders(SECRET));
  }

  static String requestId(Context ctx) {
    Object id = ctx.attribute(REQUEST_ID);
    return id == null ? "-" : id.toString();
  }
}

package cn.opportunity.integration.adapter.http;

import cn.opportunity.integration.application.ApplyIntegrationUpdate;
import cn.opportunity.integration.application.CheckHealth;
import cn.opportunity.integration.application.GetOpportunity;
import cn.opportunity.integration.domain.DictionaryUnavailableException;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.UpdateRejectedException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Collections;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of the service (CONTRACT.md §1–§3). The order of checks reads top to bottom: request
 * id → secret → content type → size → strict JSON → use case; every failure leaves through the
 * exception table at the end, as the envelope with its status.
 */
public final class HttpApi {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private static final Logger access = LoggerFactory.getLogger("cn.opportunity.integration.access");

  static final String API = "/api/opportunities/integration";
  static final String REQUEST_ID = "X-Request-Id";
  static final String SECRET = "X-Internal-Secret";
  private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final long STOP_TIMEOUT_MILLIS = 10_000;

  private HttpApi() {}

  /** A configured server, not started: call {@code start(host, port)} and, to stop gracefully, {@code stop()}. */
  public static Javalin create(
      HttpApiConfig config, ApplyIntegrationUpdate update, GetOpportunity get, CheckHealth health) {
    SecretCheck secret = new SecretCheck(config.secrets(), config.authFailuresPerMinute());
    IntegrationEndpoints integration = new IntegrationEndpoints(update, get);
    HealthEndpoint healthEndpoint = new HealthEndpoint(health);
    return Javalin.create(app -> {
      app.startup.showJavalinBanner = false;
      app.startup.showOldJavalinVersionWarning = false;
      app.http.prefer405over404 = true;                                    // a known path, wrong method: 405
      app.jetty.modifyServer(server -> {
        server.setStopTimeout(STOP_TIMEOUT_MILLIS);
        server.setErrorHandler(new EnvelopeErrorHandler());                  // Jetty's own errors too
      });
      app.requestLogger.http((ctx, millis) -> access.info("{} {} {} {}ms id={} from={}",
          ctx.method(), ctx.path(), ctx.statusCode(), Math.round(millis), requestId(ctx), ctx.ip()));

      app.routes.before(ctx -> assignRequestId(ctx));                                         // request id
      app.routes.before(API + "/*", ctx ->
          secret.check(Collections.list(ctx.req().getHeaders(SECRET)), ctx.ip()));            // 1. secret
      app.routes.put(API + "/update", integration::update);                                  // 2–8
      app.routes.get(API + "/{opportunityCode}", integration::get);
      app.routes.get("/health", healthEndpoint::get);

      app.routes.exception(RequestRefused.class, (e, ctx) -> Envelope.failure(ctx, e.status, e.getMessage()));
      app.routes.exception(MalformedBodyException.class, (e, ctx) -> Envelope.failure(ctx, 400, HttpMessages.MALFORMED_BODY));
      app.routes.exception(UpdateRejectedException.class, (e, ctx) -> Envelope.failure(ctx, 400, e.getMessage()));
      app.routes.exception(OpportunityNotFoundException.class, (e, ctx) -> Envelope.failure(ctx, 404, e.getMessage()));
      app.routes.exception(DictionaryUnavailableException.class, (e, ctx) -> Envelope.failure(ctx, 503, e.getMessage()));
      app.routes.exception(HttpResponseException.class, (e, ctx) -> Envelope.failure(ctx, e.getStatus(), messageFor(e.getStatus())));
      app.routes.exception(Exception.class, (e, ctx) -> {
        log.error("request {} failed", requestId(ctx), e);   // the stack trace reaches the log only
        Envelope.failure(ctx, 500, HttpMessages.SYSTEM_BUSY);
      });
      app.routes.error(404, "*", ctx -> envelopeIfEmpty(ctx, 404));
      app.routes.error(405, "*", ctx -> envelopeIfEmpty(ctx, 405));
      app.router.javaLangErrorHandler((response, error) -> {
        log.error("request {} failed", response.getHeader(REQUEST_ID), error);
        response.setStatus(500);
        response.setContentType(Envelope.JSON_UTF8);
        try {
          response.getOutputStream().write(Envelope.json(new Envelope("-1", HttpMessages.SYSTEM_BUSY, null)));
        } catch (java.io.IOException ignored) {
          // the client is gone
        }
      });
    });
  }

  private static void assignRequestId(Context ctx) {
    String sent = ctx.header(REQUEST_ID);
    String id = sent != null && SANE_REQUEST_ID.matcher(sent).matches() ? sent : UUID.randomUUID().toString();
    ctx.attribute(REQUEST_ID, id);
    ctx.header(REQUEST_ID, id);
  }

  static String requestId(Context ctx) {
    Object id = ctx.attribute(REQUEST_ID);
    return id == null ? "-" : id.toString();
  }

  /** Javalin's own 404 and 405 (no such route or method) as the envelope, unless a handler answered. */
  private static void envelopeIfEmpty(Context ctx, int status) {
    if (ctx.result() == null || ctx.result().isEmpty() || !ctx.result().startsWith("{\"code\""))
      Envelope.failure(ctx, status, messageFor(status));
  }

  static String messageFor(int status) {
    return switch (status) {
      case 404 -> HttpMessages.NO_SUCH_ROUTE;
      case 405 -> HttpMessages.METHOD_NOT_ALLOWED;
      case 413 -> HttpMessages.BODY_TOO_LARGE;
      case 415 -> HttpMessages.UNSUPPORTED_MEDIA_TYPE;
      case 431 -> HttpMessages.HEADERS_TOO_LARGE;
      default -> status >= 500 ? HttpMessages.SYSTEM_BUSY : HttpMessages.BAD_REQUEST;
    };
  }
}

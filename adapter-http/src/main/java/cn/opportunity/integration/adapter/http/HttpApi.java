package cn.opportunity.integration.adapter.http;

import cn.opportunity.integration.application.ApplyIntegrationUpdate;
import cn.opportunity.integration.application.CheckHealth;
import cn.opportunity.integration.application.GetOpportunity;
import cn.opportunity.integration.application.ReadHistory;
import cn.opportunity.integration.application.ReadStageDictionary;
import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.ChangeSource;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of the service (CONTRACT.md §1–§3, §5). The order of checks reads top to bottom:
 * request id → secret → content type → size → strict JSON → use case; every failure leaves through
 * the exception table below it, as the envelope with its status.
 */
public final class HttpApi {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  static final String API = "/api/opportunities/integration";
  static final String REQUEST_ID = "X-Request-Id";
  static final String SECRET = "X-Internal-Secret";
  static final String STAGES = "/api/opportunities/stages";

  /** The request attribute holding how a refused request ended ({@link Outcome}), for metrics. */
  static final String OUTCOME = "cn.opportunity.integration.outcome";

  /** The request attribute holding the caller's name, once its secret was checked. */
  static final String CALLER = "cn.opportunity.integration.caller";

  /**
   * A caller's request id is echoed when it is 1–128 of these characters; else a new one ({@link
   * RequestIds}).
   */
  private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** How long {@code stop()} waits for requests in flight. */
  private static final long STOP_TIMEOUT_MILLIS = 10_000;

  private HttpApi() {}

  /** What the HTTP face serves: the use cases, each on the same store and dictionary. */
  public record UseCases(
      ApplyIntegrationUpdate update,
      GetOpportunity get,
      ReadHistory history,
      ReadStageDictionary stages,
      CheckHealth health) {

    /** Every use case over one store and one dictionary. */
    public static UseCases over(
        OpportunityStore store, FlowDictionary dictionary, UpdatePolicy policy, Clock clock) {
      return new UseCases(
          new ApplyIntegrationUpdate(store, dictionary, policy, clock),
          new GetOpportunity(store),
          new ReadHistory(store),
          new ReadStageDictionary(dictionary, clock),
          new CheckHealth(store, dictionary, clock));
    }
  }

  /**
   * A configured server, not started: the caller runs {@code start(host, port)} and, to stop
   * gracefully (requests in flight are finished, up to 10 s), {@code stop()}.
   */
  public static Javalin create(HttpApiConfig config, UseCases useCases) {
    return create(config, useCases, Readiness.serving());
  }

  /**
   * Like {@link #create(HttpApiConfig, UseCases)}, with {@code GET /health/ready} following {@code
   * readiness}, which the caller moves on as the service starts and stops.
   */
  public static Javalin create(HttpApiConfig config, UseCases useCases, Readiness readiness) {
    return create(config, useCases, readiness, Optional.empty());
  }

  /**
   * Like {@link #create(HttpApiConfig, UseCases, Readiness)}; with {@code metrics}, every answered
   * request is told to them and {@code GET /metrics} serves their text (CONTRACT §6). Without,
   * there is no {@code /metrics} route.
   */
  public static Javalin create(
      HttpApiConfig config, UseCases useCases, Readiness readiness, Optional<HttpMetrics> metrics) {
    SecretCheck secret = new SecretCheck(config);
    TrustedProxies proxies = config.trustedProxies();
    IntegrationEndpoints integration = new IntegrationEndpoints(useCases.update(), useCases.get());
    BatchEndpoint batch = new BatchEndpoint(useCases.update());
    HistoryEndpoint history = new HistoryEndpoint(useCases.history());
    StagesEndpoint stages = new StagesEndpoint(useCases.stages());
    HealthEndpoint healthEndpoint = new HealthEndpoint(useCases.health(), readiness);
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
                server.setRequestLog(new AccessLog(proxies));
              });

          // The order of checks. Content type, size, the update's headers and strict JSON are the
          // first lines of each update route.
          app.routes.before(HttpApi::assignRequestId); // request id
          Handler checkSecret = // 1. secret (429 / 401)
              ctx -> ctx.attribute(CALLER, secret.check(secretHeaders(ctx), caller(ctx, proxies)));
          app.routes.before(API + "/*", checkSecret);
          app.routes.before(STAGES, checkSecret);
          app.routes.put(API + "/update", integration::update); // 2, 3, then 4–8
          app.routes.put(API + "/batch-update", batch::update);
          app.routes.get(API + "/{opportunityCode}", integration::get);
          app.routes.get(API + "/{opportunityCode}/history", history::get);
          app.routes.get(STAGES, stages::get);
          app.routes.get("/health", healthEndpoint::get);
          app.routes.get(HealthEndpoint.LIVE, healthEndpoint::live); // §6, no secret
          app.routes.get(HealthEndpoint.READY, healthEndpoint::ready);
          app.routes.get(OpenApiEndpoint.PATH, new OpenApiEndpoint()::get); // §5.8, no secret
          metrics.ifPresent( // §6, no secret; off: no route, and nothing done per request
              m -> {
                app.routes.get(MetricsEndpoint.PATH, new MetricsEndpoint(m)::get);
                app.requestLogger.http(
                    (ctx, millis) ->
                        MetricsEndpoint.answered(m, ctx, millis, app.unsafe.internalRouter));
              });

          // The error table (Refusal): every failure leaves as the envelope with its status.
          app.routes.exception(RequestRefused.class, HttpApi::answerThenDropBody);
          app.routes.exception( // unknown route, wrong method: Javalin answers these itself else
              HttpResponseException.class,
              (e, ctx) -> Envelope.refused(ctx, Refusal.of(e, requestId(ctx))));
          app.routes.exception(
              Exception.class, (e, ctx) -> Envelope.refused(ctx, Refusal.of(e, requestId(ctx))));
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
    ctx.attribute(OUTCOME, Outcome.ofStatus(refusal.status)); // for the request metrics
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

  /** The caller's address ({@link TrustedProxies#callerAddress}): what the throttle counts. */
  private static String caller(Context ctx, TrustedProxies proxies) {
    if (proxies.isEmpty()) return ctx.ip();
    return proxies.callerAddress(
        ctx.ip(), Collections.list(ctx.req().getHeaders(TrustedProxies.FORWARDED_FOR)));
  }

  /** Every value of the secret header: none when missing, two when sent twice. */
  private static List<String> secretHeaders(Context ctx) {
    return Collections.list(ctx.req().getHeaders(SECRET));
  }

  /** Who sent the request (the secret check named it) and how, for the history. */
  static ChangeOrigin origin(Context ctx, ChangeSource source) {
    Object caller = ctx.attribute(CALLER);
    return new ChangeOrigin(caller == null ? "-" : caller.toString(), requestId(ctx), source);
  }

  static String requestId(Context ctx) {
    Object id = ctx.attribute(REQUEST_ID);
    return id == null ? "-" : id.toString();
  }
}

package cn.opportunity.integration.adapter.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.javalin.router.InternalRouter;
import io.javalin.router.ParsedEndpoint;

/**
 * {@code GET /metrics} (CONTRACT §6): the metrics' text, no secret; and what each answered request
 * tells them — its route's template (never the path as sent), status and {@link Outcome}.
 */
final class MetricsEndpoint {
  static final String PATH = "/metrics";

  private final HttpMetrics metrics;

  MetricsEndpoint(HttpMetrics metrics) {
    this.metrics = metrics;
  }

  void get(Context ctx) {
    ctx.status(200).contentType(metrics.contentType()).result(metrics.scrape());
  }

  /** Javalin's request logger: called once the request is answered, refused ones too. */
  static void answered(HttpMetrics metrics, Context ctx, Float millis, InternalRouter router) {
    Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
    if (endpoint == null) { // refused before its route ran (401, 429): the route it asked for
      ParsedEndpoint asked = router.findFirstHttpHandlerEntry(ctx.method(), ctx.path());
      if (asked != null) endpoint = asked.endpoint;
    }
    int status = ctx.statusCode();
    Outcome outcome =
        ctx.attribute(HttpApi.OUTCOME) instanceof Outcome refused
            ? refused
            : Outcome.ofStatus(status);
    metrics.answered(
        endpoint == null ? HttpMetrics.UNMATCHED_ROUTE : endpoint.path,
        status,
        outcome,
        (long) (millis * 1_000_000.0));
  }
}

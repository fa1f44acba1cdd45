package cn.opportunity.integration.adapter.http;

/**
 * The service's metrics as the HTTP face sees them (CONTRACT §6): it tells them of every answered
 * request and serves their text at {@code GET /metrics}. Implemented where the metrics library is
 * (bootstrap); without one, the server has no {@code /metrics} route and pays nothing per request.
 */
public interface HttpMetrics {
  /** The {@code route} of a request that no route served. */
  String UNMATCHED_ROUTE = "unmatched";

  /**
   * One answered request. Every value is bounded: {@code route} is a route's template (such as
   * {@code /api/opportunities/integration/{opportunityCode}}) or {@link #UNMATCHED_ROUTE}, never
   * the path as sent.
   *
   * @param nanos from the start of the request to its answer
   */
  void answered(String route, int status, Outcome outcome, long nanos);

  /** The body of {@code GET /metrics}. */
  String scrape();

  /** Its {@code Content-Type}. */
  String contentType();
}

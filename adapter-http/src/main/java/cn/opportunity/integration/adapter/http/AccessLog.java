package cn.opportunity.integration.adapter.http;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.NanoTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request, written by Jetty once the answer is complete, so requests Jetty refuses
 * before any route (431, malformed HTTP) get one too: method, path (without query), status,
 * duration, request id and remote address. Never a header value or a body.
 */
final class AccessLog implements RequestLog {
  static final String LOGGER = "cn.opportunity.integration.access";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  @Override
  public void log(Request request, Response response) {
    String requestId = response.getHeaders().get(HttpApi.REQUEST_ID);
    log.info("{} {} {} {}ms id={} from={}",
        request.getMethod(),
        request.getHttpURI().getPath(),
        response.getStatus(),
        NanoTime.millisSince(request.getBeginNanoTime()),
        requestId == null ? "-" : requestId,
        Request.getRemoteAddr(request));
  }
}

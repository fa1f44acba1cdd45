package cn.opportunity.integration.adapter.http;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the errors Jetty produces itself, before any route runs (431 for oversized headers, 400
 * for malformed HTTP, …), with the envelope too, for every method — Jetty's own handler writes
 * bodies for GET, POST and HEAD only. Never a stack trace.
 */
final class EnvelopeErrorHandler extends ErrorHandler {

  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  /** Errors while parsing the request, before there is one to route. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, Envelope.JSON_UTF8);
    fields.put(HttpApi.REQUEST_ID, RequestIds.next());
    return ByteBuffer.wrap(body(status));
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int status,
      String message,
      Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Envelope.JSON_UTF8);
    if (!response.getHeaders().contains(HttpApi.REQUEST_ID))
      response.getHeaders().put(HttpApi.REQUEST_ID, RequestIds.next());
    response.write(true, ByteBuffer.wrap(body(status)), callback);
  }

  private static byte[] body(int status) {
    return Envelope.json(new Envelope("-1", HttpMessages.forStatus(status), null));
  }
}

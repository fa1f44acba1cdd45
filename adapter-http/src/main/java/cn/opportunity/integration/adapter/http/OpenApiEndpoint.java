package cn.opportunity.integration.adapter.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json} (CONTRACT §5.8): the OpenAPI 3.1 document kept in the repository
 * ({@code adapter-http/src/main/resources/openapi.json}), served as it is from the classpath, read
 * once. No secret.
 */
final class OpenApiEndpoint {
  static final String PATH = "/openapi.json";
  private static final String RESOURCE = "/openapi.json";

  private final byte[] document;

  OpenApiEndpoint() {
    this.document = read(RESOURCE);
  }

  void get(Context ctx) {
    ctx.status(200).contentType(Envelope.JSON_UTF8).result(document);
  }

  static byte[] read(String resource) {
    try (InputStream in = OpenApiEndpoint.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(resource + " is not on the classpath");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}

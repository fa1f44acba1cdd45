package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.opportunity.integration.adapter.http.OpenApiAnswers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar serves the OpenAPI document (CONTRACT §5.8) without a secret, as kept. */
class OpenApiIT {
  @TempDir Path dir;

  @Test
  void servesTheOpenApiDocumentFromTheJar() throws Exception {
    Map<String, String> environment =
        JarProcess.environment("jdbc:sqlite:" + dir.resolve("openapi.db"));
    try (JarProcess server = JarProcess.start(dir, environment)) {
      int port = server.awaitListening(Duration.ofSeconds(30));
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/openapi.json"))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertEquals(200, response.statusCode(), response.body());
      OpenApiAnswers.assertValid(response);
      assertEquals(OpenApiAnswers.document(), ServiceHarness.json(response.body()));
    }
  }
}

package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: the demo answers the seed's curl, as printed, with success. */
class DemoIT {
  @TempDir Path dir;

  @Test
  void answersTheSeedsCurlAsPrinted() throws Exception {
    try (JarProcess demo =
        JarProcess.start(dir, Map.of("OPP_HTTP_PORT", "0", "OPP_HTTP_HOST", "127.0.0.1"), "demo")) {
      demo.awaitOutput("Read it back:", Duration.ofSeconds(30));
      String output = demo.output();
      Matcher secret = Pattern.compile("Secret for this run:\\s+([0-9a-f]{64})").matcher(output);
      Matcher url =
          Pattern.compile(
                  "curl -X PUT '(http://localhost:\\d+/api/opportunities/integration/update)'")
              .matcher(output);
      Matcher body = Pattern.compile("-d '(\\{.*})'").matcher(output);
      assertTrue(secret.find() && url.find() && body.find(), output);
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url.group(1)))
                      .header("Content-Type", "application/json")
                      .header("X-Internal-Secret", secret.group(1))
                      .PUT(
                          HttpRequest.BodyPublishers.ofString(
                              body.group(1), StandardCharsets.UTF_8))
                      .build(),
                  HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertEquals(200, response.statusCode(), response.body());
      assertEquals("{\"code\":\"0\",\"msg\":\"success\",\"data\":1}", response.body());
      assertTrue(Files.exists(dir.resolve("data").resolve("demo.db")));
    }
  }
}

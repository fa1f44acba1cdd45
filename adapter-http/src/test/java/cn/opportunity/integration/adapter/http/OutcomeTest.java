package cn.opportunity.integration.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The outcome a status says when no refusal named a finer one, and the label of each. */
class OutcomeTest {
  @ParameterizedTest
  @CsvSource({
    "200, success",
    "204, success",
    "400, bad_request",
    "401, unauthorized",
    "404, no_route",
    "405, no_route",
    "408, timeout",
    "412, version_mismatch",
    "413, too_large",
    "414, bad_request",
    "415, unsupported_media_type",
    "429, throttled",
    "431, bad_request",
    "500, error",
    "502, error",
    "503, unavailable",
    "302, error"
  })
  void saysWhatItsStatusSays(int status, String label) {
    assertEquals(label, Outcome.ofStatus(status).label());
  }
}

package cn.opportunity.integration.adapter.http;

import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * What the HTTP adapter needs to know.
 *
 * @param secrets the accepted values of {@code X-Internal-Secret} (several during a rotation)
 * @param authFailuresPerMinute failed secrets from one address within a minute before that address
 *     gets 429 for the rest of the minute
 * @param clock the time of the failure counter
 */
public record HttpApiConfig(List<String> secrets, int authFailuresPerMinute, Clock clock) {
  public static final int DEFAULT_AUTH_FAILURES_PER_MINUTE = 10;

  public HttpApiConfig {
    secrets = List.copyOf(secrets);
    if (secrets.isEmpty()) throw new IllegalArgumentException("at least one secret");
    if (secrets.stream().anyMatch(String::isEmpty))
      throw new IllegalArgumentException("an empty secret");
    if (authFailuresPerMinute < 1)
      throw new IllegalArgumentException("authFailuresPerMinute must be positive");
    Objects.requireNonNull(clock, "clock");
  }

  /** The secrets, 10 failures a minute, the system clock. */
  public static HttpApiConfig of(List<String> secrets) {
    return new HttpApiConfig(secrets, DEFAULT_AUTH_FAILURES_PER_MINUTE, Clock.systemUTC());
  }
}

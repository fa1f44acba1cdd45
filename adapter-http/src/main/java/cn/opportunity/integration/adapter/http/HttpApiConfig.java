package cn.opportunity.integration.adapter.http;

import java.util.List;

/**
 * What the HTTP adapter needs to know.
 *
 * @param secrets the accepted values of {@code X-Internal-Secret} (several during a rotation)
 * @param authFailuresPerMinute failures from one address within a minute before it gets 429s
 */
public record HttpApiConfig(List<String> secrets, int authFailuresPerMinute) {
  public HttpApiConfig {
    secrets = List.copyOf(secrets);
    if (secrets.isEmpty()) throw new IllegalArgumentException("at least one secret");
    if (authFailuresPerMinute < 1) throw new IllegalArgumentException("authFailuresPerMinute must be positive");
  }

  public static HttpApiConfig of(List<String> secrets) {
    return new HttpApiConfig(secrets, 10);
  }
}

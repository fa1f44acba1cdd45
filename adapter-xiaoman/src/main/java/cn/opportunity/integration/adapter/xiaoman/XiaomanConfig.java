package cn.opportunity.integration.adapter.xiaoman;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach the Xiaoman (OKKI) open API. {@link #toString()} never shows the client secret or
 * the password.
 *
 * @param password the user's password in clear; only its SHA-256 hex digest is ever sent
 */
public record XiaomanConfig(
    URI baseUrl,
    String clientId,
    String clientSecret,
    GrantType grantType,
    Optional<String> username,
    Optional<String> password,
    String scope,
    Duration connectTimeout,
    Duration requestTimeout) {

  public enum GrantType {
    CLIENT_CREDENTIALS("client_credentials"),
    PASSWORD("password");

    final String wireName;

    GrantType(String wireName) {
      this.wireName = wireName;
    }
  }

  public XiaomanConfig {
    Objects.requireNonNull(baseUrl);
    Objects.requireNonNull(clientId);
    Objects.requireNonNull(clientSecret);
    Objects.requireNonNull(grantType);
    if (grantType == GrantType.PASSWORD && (username.isEmpty() || password.isEmpty()))
      throw new IllegalArgumentException("the password grant needs a username and a password");
  }

  /**
   * How long one whole reload (tokens and every selector call, retries and waits included) may
   * take: four request timeouts, 40 s by default. Enough for a slow but working Xiaoman; a stalled
   * one fails the reload by then, and the snapshot in force stays.
   */
  public Duration reloadBound() {
    return requestTimeout.multipliedBy(4);
  }

  @Override
  public String toString() {
    return "XiaomanConfig[baseUrl="
        + baseUrl
        + ", clientId="
        + clientId
        + ", grantType="
        + grantType.wireName
        + ", username="
        + username.orElse("-")
        + ", scope="
        + scope
        + ", connectTimeout="
        + connectTimeout
        + ", requestTimeout="
        + requestTimeout
        + "]";
  }
}

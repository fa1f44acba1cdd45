package cn.opportunity.integration.adapter.xiaoman;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

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

  /**
   * The settings that decide what a dictionary fetch returns, by the name an operator sets them
   * with: one {@code NAME=value} line each, in a fixed order, the flow ids sorted; never the client
   * secret or the password. Instances whose texts differ would fetch different dictionaries.
   *
   * @param flowIds the flows whose stages count; empty: every usable flow
   */
  public String fetchSettings(List<String> flowIds) {
    String url = baseUrl.toString();
    return String.join(
        "\n",
        "XIAOMAN_BASE_URL=" + (url.endsWith("/") ? url.substring(0, url.length() - 1) : url),
        "XIAOMAN_CLIENT_ID=" + clientId,
        "XIAOMAN_GRANT_TYPE=" + grantType.wireName,
        "XIAOMAN_USERNAME=" + (grantType == GrantType.PASSWORD ? username.orElse("") : ""),
        "XIAOMAN_SCOPE=" + scope,
        "XIAOMAN_FLOW_IDS=" + String.join(",", new TreeSet<>(flowIds)));
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

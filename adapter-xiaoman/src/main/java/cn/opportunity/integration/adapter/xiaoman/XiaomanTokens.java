package cn.opportunity.integration.adapter.xiaoman;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Access tokens of the open API: reused until shortly before they expire (8 hours when Xiaoman does
 * not say), renewed with the refresh token where the grant gave one, fetched anew when that is
 * refused. One request at a time: callers that find the token expired wait for the one renewal.
 */
final class XiaomanTokens {
  static final Duration DEFAULT_LIFETIME = Duration.ofHours(8);
  static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(5);

  private record Token(String access, Optional<String> refresh, Instant renewAt) {}

  private final XiaomanConfig config;
  private final XiaomanHttp http;
  private final Clock clock;
  private Token current;

  XiaomanTokens(XiaomanConfig config, XiaomanHttp http, Clock clock) {
    this.config = config;
    this.http = http;
    this.clock = clock;
  }

  /** A valid access token, renewed first (by {@code deadline}) if needed. */
  synchronized String token(XiaomanHttp.Deadline deadline) {
    if (current == null || !clock.instant().isBefore(current.renewAt())) current = renew(deadline);
    return current.access();
  }

  /**
   * Xiaoman refused {@code used}: the next {@link #token} renews it (unless another did already).
   */
  synchronized void invalidate(String used) {
    if (current != null && current.access().equals(used))
      current = new Token(current.access(), current.refresh(), Instant.MIN);
  }

  private Token renew(XiaomanHttp.Deadline deadline) {
    if (current != null && current.refresh().isPresent()) {
      try {
        return request(
            "/v1/oauth2/refresh_token",
            "refresh token",
            deadline,
            Map.of(
                "grant_type", "refresh_token",
                "refresh_token", current.refresh().get(),
                "client_id", config.clientId(),
                "client_secret", config.clientSecret()));
      } catch (XiaomanException refused) {
        if (refused.kind() == XiaomanException.Kind.UNAVAILABLE) throw refused;
        // a revoked or expired refresh token: a new grant follows
      }
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", config.grantType().wireName);
    form.put("client_id", config.clientId());
    form.put("client_secret", config.clientSecret());
    form.put("scope", config.scope());
    if (config.grantType() == XiaomanConfig.GrantType.PASSWORD) {
      form.put("username", config.username().orElseThrow());
      form.put("password", sha256Hex(config.password().orElseThrow()));
    }
    return request("/v1/oauth2/access_token", "access token", deadline, form);
  }

  private Token request(
      String path, String what, XiaomanHttp.Deadline deadline, Map<String, String> form) {
    HttpRequest request =
        HttpRequest.newBuilder(config.baseUrl().resolve(path))
            .timeout(config.requestTimeout())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(formEncoded(form)))
            .build();
    Instant asked = clock.instant();
    XiaomanHttp.Reply reply = http.send(request, "POST " + what, deadline);
    JsonNode body = reply.body();
    if (reply.status() != 200
        || !body.path("access_token").isTextual()
        || body.path("access_token").asText().isBlank()) {
      String message =
          firstText(body, "error_description", "message", "msg", "error")
              .orElse("HTTP " + reply.status());
      throw new XiaomanException(
          XiaomanException.Kind.AUTHENTICATION, "POST " + what + " refused: " + message);
    }
    Duration lifetime =
        TolerantJson.longValue(body.get("expires_in"))
            .filter(s -> s > 0)
            .map(Duration::ofSeconds)
            .orElse(DEFAULT_LIFETIME);
    Duration early =
        lifetime.dividedBy(2).compareTo(RENEW_BEFORE_EXPIRY) < 0
            ? lifetime.dividedBy(2)
            : RENEW_BEFORE_EXPIRY;
    Optional<String> refresh = firstText(body, "refresh_token");
    return new Token(body.get("access_token").asText(), refresh, asked.plus(lifetime).minus(early));
  }

  private static Optional<String> firstText(JsonNode body, String... names) {
    for (String name : names) {
      JsonNode node = body.get(name);
      if (node != null && node.isTextual() && !node.asText().isBlank())
        return Optional.of(node.asText());
    }
    return Optional.empty();
  }

  private static String formEncoded(Map<String, String> form) {
    return form.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}

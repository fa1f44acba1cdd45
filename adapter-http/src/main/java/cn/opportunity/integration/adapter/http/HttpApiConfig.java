package cn.opportunity.integration.adapter.http;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the HTTP adapter needs to know.
 *
 * @param callers who may call, each with the secret it sends in {@code X-Internal-Secret} (several
 *     secrets of one name during a rotation)
 * @param authFailuresPerMinute failed secrets from one address within a minute before that address
 *     gets 429 for the rest of the minute
 * @param clock the time of the failure counter
 * @param trustedProxies whose {@code X-Forwarded-For} names the caller's address (CONTRACT.md §6)
 */
public record HttpApiConfig(
    List<Caller> callers, int authFailuresPerMinute, Clock clock, TrustedProxies trustedProxies) {
  public static final int DEFAULT_AUTH_FAILURES_PER_MINUTE = 10;

  /**
   * A caller's name (CONTRACT.md §5.1): recorded with its changes and in the access log, where its
   * secret never appears.
   */
  public static final Pattern CALLER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

  /** A calling system: its name and one secret it may send. */
  public record Caller(String name, String secret) {
    public Caller {
      if (!CALLER_NAME.matcher(name).matches())
        throw new IllegalArgumentException("a caller's name is 1–32 of A-Z a-z 0-9 _ . -");
      Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
      return "Caller[" + name + "]"; // never the secret
    }
  }

  public HttpApiConfig {
    callers = List.copyOf(callers);
    if (callers.isEmpty()) throw new IllegalArgumentException("at least one secret");
    if (callers.stream().anyMatch(caller -> caller.secret().isEmpty()))
      throw new IllegalArgumentException("an empty secret");
    if (authFailuresPerMinute < 1)
      throw new IllegalArgumentException("authFailuresPerMinute must be positive");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(trustedProxies, "trustedProxies");
  }

  /** No trusted proxy: every caller is its TCP peer. */
  public HttpApiConfig(List<Caller> callers, int authFailuresPerMinute, Clock clock) {
    this(callers, authFailuresPerMinute, clock, TrustedProxies.NONE);
  }

  /**
   * The secrets, each named {@code caller-N} by its place, 10 failures a minute, the system clock.
   */
  public static HttpApiConfig of(List<String> secrets) {
    return new HttpApiConfig(unnamed(secrets), DEFAULT_AUTH_FAILURES_PER_MINUTE, Clock.systemUTC());
  }

  /** Bare secrets, each named {@code caller-N}, N its 1-based place. */
  public static List<Caller> unnamed(List<String> secrets) {
    List<Caller> callers = new ArrayList<>(secrets.size());
    for (int i = 0; i < secrets.size(); i++)
      callers.add(new Caller("caller-" + (i + 1), secrets.get(i)));
    return callers;
  }
}

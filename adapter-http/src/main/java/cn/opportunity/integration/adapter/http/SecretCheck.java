package cn.opportunity.integration.adapter.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shared-secret check (step 1 of the order of checks). Constant time: the SHA-256 of the sent
 * value is compared with {@link MessageDigest#isEqual} against the SHA-256 of every configured
 * secret, all of them every time. An address with {@code failuresPerMinute} failures within a
 * minute of its first one is refused with 429 until that minute is over, before any comparison;
 * other addresses are never affected. The secret itself is never kept, logged or echoed.
 */
final class SecretCheck {
  private static final long WINDOW_MILLIS = 60_000;

  /** Past this many addresses, windows that are over are forgotten. */
  private static final int PURGE_ABOVE = 10_000;

  private final List<byte[]> secretDigests;
  private final List<String> names; // of the secret at the same place
  private final int failuresPerMinute;
  private final Clock clock;
  private final Map<String, Window> failuresByAddress = new ConcurrentHashMap<>();

  /** The failures of one address since {@code start} (epoch millis). */
  private static final class Window {
    final long start;
    volatile int failures; // written inside compute(), read by check() on other threads

    Window(long start) {
      this.start = start;
    }

    boolean isOverAt(long now) {
      return now - start >= WINDOW_MILLIS || now < start; // a clock set back ends the window too
    }
  }

  SecretCheck(HttpApiConfig config) {
    this.secretDigests = config.callers().stream().map(caller -> sha256(caller.secret())).toList();
    this.names = config.callers().stream().map(HttpApiConfig.Caller::name).toList();
    this.failuresPerMinute = config.authFailuresPerMinute();
    this.clock = config.clock();
  }

  /**
   * @param sent every value of the header, as sent (none when it is missing)
   * @param address the caller's address: the TCP peer, or what its trusted proxies forwarded
   * @return the name of the caller whose secret was sent
   * @throws RequestRefused 429 for an address over its limit, 401 for a missing, empty, repeated or
   *     wrong secret
   */
  String check(List<String> sent, String address) {
    long now = clock.millis();
    Window window = failuresByAddress.get(address);
    if (window != null && !window.isOverAt(now) && window.failures >= failuresPerMinute)
      throw new RequestRefused(429, HttpMessages.TOO_MANY_AUTH_FAILURES);
    int caller = sent.size() == 1 ? matching(sent.get(0)) : -1;
    if (caller < 0) {
      recordFailure(address, now);
      throw new RequestRefused(401, HttpMessages.AUTH_FAILED);
    }
    return names.get(caller);
  }

  /** The place of the first secret that {@code sent} is; -1 when none. Compares with all. */
  private int matching(String sent) {
    byte[] digest = sha256(sent);
    int matched = -1;
    for (int i = secretDigests.size() - 1; i >= 0; i--) { // no short-circuit
      if (MessageDigest.isEqual(secretDigests.get(i), digest)) matched = i;
    }
    return sent.isEmpty() ? -1 : matched;
  }

  // failures++ runs inside compute(), which the ConcurrentHashMap runs one at a time per key: no
  // update is lost. The field is volatile only so that check() on other threads reads it fresh.
  @SuppressWarnings("NonAtomicVolatileUpdate")
  private void recordFailure(String address, long now) {
    if (failuresByAddress.size() > PURGE_ABOVE)
      failuresByAddress.values().removeIf(w -> w.isOverAt(now));
    failuresByAddress.compute(
        address,
        (key, window) -> {
          Window current = window == null || window.isOverAt(now) ? new Window(now) : window;
          current.failures++;
          return current;
        });
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}

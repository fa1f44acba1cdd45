package cn.opportunity.integration.adapter.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The shared-secret check: constant time (SHA-256 of each side, compared with {@link
 * MessageDigest#isEqual}, every configured secret compared), and an address that keeps failing is
 * refused for the rest of its minute before any comparison. Successes from elsewhere never count.
 */
final class SecretCheck {
  private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final int MAX_TRACKED_ADDRESSES = 10_000;

  private final List<byte[]> secretDigests;
  private final int failuresPerMinute;
  private final Map<String, Window> failuresByAddress = new ConcurrentHashMap<>();

  /** Failures of one address since {@code start}. */
  private static final class Window {
    final long start;
    volatile int failures;   // written inside compute(), read by check() on other threads

    Window(long start) {
      this.start = start;
    }
  }

  SecretCheck(List<String> secrets, int failuresPerMinute) {
    this.secretDigests = secrets.stream().map(SecretCheck::sha256).toList();
    this.failuresPerMinute = failuresPerMinute;
  }

  /**
   * @param given every value of the header, as sent
   * @throws RequestRefused 429 for an address over its limit, 401 for a missing or wrong secret
   */
  void check(List<String> given, String address) {
    long now = System.nanoTime();
    Window window = failuresByAddress.get(address);
    if (window != null && now - window.start < WINDOW_NANOS && window.failures >= failuresPerMinute)
      throw new RequestRefused(429, HttpMessages.TOO_MANY_AUTH_FAILURES);
    if (given.size() != 1 || !matches(given.get(0))) {
      recordFailure(address, now);
      throw new RequestRefused(401, HttpMessages.AUTH_FAILED);
    }
  }

  private boolean matches(String given) {
    byte[] digest = sha256(given);
    boolean matched = false;
    for (byte[] secret : secretDigests) matched |= MessageDigest.isEqual(secret, digest);
    return matched;
  }

  private void recordFailure(String address, long now) {
    if (failuresByAddress.size() > MAX_TRACKED_ADDRESSES)
      failuresByAddress.values().removeIf(w -> now - w.start >= WINDOW_NANOS);
    failuresByAddress.compute(address, (key, window) -> {
      Window current = window == null || now - window.start >= WINDOW_NANOS ? new Window(now) : window;
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

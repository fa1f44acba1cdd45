package cn.opportunity.integration.adapter.http;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New request ids: random version-4 UUIDs drawn from {@link ThreadLocalRandom}. An id only ties an
 * answer to its log line, it guards nothing; {@link UUID#randomUUID()} would draw from one shared
 * {@code SecureRandom}, a lock (and reads of {@code /dev/urandom}) every request would queue for.
 */
final class RequestIds {
  private RequestIds() {}

  static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long low =
        (random.nextLong() & ~0xC000_0000_0000_0000L) | 0x8000_0000_0000_0000L; // IETF variant
    return new UUID(high, low).toString();
  }
}

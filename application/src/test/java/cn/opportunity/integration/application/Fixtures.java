package cn.opportunity.integration.application;

import cn.opportunity.integration.domain.update.SentFields;
import cn.opportunity.integration.domain.update.SentValue;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Shared values of the use-case tests. */
final class Fixtures {
  private Fixtures() {}

  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  static final Instant NOW = Instant.parse("2026-05-01T08:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String CODE = "OPP-20260401-001";

  /**
   * Name/value pairs in the order sent: String → text, Long → number, BigDecimal → number, Boolean
   * → bool, a SentValue as it is, null → JSON null.
   */
  static SentFields sent(Object... pairs) {
    SentFields.Builder builder = SentFields.builder();
    for (int i = 0; i < pairs.length; i += 2) {
      String name = (String) pairs[i];
      Object value = pairs[i + 1];
      if (value == null) builder.put(name, null);
      else if (value instanceof String s) builder.text(name, s);
      else if (value instanceof Long n) builder.number(name, n);
      else if (value instanceof BigDecimal n) builder.number(name, n);
      else if (value instanceof Boolean b) builder.bool(name, b);
      else if (value instanceof SentValue v) builder.put(name, v);
      else throw new IllegalArgumentException(String.valueOf(value));
    }
    return builder.build();
  }
}

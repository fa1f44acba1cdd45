package cn.opportunity.integration.domain.update;

import java.math.BigDecimal;
import java.util.Objects;

/** One non-null value as a caller sent it, with its JSON type; the rules decide what it may be. */
public sealed interface SentValue {

  /** A JSON string. */
  record Text(String value) implements SentValue {
    public Text {
      Objects.requireNonNull(value);
    }
  }

  /**
   * A JSON number, exactly. {@code integral} when it was written as a plain integer, without a
   * fraction or an exponent ({@code 12}, not {@code 12.0} or {@code 1.2e1}).
   */
  record Numeric(BigDecimal value, boolean integral) implements SentValue {
    public Numeric {
      Objects.requireNonNull(value);
    }
  }

  /** A JSON {@code true} or {@code false}. */
  record Bool(boolean value) implements SentValue {}

  /** A JSON object or array: never a valid field value. */
  record Composite() implements SentValue {}

  static SentValue text(String value) {
    return new Text(value);
  }

  static SentValue number(long value) {
    return new Numeric(BigDecimal.valueOf(value), true);
  }

  static SentValue number(BigDecimal value) {
    // Only a plain integer literal parses to scale 0: 1.0 has scale 1, 1e3 has scale -3.
    return new Numeric(value, value.scale() == 0);
  }

  static SentValue bool(boolean value) {
    return new Bool(value);
  }
}

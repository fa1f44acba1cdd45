package cn.opportunity.integration.domain;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * A positive amount of money below 10^15, exact, with two decimal places (7.5 and 7.50 are equal).
 */
public record Amount(BigDecimal value) {
  /** Amounts are strictly below this. */
  public static final BigDecimal LIMIT = BigDecimal.TEN.pow(15);

  public static final int MAX_SCALE = 2;

  public Amount {
    if (!isPositive(value) || !isBelowLimit(value) || !hasAtMostTwoDecimals(value))
      throw new IllegalArgumentException(
          "not a valid amount: " + value); // never toPlainString: 1e1000000000
    value = value.setScale(MAX_SCALE, RoundingMode.UNNECESSARY);
  }

  /** An amount from a number of cents (分), the unit stores keep. */
  public static Amount ofCents(long cents) {
    return new Amount(BigDecimal.valueOf(cents, MAX_SCALE));
  }

  public long cents() {
    return value.movePointRight(MAX_SCALE).longValueExact();
  }

  public static boolean isPositive(BigDecimal value) {
    return value.signum() > 0;
  }

  /** Cheap even for values such as 1e1000000000: compares magnitudes without expanding them. */
  public static boolean isBelowLimit(BigDecimal value) {
    return value.compareTo(LIMIT) < 0;
  }

  /**
   * Cheap for 1e-1000000000 and for a 60,000-digit {@code 1.000…0} alike: the digits past the
   * second decimal are tested at once, never stripped one by one (which takes seconds on long
   * input).
   */
  public static boolean hasAtMostTwoDecimals(BigDecimal value) {
    if (value.signum() == 0 || value.scale() <= MAX_SCALE) return true;
    long excess =
        (long) value.scale() - MAX_SCALE; // these last digits of the unscaled value must all be 0
    if (excess >= value.precision())
      return false; // a non-zero integer has fewer trailing zeros than digits
    return value.unscaledValue().mod(BigInteger.TEN.pow((int) excess)).signum() == 0;
  }

  @Override
  public String toString() {
    return value.toPlainString();
  }
}

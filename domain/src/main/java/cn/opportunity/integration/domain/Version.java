package cn.opportunity.integration.domain;

/** Starts at 1 and grows by exactly one with every accepted change of at least one value. */
public record Version(long value) {
  public static final Version FIRST = new Version(1);

  public Version {
    if (value < 1) throw new IllegalArgumentException("versions start at 1: " + value);
  }

  public Version next() {
    return new Version(Math.addExact(value, 1));
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}

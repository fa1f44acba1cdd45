package cn.opportunity.integration.domain;

import java.util.Optional;

/**
 * The business key (商机编号) an external system finds an opportunity by: trimmed, 1–64 characters.
 * Codes are ordered by their Unicode code points, which is the order of their UTF-8 bytes: the
 * order in which a database compares text byte by byte (SQLite's default, PostgreSQL's {@code
 * COLLATE "C"}), unlike {@link String#compareTo}, which puts U+FF21 after U+1F600.
 */
public record OpportunityCode(String value) implements Comparable<OpportunityCode> {
  public static final int MAX_LENGTH = 64;

  public OpportunityCode {
    value = Text.trim(value);
    if (!isValid(value))
      throw new IllegalArgumentException("not a valid opportunity code: " + value);
  }

  /**
   * The code for raw input, when it is one: surrounding white space ({@link Text#trim}) is ignored.
   */
  public static Optional<OpportunityCode> parse(String raw) {
    String stripped = Text.trim(raw);
    return isValid(stripped) ? Optional.of(new OpportunityCode(stripped)) : Optional.empty();
  }

  private static boolean isValid(String stripped) {
    return !stripped.isEmpty() && Text.length(stripped) <= MAX_LENGTH;
  }

  @Override
  public int compareTo(OpportunityCode other) {
    String a = value;
    String b = other.value;
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) return Integer.compare(x, y);
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  @Override
  public String toString() {
    return value;
  }
}

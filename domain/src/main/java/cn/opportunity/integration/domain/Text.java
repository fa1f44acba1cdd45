package cn.opportunity.integration.domain;

/**
 * How the contract treats text: it counts in Unicode characters (code points), so 一 and 😀 are one
 * each; and where it trims (codes and checked values), it trims Unicode white space.
 */
public final class Text {
  private Text() {}

  public static int length(String text) {
    return text.codePointCount(0, text.length());
  }

  /**
   * {@code text} without the white space around it; white space inside stays. White space is the
   * Unicode {@code White_Space} property, including the no-break spaces (U+00A0, U+2007, U+202F)
   * and U+0085 that {@link String#strip()} keeps, plus U+FEFF (a byte-order mark, or zero-width
   * no-break space) and the separators U+001C–U+001F that {@code strip()} has always removed.
   */
  public static String trim(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && isWhiteSpace(text.charAt(start))) start++;
    while (end > start && isWhiteSpace(text.charAt(end - 1))) end--;
    return text.substring(start, end);
  }

  /**
   * Whether {@code text} is empty once {@linkplain #trim trimmed}: to a reader, nothing is written.
   */
  public static boolean isBlank(String text) {
    return trim(text).isEmpty();
  }

  /** Every such character is in the Basic Multilingual Plane, so one {@code char} is enough. */
  static boolean isWhiteSpace(char c) {
    return Character.isWhitespace(c) // U+0009–U+000D, U+001C–U+001F and the breaking spaces
        || Character.isSpaceChar(c) // the Unicode space separators, no-break ones included
        || c == '\u0085' // NEXT LINE
        || c == '\uFEFF';
  }
}

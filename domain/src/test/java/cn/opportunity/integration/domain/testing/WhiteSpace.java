package cn.opportunity.integration.domain.testing;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The characters the contract trims around codes and checked values, written out by hand so that
 * tests do not take them from the code they check: Unicode's {@code White_Space} property (its
 * PropList.txt), then U+FEFF.
 */
public final class WhiteSpace {
  private WhiteSpace() {}

  /** Each character, as a one-character string. */
  public static final List<String> UNICODE =
      Stream.of(
              IntStream.rangeClosed(0x0009, 0x000D), IntStream.of(0x0020, 0x0085, 0x00A0, 0x1680),
              IntStream.rangeClosed(0x2000, 0x200A),
                  IntStream.of(0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF))
          .flatMapToInt(s -> s)
          .mapToObj(Character::toString)
          .toList();

  /**
   * What copying from a spreadsheet or a web page brings along, and {@link String#strip()} keeps.
   */
  public static final List<String> NO_BREAK = List.of("\u00A0", "\u2007", "\u202F", "\uFEFF");

  /** For {@code @MethodSource}. */
  public static List<String> unicode() {
    return UNICODE;
  }

  /** For {@code @MethodSource}. */
  public static List<String> noBreak() {
    return NO_BREAK;
  }

  /** {@code U+00A0} for a no-break space: how a test names the character it is about. */
  public static String name(String space) {
    return String.format("U+%04X", space.codePointAt(0));
  }
}

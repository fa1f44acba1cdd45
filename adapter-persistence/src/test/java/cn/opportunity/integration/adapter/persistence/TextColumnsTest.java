package cn.opportunity.integration.adapter.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How PostgreSQL's text columns hold U+0000: every string round-trips, none is written with one.
 */
class TextColumnsTest {
  /** Every string of up to six characters over the characters the escape is made of. */
  static List<String> strings() {
    char[] alphabet = {'a', '0', '\u0000', '\uFFFF'};
    List<String> all = new ArrayList<>(List.of(""));
    List<String> last = List.of("");
    for (int length = 1; length <= 6; length++) {
      List<String> longer = new ArrayList<>();
      for (String s : last) for (char c : alphabet) longer.add(s + c);
      all.addAll(longer);
      last = longer;
    }
    return all;
  }

  @Test
  void writesEveryStringWithoutU0000AndReadsItBackAsItWas() {
    List<String> strings = strings();
    assertEquals(5461, strings.size());
    for (String value : strings) {
      String written = TextColumns.WITHOUT_NUL.write(value);
      assertTrue(written.indexOf('\u0000') < 0, value);
      assertEquals(value, TextColumns.WITHOUT_NUL.read(written));
    }
  }

  @Test
  void writesTextWithoutEitherCharacterAsItIs() {
    String plain = "商机 0 a\uFFFE";
    assertSame(plain, TextColumns.WITHOUT_NUL.write(plain));
    assertSame(plain, TextColumns.WITHOUT_NUL.read(plain));
    assertEquals("a\uFFFF0b\uFFFF\uFFFF", TextColumns.WITHOUT_NUL.write("a\u0000b\uFFFF"));
    assertNull(TextColumns.WITHOUT_NUL.write(null));
    assertNull(TextColumns.WITHOUT_NUL.read(null));
  }

  @Test
  void keepsAStrayEscapeItNeverWrote() {
    assertEquals("a\uFFFFb", TextColumns.WITHOUT_NUL.read("a\uFFFFb"));
    assertEquals("a\uFFFF", TextColumns.WITHOUT_NUL.read("a\uFFFF"));
  }

  @Test
  void leavesEveryStringAsItIsOnSqlite() {
    for (String value : strings()) {
      assertSame(value, TextColumns.AS_IS.write(value));
      assertSame(value, TextColumns.AS_IS.read(value));
    }
  }
}

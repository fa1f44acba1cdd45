package cn.opportunity.integration.adapter.persistence;

/**
 * How a dialect's text columns of the {@code opportunity} table (all but the code) hold a Java
 * string, so that free text is stored as sent (CONTRACT §1) in both. Applied to whole rows:
 * SQLite's path pays one call a row that returns it.
 */
enum TextColumns {
  /** SQLite: any string, as it is. */
  AS_IS {
    @Override
    String write(String value) {
      return value;
    }

    @Override
    String read(String stored) {
      return stored;
    }
  },

  /**
   * PostgreSQL, whose {@code text} cannot hold U+0000: it is written U+FFFF {@code 0}, and U+FFFF
   * itself (a noncharacter, which no text is meant to carry) U+FFFF U+FFFF. Any other string is
   * written as it is; migration V8 doubled the U+FFFF of the values stored before.
   */
  WITHOUT_NUL {
    @Override
    String write(String value) {
      if (value == null || (value.indexOf(NUL) < 0 && value.indexOf(ESCAPE) < 0)) return value;
      StringBuilder written = new StringBuilder(value.length() + 8);
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == NUL) written.append(ESCAPE).append(ESCAPED_NUL);
        else if (c == ESCAPE) written.append(ESCAPE).append(ESCAPE);
        else written.append(c);
      }
      return written.toString();
    }

    @Override
    String read(String stored) {
      if (stored == null || stored.indexOf(ESCAPE) < 0) return stored;
      StringBuilder value = new StringBuilder(stored.length());
      for (int i = 0; i < stored.length(); i++) {
        char c = stored.charAt(i);
        char next = i + 1 < stored.length() ? stored.charAt(i + 1) : NUL;
        if (c == ESCAPE && next == ESCAPED_NUL) {
          value.append(NUL);
          i++;
        } else if (c == ESCAPE && next == ESCAPE) {
          value.append(ESCAPE);
          i++;
        } else {
          value.append(c); // none written so, but never lost
        }
      }
      return value.toString();
    }
  };

  private static final char NUL = '\u0000';
  private static final char ESCAPE = '\uFFFF';
  private static final char ESCAPED_NUL = '0';

  /** {@code row} as its text columns are to be written. */
  OpportunityRow toStore(OpportunityRow row) {
    return this == AS_IS ? row : row.withText(this::write);
  }

  /** The row whose text columns were written as {@code stored}'s hold. */
  OpportunityRow fromStore(OpportunityRow stored) {
    return this == AS_IS ? stored : stored.withText(this::read);
  }

  /** What to bind for {@code value}; {@code null} stays {@code null}. */
  abstract String write(String value);

  /** The value a column holding {@code stored} was written for; {@code null} stays {@code null}. */
  abstract String read(String stored);
}

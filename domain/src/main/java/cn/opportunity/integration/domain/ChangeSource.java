package cn.opportunity.integration.domain;

/** Which way a change came in: one update, an item of a batch, a line of an import. */
public enum ChangeSource {
  UPDATE("update"),
  BATCH("batch"),
  IMPORT("import");

  private final String code;

  ChangeSource(String code) {
    this.code = code;
  }

  /** As history answers it: {@code update}, {@code batch} or {@code import}. */
  public String code() {
    return code;
  }

  /** The source whose {@link #code} is {@code code}. */
  public static ChangeSource ofCode(String code) {
    for (ChangeSource source : values()) if (source.code.equals(code)) return source;
    throw new IllegalArgumentException("no change source " + code);
  }
}

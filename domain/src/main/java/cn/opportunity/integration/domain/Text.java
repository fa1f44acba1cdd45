package cn.opportunity.integration.domain;

/** How the contract counts text: in Unicode characters (code points), so 一 and 😀 are one each. */
public final class Text {
  private Text() {}

  public static int length(String text) {
    return text.codePointCount(0, text.length());
  }
}

package cn.opportunity.integration.domain;

import java.util.Locale;
import java.util.Optional;

/** 项目把握度: how sure the sales team is of the deal. Read case-insensitively, written upper-case. */
public enum Confidence {
  A,
  B,
  C;

  public static Optional<Confidence> parse(String raw) {
    String code = Text.trim(raw).toUpperCase(Locale.ROOT);
    for (Confidence confidence : values()) {
      if (confidence.name().equals(code)) return Optional.of(confidence);
    }
    return Optional.empty();
  }

  public String code() {
    return name();
  }
}

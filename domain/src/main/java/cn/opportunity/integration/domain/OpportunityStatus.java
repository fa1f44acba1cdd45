package cn.opportunity.integration.domain;

import java.util.Locale;
import java.util.Optional;

/** 商机状态. Read case-insensitively, written lower-case. Independent of the stage. */
public enum OpportunityStatus {
  ACTIVE,
  CLOSED,
  WON,
  LOST;

  public static Optional<OpportunityStatus> parse(String raw) {
    String code = Text.trim(raw).toLowerCase(Locale.ROOT);
    for (OpportunityStatus status : values()) {
      if (status.code().equals(code)) return Optional.of(status);
    }
    return Optional.empty();
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}

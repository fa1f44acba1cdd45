package cn.opportunity.integration.domain.dictionary;

import cn.opportunity.integration.domain.Text;
import java.util.Locale;
import java.util.Optional;

/** Where a stage stands in its flow. Xiaoman's stage {@code type}: 1, 2, 3. */
public enum StageKind {
  IN_PROGRESS(1, "进行中"),
  WON(2, "赢单"),
  LOST(3, "输单");

  private final int xiaomanType;
  private final String label;

  StageKind(int xiaomanType, String label) {
    this.xiaomanType = xiaomanType;
    this.label = label;
  }

  public int xiaomanType() {
    return xiaomanType;
  }

  /** The kind as the CRM's users call it. */
  public String label() {
    return label;
  }

  /** The kind's name in files: {@code in_progress}, {@code won}, {@code lost}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<StageKind> ofXiaomanType(int type) {
    for (StageKind kind : values()) {
      if (kind.xiaomanType == type) return Optional.of(kind);
    }
    return Optional.empty();
  }

  public static Optional<StageKind> ofCode(String code) {
    for (StageKind kind : values()) {
      if (kind.code().equals(Text.trim(code).toLowerCase(Locale.ROOT))) return Optional.of(kind);
    }
    return Optional.empty();
  }
}

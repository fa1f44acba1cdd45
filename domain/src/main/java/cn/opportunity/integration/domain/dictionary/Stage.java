package cn.opportunity.integration.domain.dictionary;

import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.Text;
import java.util.Objects;

/** A stage of a sales flow. Only enabled stages are accepted in updates. */
public record Stage(StageCode code, String name, StageKind kind, int rank, boolean enabled) {
  public Stage {
    Objects.requireNonNull(code);
    Objects.requireNonNull(kind);
    if (name == null || Text.isBlank(name))
      throw new IllegalArgumentException("stage " + code + " has no name");
    name = Text.trim(name);
  }
}

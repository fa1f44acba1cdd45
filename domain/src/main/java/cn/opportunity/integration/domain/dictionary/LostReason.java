package cn.opportunity.integration.domain.dictionary;

import cn.opportunity.integration.domain.LostReasonId;
import cn.opportunity.integration.domain.Text;

/**
 * A reason a deal was lost (输单原因), as the CRM lists them. The id is kept {@linkplain Text#trim
 * trimmed}, as an opportunity stores it ({@link LostReasonId}).
 */
public record LostReason(String id, String name, boolean enabled) {
  public LostReason {
    if (id == null || Text.isBlank(id))
      throw new IllegalArgumentException("a lost reason has an id");
    id = Text.trim(id);
    if (name == null || name.isBlank())
      throw new IllegalArgumentException("lost reason " + id + " has no name");
  }

  /** The id as an opportunity stores it. */
  public LostReasonId lostReasonId() {
    return new LostReasonId(id);
  }
}

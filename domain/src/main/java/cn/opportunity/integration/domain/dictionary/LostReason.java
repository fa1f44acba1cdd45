package cn.opportunity.integration.domain.dictionary;

/** A reason a deal was lost (输单原因), as the CRM lists them. */
public record LostReason(String id, String name, boolean enabled) {
  public LostReason {
    if (id == null || id.isBlank()) throw new IllegalArgumentException("a lost reason has an id");
    if (name == null || name.isBlank())
      throw new IllegalArgumentException("lost reason " + id + " has no name");
  }
}

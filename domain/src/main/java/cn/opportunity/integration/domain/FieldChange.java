package cn.opportunity.integration.domain;

import java.util.Objects;

/**
 * One field's value before and after a change, each in the canonical form of {@link
 * cn.opportunity.integration.domain.OpportunityField#canonical} ({@code null}: not set).
 */
public record FieldChange(@Nullable Object from, @Nullable Object to) {
  public FieldChange {
    if (Objects.equals(from, to)) throw new IllegalArgumentException("no change: " + from);
  }
}

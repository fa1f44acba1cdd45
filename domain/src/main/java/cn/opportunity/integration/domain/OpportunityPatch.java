package cn.opportunity.integration.domain;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A checked partial update: which opportunity, and the new value of each field that was sent
 * ({@code null} clears the field). Made by the update policy; applied by {@link Opportunity#apply}.
 */
public final class OpportunityPatch {
  private final OpportunityCode code;
  private final Map<OpportunityField, Object> changes;

  private OpportunityPatch(OpportunityCode code, EnumMap<OpportunityField, Object> changes) {
    this.code = code;
    this.changes = Collections.unmodifiableMap(changes);
  }

  public static Builder builder(OpportunityCode code) {
    return new Builder(code);
  }

  public OpportunityCode code() {
    return code;
  }

  /** The fields sent, in the contract's order, with their new values ({@code null}: cleared). */
  public Map<OpportunityField, Object> changes() {
    return changes;
  }

  /** {@code details} with this patch's changes. */
  public OpportunityDetails applyTo(OpportunityDetails details) {
    if (changes.isEmpty()) return details;
    OpportunityDetails.Builder builder = details.toBuilder();
    changes.forEach((field, value) -> field.set(builder, value));
    return builder.build();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof OpportunityPatch patch
        && code.equals(patch.code)
        && changes.equals(patch.changes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(code, changes);
  }

  @Override
  public String toString() {
    return "OpportunityPatch[" + code + ", " + changes + "]";
  }

  public static final class Builder {
    private final OpportunityCode code;
    private final EnumMap<OpportunityField, Object> changes = new EnumMap<>(OpportunityField.class);

    private Builder(OpportunityCode code) {
      this.code = Objects.requireNonNull(code);
    }

    /**
     * Sets {@code field} to {@code value} (of the field's type), or clears it with {@code null}.
     */
    public Builder set(OpportunityField field, @Nullable Object value) {
      changes.put(field, value == null ? null : field.type().cast(value));
      return this;
    }

    public OpportunityPatch build() {
      return new OpportunityPatch(code, changes.clone());
    }
  }
}

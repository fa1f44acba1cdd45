package cn.opportunity.integration.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a change did: each changed field by its name in requests ({@code stage}, {@code amount} …),
 * in the contract's table order, with its canonical value before and after. A pure value: the
 * history records it, a dry run answers it, and an embedding program may compute it the same way.
 */
public final class Changes {
  /** The name under which a created opportunity's final customer appears in its first record. */
  public static final String FINAL_CUSTOMER_NAME = "finalCustomerName";

  private static final Changes NONE = new Changes(new LinkedHashMap<>());

  private final Map<String, FieldChange> byField;

  private Changes(LinkedHashMap<String, FieldChange> byField) {
    this.byField = Collections.unmodifiableMap(byField);
  }

  /** Nothing changed. */
  public static Changes none() {
    return NONE;
  }

  /** Every field whose canonical value differs between {@code before} and {@code after}. */
  public static Changes between(OpportunityDetails before, OpportunityDetails after) {
    LinkedHashMap<String, FieldChange> changed = new LinkedHashMap<>();
    for (OpportunityField field : OpportunityField.values()) {
      Object from = field.valueIn(before);
      Object to = field.valueIn(after);
      // every field's value type is equal exactly when its canonical forms are: only a change is
      // put into canonical form (this runs inside every update's transaction)
      if (!Objects.equals(from, to))
        changed.put(
            field.jsonName(),
            new FieldChange(OpportunityField.canonical(from), OpportunityField.canonical(to)));
    }
    return new Changes(changed);
  }

  /**
   * A new opportunity's first record: every field it was created with (and its final customer),
   * each from {@code null}.
   */
  public static Changes created(NewOpportunity created) {
    LinkedHashMap<String, FieldChange> set = new LinkedHashMap<>();
    for (OpportunityField field : OpportunityField.values()) {
      Object value = field.canonicalValueIn(created.details());
      if (value != null) set.put(field.jsonName(), new FieldChange(null, value));
    }
    created
        .finalCustomerName()
        .ifPresent(name -> set.put(FINAL_CUSTOMER_NAME, new FieldChange(null, name)));
    return new Changes(set);
  }

  /** As stored: each field's change, in the order given. */
  public static Changes of(Map<String, FieldChange> byField) {
    return new Changes(new LinkedHashMap<>(byField));
  }

  /** Each changed field by name, in the contract's order. */
  public Map<String, FieldChange> byField() {
    return byField;
  }

  public boolean isEmpty() {
    return byField.isEmpty();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Changes that && byField.equals(that.byField);
  }

  @Override
  public int hashCode() {
    return byField.hashCode();
  }

  @Override
  public String toString() {
    return "Changes" + byField;
  }
}

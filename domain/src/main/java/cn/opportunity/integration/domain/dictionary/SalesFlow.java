package cn.opportunity.integration.domain.dictionary;

import java.util.List;

/** A sales flow (销售流程) and its stages, in the order the CRM shows them. */
public record SalesFlow(String id, String name, List<Stage> stages) {
  public SalesFlow {
    if (id == null || id.isBlank()) throw new IllegalArgumentException("a sales flow has an id");
    if (name == null || name.isBlank())
      throw new IllegalArgumentException("sales flow " + id + " has no name");
    stages = List.copyOf(stages);
  }
}

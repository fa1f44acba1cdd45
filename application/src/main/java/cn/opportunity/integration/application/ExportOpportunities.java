package cn.opportunity.integration.application;

import cn.opportunity.integration.domain.Changes;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityStore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every stored opportunity as a line of the import format (CONTRACT.md §6), read page by page in
 * code order so that memory does not grow with the store. What importing the lines into another
 * store would give back: every field of the update endpoint and the final customer; ids, versions,
 * times and history stay behind.
 */
public final class ExportOpportunities {
  /** Opportunities read at a time. */
  public static final int PAGE_SIZE = 1_000;

  private final OpportunityStore store;
  private final int pageSize;

  public ExportOpportunities(OpportunityStore store) {
    this(store, PAGE_SIZE);
  }

  ExportOpportunities(OpportunityStore store, int pageSize) {
    if (pageSize < 1) throw new IllegalArgumentException("page size " + pageSize);
    this.store = store;
    this.pageSize = pageSize;
  }

  /**
   * Gives {@code line} each opportunity's import line, in code order, one page read at a time: each
   * opportunity once, in the state stored when its page was read.
   *
   * @return how many lines it gave
   */
  public long run(Consumer<Map<String, Object>> line) {
    long lines = 0;
    Optional<OpportunityCode> after = Optional.empty();
    while (true) {
      List<Opportunity> page = store.findPage(after, pageSize);
      for (Opportunity opportunity : page) line.accept(importLineOf(opportunity));
      lines += page.size();
      if (page.size() < pageSize) return lines;
      after = Optional.of(page.get(page.size() - 1).code());
    }
  }

  /**
   * {@code opportunity} as an import line, for a JSON writer: {@code opportunityCode}, {@code
   * opportunityName}, {@code finalCustomerName} when set, then every other set field in the
   * contract's table order, each in its canonical form ({@link OpportunityField#canonicalValueIn}:
   * the amount a {@code BigDecimal} of scale 2, the push time an ISO-8601 instant …). Fields not
   * set are left out: an import leaves them unset in a new opportunity.
   */
  static Map<String, Object> importLineOf(Opportunity opportunity) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put(OpportunityField.CODE_NAME, opportunity.code().value());
    putIfSet(line, OpportunityField.OPPORTUNITY_NAME, opportunity);
    opportunity.finalCustomerName().ifPresent(name -> line.put(Changes.FINAL_CUSTOMER_NAME, name));
    for (OpportunityField field : OpportunityField.values()) {
      if (field != OpportunityField.OPPORTUNITY_NAME) putIfSet(line, field, opportunity);
    }
    return Collections.unmodifiableMap(line);
  }

  private static void putIfSet(
      Map<String, Object> line, OpportunityField field, Opportunity opportunity) {
    Object value = field.canonicalValueIn(opportunity.details());
    if (value != null) line.put(field.jsonName(), value);
  }
}

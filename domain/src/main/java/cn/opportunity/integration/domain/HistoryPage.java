package cn.opportunity.integration.domain;

import java.util.List;
import java.util.Optional;

/**
 * Part of an opportunity's history, newest first.
 *
 * @param nextBefore the {@code before} that reads the page after this one; empty when there is none
 */
public record HistoryPage(List<HistoryEntry> items, Optional<Long> nextBefore) {
  public HistoryPage {
    items = List.copyOf(items);
  }

  /**
   * The page of {@code newestFirst}, read with one more record than {@code limit}: its first {@code
   * limit} records, and a next page only if there was one more.
   */
  public static HistoryPage of(List<HistoryEntry> newestFirst, int limit) {
    if (newestFirst.size() <= limit) return new HistoryPage(newestFirst, Optional.empty());
    List<HistoryEntry> items = newestFirst.subList(0, limit);
    return new HistoryPage(items, Optional.of(items.get(limit - 1).version().value()));
  }
}

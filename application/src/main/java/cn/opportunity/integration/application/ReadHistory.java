package cn.opportunity.integration.application;

import cn.opportunity.integration.domain.HistoryPage;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.OpportunityStore;

/** An integrator reads what changed an opportunity, who changed it and when: newest first. */
public final class ReadHistory {
  /** Records a page holds when the caller names no limit. */
  public static final int DEFAULT_LIMIT = 20;

  /** Records a page holds at most. */
  public static final int MAX_LIMIT = 100;

  private final OpportunityStore store;

  public ReadHistory(OpportunityStore store) {
    this.store = store;
  }

  /**
   * @param code as the caller wrote it; white space around it is ignored
   * @param beforeVersion only records of versions below it ({@link Long#MAX_VALUE}: the newest)
   * @param limit 1 to {@link #MAX_LIMIT}
   * @throws OpportunityNotFoundException when no opportunity has the code
   */
  public HistoryPage page(String code, long beforeVersion, int limit) {
    if (limit < 1 || limit > MAX_LIMIT)
      throw new IllegalArgumentException("limit " + limit + " is not 1–" + MAX_LIMIT);
    return OpportunityCode.parse(code)
        .flatMap(parsed -> store.history(parsed, beforeVersion, limit))
        .orElseThrow(() -> new OpportunityNotFoundException(code));
  }
}

package cn.opportunity.integration.application;

import cn.opportunity.integration.domain.OpportunityId;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.StaleVersionException;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import cn.opportunity.integration.domain.update.SentFields;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import java.time.Clock;
import java.time.Instant;

/**
 * An external system writes back facts about an opportunity: checks every field, then applies the
 * partial update atomically. Owns steps 4–8 of the contract's order of checks (1–3 are the HTTP
 * adapter's).
 */
public final class ApplyIntegrationUpdate {
  /** How often a write that lost a race with a writer outside this service is re-applied. */
  static final int ATTEMPTS = 3;

  private final OpportunityStore store;
  private final FlowDictionary dictionary;
  private final UpdatePolicy policy;
  private final Clock clock;

  public ApplyIntegrationUpdate(OpportunityStore store, FlowDictionary dictionary, UpdatePolicy policy, Clock clock) {
    this.store = store;
    this.dictionary = dictionary;
    this.policy = policy;
    this.clock = clock;
  }

  /**
   * @return the opportunity's internal id
   * @throws cn.opportunity.integration.domain.UpdateRejectedException steps 4–6: what is wrong
   * @throws cn.opportunity.integration.domain.DictionaryUnavailableException a stage, and no
   *     dictionary to check it
   * @throws cn.opportunity.integration.domain.OpportunityNotFoundException step 7: no such code
   */
  public OpportunityId apply(SentFields sent) {
    OpportunityPatch patch = policy.check(sent, dictionary.current());
    Instant now = clock.instant();
    for (int attempt = 1; ; attempt++) {
      try {
        return store.update(patch.code(), current -> current.apply(patch, now)).id();
      } catch (StaleVersionException e) {
        if (attempt == ATTEMPTS) throw e;
      }
    }
  }
}

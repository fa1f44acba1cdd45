package cn.opportunity.integration.application;

import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityId;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.StaleVersionException;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import cn.opportunity.integration.domain.update.SentFields;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

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

  public ApplyIntegrationUpdate(
      OpportunityStore store, FlowDictionary dictionary, UpdatePolicy policy, Clock clock) {
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
    try {
      return applyLater(sent).toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException failure) throw failure;
      if (e.getCause() instanceof Error failure) throw failure;
      throw e;
    }
  }

  /**
   * {@link #apply} without waiting for the store: steps 4–6 are checked now, in the caller's
   * thread, and a refusal is thrown at once; the stage completes once the change is stored (steps
   * 7–8), with the id or exceptionally with what {@code apply} would throw. Over a store that
   * batches writes (the SQLite store) no thread waits for the commit.
   */
  public CompletionStage<OpportunityId> applyLater(SentFields sent) {
    OpportunityPatch patch = policy.check(sent, dictionary.current());
    return store(patch, clock.instant(), 1);
  }

  private CompletionStage<OpportunityId> store(OpportunityPatch patch, Instant now, int attempt) {
    return store
        .updateLater(patch.code(), current -> current.apply(patch, now))
        .thenApply(Opportunity::id)
        .exceptionallyCompose(
            failure -> {
              Throwable cause =
                  failure instanceof CompletionException && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              return cause instanceof StaleVersionException && attempt < ATTEMPTS
                  ? store(patch, now, attempt + 1)
                  : CompletableFuture.failedFuture(cause);
            });
  }
}

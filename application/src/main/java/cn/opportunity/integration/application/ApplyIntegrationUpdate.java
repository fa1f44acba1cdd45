package cn.opportunity.integration.application;

import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.Changes;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityId;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.StaleVersionException;
import cn.opportunity.integration.domain.Version;
import cn.opportunity.integration.domain.VersionMismatchException;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import cn.opportunity.integration.domain.update.SentFields;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * An external system writes back facts about an opportunity: checks every field, then applies the
 * partial update atomically, with its history record. Owns steps 4–8 of the contract's order of
 * checks (1–3 are the HTTP adapter's), the version the caller expects ({@code If-Match}, §5.4) and
 * the rehearsal that writes nothing ({@code X-Dry-Run}, §5.3).
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
   * What a dry run finds: the opportunity's id and its version now, the version it would have, and
   * what would change.
   */
  public record Rehearsal(OpportunityId id, Version stored, Version version, Changes changes) {}

  /**
   * {@link #applyLater} without an expected version, waiting for the store.
   *
   * @return the opportunity's internal id
   * @throws cn.opportunity.integration.domain.UpdateRejectedException steps 4–6: what is wrong
   * @throws cn.opportunity.integration.domain.DictionaryUnavailableException a stage, and no
   *     dictionary to check it
   * @throws OpportunityNotFoundException step 7: no such code
   */
  public OpportunityId apply(SentFields sent, ChangeOrigin origin) {
    try {
      return applyLater(sent, origin, OptionalLong.empty()).toCompletableFuture().join().id();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException failure) throw failure;
      if (e.getCause() instanceof Error failure) throw failure;
      throw e;
    }
  }

  /**
   * The update, without waiting for the store: steps 4–6 are checked now, in the caller's thread,
   * and a refusal is thrown at once; the stage completes once the change and its history record are
   * stored (steps 7–8) with the opportunity as stored, or exceptionally with {@link
   * OpportunityNotFoundException}, {@link VersionMismatchException} or a failure of the store. Over
   * a store that batches writes (the SQLite store) no thread waits for the commit.
   *
   * @param ifMatch the version the caller expects to change (a number no version has never
   *     matches); checked inside the store's write, so that of two callers expecting the same
   *     version one wins and one is refused; empty: any
   */
  public CompletionStage<Opportunity> applyLater(
      SentFields sent, ChangeOrigin origin, OptionalLong ifMatch) {
    OpportunityPatch patch = policy.check(sent, dictionary.current());
    return store(patch, origin, ifMatch, clock.instant(), 1);
  }

  /**
   * Every check of the update — steps 4–7 and the expected version — and what it would do, with
   * nothing written.
   *
   * @throws VersionMismatchException when the stored version is not {@code ifMatch}
   */
  public Rehearsal rehearse(SentFields sent, OptionalLong ifMatch) {
    OpportunityPatch patch = policy.check(sent, dictionary.current());
    OpportunityCode code = patch.code();
    Opportunity current =
        store.findByCode(code).orElseThrow(() -> new OpportunityNotFoundException(code.value()));
    requireVersion(current, ifMatch);
    Opportunity next = current.apply(patch, clock.instant());
    return new Rehearsal(
        next.id(),
        current.version(),
        next.version(),
        Changes.between(current.details(), next.details()));
  }

  private CompletionStage<Opportunity> store(
      OpportunityPatch patch, ChangeOrigin origin, OptionalLong ifMatch, Instant now, int attempt) {
    return store
        .updateLater(
            patch.code(),
            origin,
            current -> {
              requireVersion(current, ifMatch);
              return current.apply(patch, now);
            })
        .exceptionallyCompose(
            failure -> {
              Throwable cause =
                  failure instanceof CompletionException && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              return cause instanceof StaleVersionException && attempt < ATTEMPTS
                  ? store(patch, origin, ifMatch, now, attempt + 1)
                  : CompletableFuture.failedFuture(cause);
            });
  }

  private static void requireVersion(Opportunity current, OptionalLong ifMatch) {
    if (ifMatch.isPresent() && ifMatch.getAsLong() != current.version().value())
      throw new VersionMismatchException(current.version());
  }
}

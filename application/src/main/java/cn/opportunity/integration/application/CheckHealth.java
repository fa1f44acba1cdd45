package cn.opportunity.integration.application;

import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How the service is doing, for monitors: the store, and the stage dictionary in force. */
public final class CheckHealth {
  private final OpportunityStore store;
  private final FlowDictionary dictionary;
  private final Clock clock;

  public CheckHealth(OpportunityStore store, FlowDictionary dictionary, Clock clock) {
    this.store = store;
    this.dictionary = dictionary;
    this.clock = clock;
  }

  /**
   * The service is up while its store is usable; a missing dictionary only stops stage checks.
   *
   * @param storeDownReason why the store is not usable (empty while it is), e.g. {@code database or
   *     disk is full}
   */
  public record Health(
      boolean storeUp, Optional<String> storeDownReason, DictionaryHealth dictionary) {
    public boolean isUp() {
      return storeUp;
    }
  }

  /**
   * @param skipped what the source offered that the dictionary in force leaves out (a flow without
   *     stages …), one readable line each; empty when nothing, or no dictionary, is in force
   */
  public record DictionaryHealth(
      String source,
      boolean loaded,
      int stages,
      Optional<Long> snapshotAgeSeconds,
      Optional<String> lastError,
      List<String> skipped) {
    public DictionaryHealth {
      skipped = List.copyOf(skipped);
    }
  }

  public Health check() {
    Optional<DictionarySnapshot> snapshot = dictionary.current();
    Optional<String> storeDownReason = store.unavailableReason();
    return new Health(
        storeDownReason.isEmpty(),
        storeDownReason,
        new DictionaryHealth(
            dictionary.source(),
            snapshot.isPresent(),
            snapshot.map(DictionarySnapshot::enabledStageCount).orElse(0),
            snapshot.map(
                s -> Math.max(0, Duration.between(s.loadedAt(), clock.instant()).toSeconds())),
            dictionary.lastError(),
            snapshot.map(DictionarySnapshot::skipped).orElse(List.of())));
  }
}

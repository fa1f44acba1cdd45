package cn.opportunity.integration.application;

import cn.opportunity.integration.domain.OpportunityStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The retention of the change history ({@code OPP_HISTORY_RETENTION}): deletes the records older
 * than the retention, a chunk at a time, each chunk a short transaction of its own, so that writers
 * wait at most one chunk's delete. Run again and again in the background.
 */
public final class PruneHistory {
  /** Records one transaction deletes at most. */
  static final int CHUNK = 1_000;

  private final OpportunityStore store;
  private final Duration retention;
  private final Clock clock;

  public PruneHistory(OpportunityStore store, Duration retention, Clock clock) {
    if (retention.isNegative() || retention.isZero())
      throw new IllegalArgumentException("a retention is positive: " + retention);
    this.store = store;
    this.retention = retention;
    this.clock = clock;
  }

  /**
   * Deletes every record made longer than the retention ago, chunk by chunk; returns how many.
   * Stops early, between two chunks, when the thread is interrupted.
   */
  public long run() {
    Instant before = clock.instant().minus(retention);
    long deleted = 0;
    while (!Thread.currentThread().isInterrupted()) {
      int chunk = store.pruneHistory(before, CHUNK);
      deleted += chunk;
      if (chunk < CHUNK) break;
    }
    return deleted;
  }
}

package cn.opportunity.integration.adapter.http;

/**
 * Where the instance is in its life, for {@code GET /health/ready} (CONTRACT.md §6): starting until
 * the server that owns it says it serves, stopping from the first moment of a graceful stop. Only
 * ever moves forward. Thread-safe.
 */
public final class Readiness {
  /** The instance's phase; {@code /health/ready} names it in {@code reason} while not serving. */
  public enum Phase {
    STARTING,
    SERVING,
    STOPPING
  }

  private volatile Phase phase;

  private Readiness(Phase phase) {
    this.phase = phase;
  }

  /** A new instance's readiness: starting. */
  public static Readiness starting() {
    return new Readiness(Phase.STARTING);
  }

  /** For a server whose owner never reports its start (tests, embedders): serving already. */
  public static Readiness serving() {
    return new Readiness(Phase.SERVING);
  }

  /** The start is complete: ready answers 200 while the store is usable. */
  public synchronized void markServing() {
    if (phase == Phase.STARTING) phase = Phase.SERVING;
  }

  /** A graceful stop has begun: ready answers 503 from now on. */
  public synchronized void markStopping() {
    phase = Phase.STOPPING;
  }

  public Phase phase() {
    return phase;
  }
}

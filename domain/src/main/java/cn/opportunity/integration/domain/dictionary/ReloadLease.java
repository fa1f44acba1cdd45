package cn.opportunity.integration.domain.dictionary;

import java.time.Duration;

/**
 * Decides which of the instances that share a store reloads a remote dictionary, so that the source
 * sees the reloads of one instance whatever their number: a turn is claimed for a term and never
 * released, it lapses. An instance that does not get the turn takes the snapshot that the holder
 * saved ({@link DictionarySnapshotStore}).
 */
public interface ReloadLease {

  /**
   * Claims the reload of {@code source} for {@code term} if no instance holds it now.
   *
   * @return true: this instance reloads now, and no other claim succeeds within {@code term}; a
   *     holder that dies mid-reload thus delays the next reload by at most {@code term}
   * @throws RuntimeException when the store cannot be reached (then nobody can tell whose turn it
   *     is)
   */
  boolean claim(String source, Duration term);

  /** The lease of an instance alone with its store (SQLite): every claim succeeds. */
  static ReloadLease alone() {
    return (source, term) -> true;
  }
}

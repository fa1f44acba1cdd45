package cn.opportunity.integration.domain.dictionary;

import java.util.Optional;

/**
 * Keeps the last good dictionary of a remote source, so that a restart while the source is down
 * still validates stages.
 */
public interface DictionarySnapshotStore {

  /** The last snapshot saved for {@code source}; empty if none was ever saved. */
  Optional<DictionarySnapshot> load(String source);

  /** Replaces the saved snapshot of {@code source}, durably, all or nothing. */
  void save(String source, DictionarySnapshot snapshot);
}

package cn.opportunity.integration.domain.testing;

import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshotStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Snapshots in memory, with a count of saves, for tests of remote dictionaries. */
public final class InMemoryDictionarySnapshotStore implements DictionarySnapshotStore {
  private final Map<String, DictionarySnapshot> snapshots = new ConcurrentHashMap<>();
  public final AtomicInteger saves = new AtomicInteger();

  @Override
  public Optional<DictionarySnapshot> load(String source) {
    return Optional.ofNullable(snapshots.get(source));
  }

  @Override
  public void save(String source, DictionarySnapshot snapshot) {
    saves.incrementAndGet();
    snapshots.put(source, snapshot);
  }
}

package cn.opportunity.integration.domain.testing;

import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.HistoryEntry;
import cn.opportunity.integration.domain.HistoryPage;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityId;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.StaleVersionException;
import cn.opportunity.integration.domain.StoreUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A store in memory that keeps every promise of {@link OpportunityStore} (it passes {@link
 * OpportunityStoreContract}), versions and history included. For tests of use cases and adapters.
 */
public final class InMemoryOpportunityStore implements OpportunityStore {
  private final NavigableMap<OpportunityCode, Opportunity> byCode = new TreeMap<>();
  private final Map<OpportunityCode, List<HistoryEntry>> historyByCode = new HashMap<>();
  private long lastId;
  private volatile boolean available = true;
  private volatile Optional<String> cannotWrite = Optional.empty();

  @Override
  public synchronized Optional<Opportunity> findByCode(OpportunityCode code) {
    return Optional.ofNullable(byCode.get(code));
  }

  @Override
  public synchronized List<Opportunity> findPage(Optional<OpportunityCode> after, int limit) {
    SortedMap<OpportunityCode, Opportunity> rest =
        after.isEmpty() ? byCode : byCode.tailMap(after.get(), false);
    return rest.values().stream().limit(limit).toList();
  }

  @Override
  public synchronized Opportunity update(
      OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
    Opportunity current = byCode.get(code);
    if (current == null) throw new OpportunityNotFoundException(code.value());
    Opportunity next = change.apply(current);
    if (next == current || next.equals(current)) return current;
    checkIsNextVersionOf(next, current);
    refuseIfCannotWrite();
    byCode.put(code, next);
    record(code, HistoryEntry.of(current, next, origin));
    return next;
  }

  @Override
  public synchronized void importAll(List<NewOpportunity> created, List<Opportunity> updated) {
    for (NewOpportunity opportunity : created) {
      if (byCode.containsKey(opportunity.code()))
        throw new StaleVersionException("opportunity " + opportunity.code() + " exists already");
    }
    for (Opportunity opportunity : updated) {
      Opportunity current = byCode.get(opportunity.code());
      if (current == null)
        throw new StaleVersionException("opportunity " + opportunity.code() + " is gone");
      checkIsNextVersionOf(opportunity, current);
    }
    if (!created.isEmpty() || !updated.isEmpty()) refuseIfCannotWrite();
    for (NewOpportunity opportunity : created) {
      Opportunity stored = Opportunity.created(new OpportunityId(++lastId), opportunity);
      byCode.put(opportunity.code(), stored);
      record(opportunity.code(), HistoryEntry.ofCreated(opportunity, ChangeOrigin.IMPORT));
    }
    for (Opportunity opportunity : updated) {
      Opportunity before = byCode.put(opportunity.code(), opportunity);
      record(
          opportunity.code(),
          HistoryEntry.of(Objects.requireNonNull(before), opportunity, ChangeOrigin.IMPORT));
    }
  }

  private void record(OpportunityCode code, HistoryEntry entry) {
    historyByCode.computeIfAbsent(code, c -> new ArrayList<>()).add(entry);
  }

  @Override
  public synchronized Optional<HistoryPage> history(
      OpportunityCode code, long beforeVersion, int limit) {
    if (!byCode.containsKey(code)) return Optional.empty();
    List<HistoryEntry> newestFirst = new ArrayList<>();
    List<HistoryEntry> all = historyByCode.getOrDefault(code, List.of());
    for (int i = all.size() - 1; i >= 0 && newestFirst.size() <= limit; i--) {
      if (all.get(i).version().value() < beforeVersion) newestFirst.add(all.get(i));
    }
    return Optional.of(HistoryPage.of(newestFirst, limit));
  }

  @Override
  public synchronized int pruneHistory(Instant before, int atMost) {
    int deleted = 0;
    for (List<HistoryEntry> entries : historyByCode.values()) {
      var oldest = entries.iterator();
      while (deleted < atMost && oldest.hasNext()) {
        if (!oldest.next().at().isBefore(before)) continue;
        oldest.remove();
        deleted++;
      }
    }
    return deleted;
  }

  /**
   * Holds the store for the whole work, as a database's write lock would: other callers wait. What
   * the work wrote is written at once and undone if it throws.
   */
  @Override
  public synchronized <T> T importInTransaction(Function<ImportSession, T> work) {
    Map<OpportunityCode, Opportunity> before = new HashMap<>(byCode);
    Map<OpportunityCode, List<HistoryEntry>> historyBefore = new HashMap<>();
    historyByCode.forEach((code, entries) -> historyBefore.put(code, new ArrayList<>(entries)));
    long lastIdBefore = lastId;
    try {
      return work.apply(
          new ImportSession() {
            @Override
            public Map<OpportunityCode, Opportunity> findAllByCode(
                Collection<OpportunityCode> codes) {
              return InMemoryOpportunityStore.this.findAllByCode(codes);
            }

            @Override
            public void write(List<NewOpportunity> created, List<Opportunity> updated) {
              importAll(created, updated);
            }
          });
    } catch (RuntimeException | Error e) {
      byCode.clear();
      byCode.putAll(before);
      historyByCode.clear();
      historyByCode.putAll(historyBefore);
      lastId = lastIdBefore;
      throw e;
    }
  }

  private static void checkIsNextVersionOf(Opportunity next, Opportunity current) {
    if (!next.version().equals(current.version().next()) || !next.id().equals(current.id()))
      throw new StaleVersionException(
          "opportunity "
              + current.code()
              + " is at version "
              + current.version()
              + ", not before "
              + next.version());
  }

  @Override
  public boolean isAvailable() {
    return available && cannotWrite.isEmpty();
  }

  @Override
  public Optional<String> unavailableReason() {
    return cannotWrite.or(() -> available ? Optional.empty() : Optional.of("unavailable"));
  }

  /** Makes {@link #isAvailable} answer false, as a broken store would. */
  public void breakDown() {
    available = false;
  }

  /**
   * Makes every write that would change something fail with {@link StoreUnavailableException} for
   * {@code reason}, and the store report it, as a full disk would, until {@link #canWriteAgain()}.
   */
  public void cannotWrite(String reason) {
    cannotWrite = Optional.of(reason);
  }

  public void canWriteAgain() {
    cannotWrite = Optional.empty();
  }

  private void refuseIfCannotWrite() {
    Optional<String> reason = cannotWrite;
    if (reason.isPresent()) throw new StoreUnavailableException(reason.get(), null);
  }

  public synchronized int size() {
    return byCode.size();
  }
}

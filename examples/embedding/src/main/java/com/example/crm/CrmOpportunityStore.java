package com.example.crm;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The CRM's own store behind the domain's port. A real CRM would read and write its own tables here
 * (one transaction per call, {@code SELECT … FOR UPDATE} or a version check); this one keeps rows
 * in a map so the example runs anywhere. History: the domain makes each record ({@link
 * HistoryEntry#of}), the store keeps it with the change (a real CRM: in the same transaction).
 */
public final class CrmOpportunityStore implements OpportunityStore {
  private final Map<OpportunityCode, Opportunity> rows = new ConcurrentHashMap<>();
  private final Map<OpportunityCode, List<HistoryEntry>> history = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  @Override
  public Optional<Opportunity> findByCode(OpportunityCode code) {
    return Optional.ofNullable(rows.get(code));
  }

  /** {@inheritDoc} A real CRM: {@code WHERE code > ? ORDER BY code LIMIT ?} over its code index. */
  @Override
  public List<Opportunity> findPage(Optional<OpportunityCode> after, int limit) {
    return rows.values().stream()
        .filter(row -> after.isEmpty() || row.code().compareTo(after.get()) > 0)
        .sorted(Comparator.comparing(Opportunity::code))
        .limit(limit)
        .toList();
  }

  @Override
  public Opportunity update(
      OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
    // compute() runs the change under the map's lock for that key: one writer at a time per row.
    Opportunity stored =
        rows.computeIfPresent(
            code,
            (key, current) -> {
              Opportunity next = change.apply(current);
              if (!next.equals(current) && !next.version().equals(current.version().next()))
                throw new StaleVersionException(code + " is at version " + current.version());
              if (!next.equals(current)) record(code, HistoryEntry.of(current, next, origin));
              return next;
            });
    if (stored == null) throw new OpportunityNotFoundException(code.value());
    return stored;
  }

  @Override
  public synchronized void importAll(List<NewOpportunity> created, List<Opportunity> updated) {
    for (NewOpportunity opportunity : created) {
      if (rows.containsKey(opportunity.code()))
        throw new StaleVersionException(opportunity.code() + " exists");
    }
    for (Opportunity opportunity : updated) {
      Opportunity current = rows.get(opportunity.code());
      if (current == null || !opportunity.version().equals(current.version().next()))
        throw new StaleVersionException(opportunity.code() + " changed meanwhile");
    }
    for (NewOpportunity opportunity : created) {
      Opportunity stored =
          Opportunity.created(new OpportunityId(ids.incrementAndGet()), opportunity);
      rows.put(stored.code(), stored);
      record(stored.code(), HistoryEntry.ofCreated(opportunity, ChangeOrigin.IMPORT));
    }
    for (Opportunity opportunity : updated) {
      Opportunity before = rows.put(opportunity.code(), opportunity);
      if (before != null)
        record(opportunity.code(), HistoryEntry.of(before, opportunity, ChangeOrigin.IMPORT));
    }
  }

  private void record(OpportunityCode code, HistoryEntry entry) {
    history.computeIfAbsent(code, key -> new CopyOnWriteArrayList<>()).add(entry);
  }

  @Override
  public Optional<HistoryPage> history(OpportunityCode code, long beforeVersion, int limit) {
    if (!rows.containsKey(code)) return Optional.empty();
    List<HistoryEntry> newestFirst = new ArrayList<>();
    List<HistoryEntry> all = history.getOrDefault(code, List.of());
    for (int i = all.size() - 1; i >= 0 && newestFirst.size() <= limit; i--) {
      if (all.get(i).version().value() < beforeVersion) newestFirst.add(all.get(i));
    }
    return Optional.of(HistoryPage.of(newestFirst, limit));
  }

  @Override
  public int pruneHistory(Instant before, int atMost) {
    int deleted = 0;
    for (List<HistoryEntry> entries : history.values()) {
      for (HistoryEntry entry : entries) {
        if (deleted == atMost) return deleted;
        if (entry.at().isBefore(before) && entries.remove(entry)) deleted++;
      }
    }
    return deleted;
  }

  @Override
  public boolean isAvailable() {
    return true;
  }
}

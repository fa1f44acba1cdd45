package com.example.crm;

import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityId;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.StaleVersionException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The CRM's own store behind the domain's port. A real CRM would read and write its own tables here
 * (one transaction per call, {@code SELECT … FOR UPDATE} or a version check); this one keeps rows
 * in a map so the example runs anywhere.
 */
public final class CrmOpportunityStore implements OpportunityStore {
  private final Map<OpportunityCode, Opportunity> rows = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  @Override
  public Optional<Opportunity> findByCode(OpportunityCode code) {
    return Optional.ofNullable(rows.get(code));
  }

  @Override
  public Opportunity update(OpportunityCode code, UnaryOperator<Opportunity> change) {
    // compute() runs the change under the map's lock for that key: one writer at a time per row.
    Opportunity stored =
        rows.computeIfPresent(
            code,
            (key, current) -> {
              Opportunity next = change.apply(current);
              if (!next.equals(current) && !next.version().equals(current.version().next()))
                throw new StaleVersionException(code + " is at version " + current.version());
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
    created.forEach(
        o -> rows.put(o.code(), Opportunity.created(new OpportunityId(ids.incrementAndGet()), o)));
    updated.forEach(o -> rows.put(o.code(), o));
  }

  @Override
  public boolean isAvailable() {
    return true;
  }
}

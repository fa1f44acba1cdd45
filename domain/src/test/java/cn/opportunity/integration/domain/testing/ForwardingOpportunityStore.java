package cn.opportunity.integration.domain.testing;

import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.HistoryPage;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A store that hands every call to another: a test double overrides only what it changes (a write
 * that hangs, fails or races) and keeps every other promise of the store it wraps. {@code
 * updateLater} and {@code importInTransaction} keep the port's defaults, so that they go through
 * this store's own {@code update} and {@code importAll}, overridden or not.
 */
public class ForwardingOpportunityStore implements OpportunityStore {
  protected final OpportunityStore inner;

  public ForwardingOpportunityStore(OpportunityStore inner) {
    this.inner = inner;
  }

  @Override
  public Optional<Opportunity> findByCode(OpportunityCode code) {
    return inner.findByCode(code);
  }

  @Override
  public Map<OpportunityCode, Opportunity> findAllByCode(Collection<OpportunityCode> codes) {
    return inner.findAllByCode(codes);
  }

  @Override
  public List<Opportunity> findPage(Optional<OpportunityCode> after, int limit) {
    return inner.findPage(after, limit);
  }

  @Override
  public Opportunity update(
      OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
    return inner.update(code, origin, change);
  }

  @Override
  public void importAll(List<NewOpportunity> created, List<Opportunity> updated) {
    inner.importAll(created, updated);
  }

  @Override
  public Optional<HistoryPage> history(OpportunityCode code, long beforeVersion, int limit) {
    return inner.history(code, beforeVersion, limit);
  }

  @Override
  public int pruneHistory(Instant before, int atMost) {
    return inner.pruneHistory(before, atMost);
  }

  @Override
  public boolean isAvailable() {
    return inner.isAvailable();
  }

  @Override
  public Optional<String> unavailableReason() {
    return inner.unavailableReason();
  }
}

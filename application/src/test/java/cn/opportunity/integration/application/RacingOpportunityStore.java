package cn.opportunity.integration.application;

import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.HistoryPage;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.StaleVersionException;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import cn.opportunity.integration.domain.testing.Opportunities;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * An in-memory store shared with a writer outside this service, which wins the race the first
 * {@code races} writes: just before each of them it sets {@code competitorName} to {@code 对手-N} (a
 * real change, so the version moves), and the write is refused as stale, as a store that checks
 * versions would refuse it.
 */
final class RacingOpportunityStore implements OpportunityStore {
  final InMemoryOpportunityStore delegate = new InMemoryOpportunityStore();
  private int racesLeft;
  private int rivalWrites;
  int writeAttempts;

  RacingOpportunityStore(int races) {
    this.racesLeft = races;
  }

  int rivalWrites() {
    return rivalWrites;
  }

  private void rivalWrites(OpportunityCode code) {
    String value = "对手-" + ++rivalWrites;
    OpportunityPatch rival =
        OpportunityPatch.builder(code).set(OpportunityField.COMPETITOR_NAME, value).build();
    delegate.update(code, Opportunities.ORIGIN, current -> current.apply(rival, Instant.EPOCH));
  }

  @Override
  public Optional<Opportunity> findByCode(OpportunityCode code) {
    return delegate.findByCode(code);
  }

  @Override
  public List<Opportunity> findPage(Optional<OpportunityCode> after, int limit) {
    return delegate.findPage(after, limit);
  }

  @Override
  public Opportunity update(
      OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
    writeAttempts++;
    if (racesLeft > 0 && delegate.findByCode(code).isPresent()) {
      racesLeft--;
      rivalWrites(code);
      throw new StaleVersionException("another writer changed " + code);
    }
    return delegate.update(code, origin, change);
  }

  @Override
  public Optional<HistoryPage> history(OpportunityCode code, long beforeVersion, int limit) {
    return delegate.history(code, beforeVersion, limit);
  }

  @Override
  public int pruneHistory(Instant before, int atMost) {
    return delegate.pruneHistory(before, atMost);
  }

  @Override
  public void importAll(List<NewOpportunity> created, List<Opportunity> updated) {
    writeAttempts++;
    if (racesLeft > 0 && !updated.isEmpty()) {
      racesLeft--;
      updated.forEach(o -> rivalWrites(o.code()));
      throw new StaleVersionException("another writer changed " + updated.get(0).code());
    }
    delegate.importAll(created, updated);
  }

  @Override
  public boolean isAvailable() {
    return delegate.isAvailable();
  }
}

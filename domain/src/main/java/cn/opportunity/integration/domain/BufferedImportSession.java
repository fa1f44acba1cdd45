package cn.opportunity.integration.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The default of {@link OpportunityStore#importInTransaction} for a store that has only {@link
 * OpportunityStore#importAll}: the session's writes stay in memory until the work returns, then go
 * to the store in one {@code importAll}. An opportunity the session created is held under a
 * provisional id (counting down from {@link Long#MAX_VALUE}) that never reaches the store.
 */
final class BufferedImportSession implements OpportunityStore.ImportSession {
  private final OpportunityStore store;

  /** The last state this session wrote of each opportunity, in the order first written. */
  private final Map<OpportunityCode, Opportunity> written = new LinkedHashMap<>();

  /** The codes of {@link #written} that this session created; the others were stored before. */
  private final Set<OpportunityCode> created = new HashSet<>();

  /**
   * For an opportunity stored before: the version of its first write, one ahead of the stored one.
   */
  private final Map<OpportunityCode, Version> firstWritten = new HashMap<>();

  private long provisionalId = Long.MAX_VALUE;

  private BufferedImportSession(OpportunityStore store) {
    this.store = store;
  }

  static <T> T run(OpportunityStore store, Function<OpportunityStore.ImportSession, T> work) {
    BufferedImportSession session = new BufferedImportSession(store);
    T result = work.apply(session);
    session.storeAll();
    return result;
  }

  @Override
  public Map<OpportunityCode, Opportunity> findAllByCode(Collection<OpportunityCode> codes) {
    List<OpportunityCode> unwritten =
        codes.stream().filter(code -> !written.containsKey(code)).distinct().toList();
    Map<OpportunityCode, Opportunity> found = new HashMap<>(store.findAllByCode(unwritten));
    for (OpportunityCode code : codes) {
      Opportunity mine = written.get(code);
      if (mine != null) found.put(code, mine);
    }
    return found;
  }

  /**
   * Checks the whole write before it keeps any of it, so that a refused write leaves nothing
   * behind.
   */
  @Override
  public void write(List<NewOpportunity> createdNow, List<Opportunity> updated) {
    for (NewOpportunity opportunity : createdNow) {
      if (written.containsKey(opportunity.code()))
        throw new StaleVersionException("opportunity " + opportunity.code() + " exists already");
    }
    for (Opportunity opportunity : updated) {
      Opportunity mine = written.get(opportunity.code());
      if (mine != null
          && (!opportunity.id().equals(mine.id())
              || !opportunity.version().equals(mine.version().next())))
        throw new StaleVersionException(
            "opportunity "
                + opportunity.code()
                + " is at version "
                + mine.version()
                + ", not before "
                + opportunity.version());
    }
    for (NewOpportunity opportunity : createdNow) {
      written.put(
          opportunity.code(), Opportunity.created(new OpportunityId(provisionalId--), opportunity));
      created.add(opportunity.code());
    }
    for (Opportunity opportunity : updated) {
      if (!created.contains(opportunity.code()))
        firstWritten.putIfAbsent(opportunity.code(), opportunity.version());
      written.put(opportunity.code(), opportunity);
    }
  }

  /** Each opportunity in its last state: a created one as new, a stored one one version ahead. */
  private void storeAll() {
    List<NewOpportunity> inserts = new ArrayList<>();
    List<Opportunity> updates = new ArrayList<>();
    for (Opportunity last : written.values()) {
      if (created.contains(last.code())) {
        inserts.add(
            new NewOpportunity(
                last.code(), last.finalCustomerName(), last.details(), last.createdAt()));
      } else {
        updates.add(
            Opportunity.restore(
                last.id(),
                last.code(),
                last.finalCustomerName().orElse(null),
                last.details(),
                last.createdAt(),
                last.updatedAt(),
                // write() noted the first version of each opportunity it did not create
                Objects.requireNonNull(firstWritten.get(last.code()))));
      }
    }
    if (!inserts.isEmpty() || !updates.isEmpty()) store.importAll(inserts, updates);
  }
}

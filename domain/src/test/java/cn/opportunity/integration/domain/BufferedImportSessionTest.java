package cn.opportunity.integration.domain;

import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import cn.opportunity.integration.domain.testing.OpportunityStoreContract;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The default {@link OpportunityStore#importInTransaction}, on a store that has only {@code
 * importAll} (as an embedding CRM's store written before it may): it keeps the contract.
 */
class BufferedImportSessionTest extends OpportunityStoreContract {
  /** Every method but {@code importInTransaction}, which keeps its default. */
  static final class StoreWithoutTransactions implements OpportunityStore {
    final InMemoryOpportunityStore inner = new InMemoryOpportunityStore();
    final List<Integer> importAllSizes = new ArrayList<>();
    final List<OpportunityCode> read = new ArrayList<>();

    @Override
    public Optional<Opportunity> findByCode(OpportunityCode code) {
      read.add(code);
      return inner.findByCode(code);
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
    public Optional<HistoryPage> history(OpportunityCode code, long beforeVersion, int limit) {
      return inner.history(code, beforeVersion, limit);
    }

    @Override
    public int pruneHistory(Instant before, int atMost) {
      return inner.pruneHistory(before, atMost);
    }

    @Override
    public void importAll(List<NewOpportunity> created, List<Opportunity> updated) {
      importAllSizes.add(created.size() + updated.size());
      inner.importAll(created, updated);
    }

    @Override
    public boolean isAvailable() {
      return inner.isAvailable();
    }
  }

  @Override
  protected OpportunityStore newStore() {
    return new StoreWithoutTransactions();
  }

  @Test
  void storesEachOpportunityOnceInItsLastStateWithOneImportAll() {
    Opportunity stored = insert(anOpportunity().code("BUF-1").build());
    NewOpportunity fresh = anOpportunity().code("BUF-2").build();
    List<OpportunityCode> both = List.of(stored.code(), fresh.code());
    ((StoreWithoutTransactions) store).importAllSizes.clear();
    store.importInTransaction(
        session -> {
          session.write(
              List.of(fresh),
              List.of(stored.apply(patch("BUF-1", OpportunityField.SOURCE, "一"), LATER)));
          Map<OpportunityCode, Opportunity> seen = session.findAllByCode(both);
          session.write(
              List.of(),
              List.of(
                  seen.get(stored.code())
                      .apply(patch("BUF-1", OpportunityField.SOURCE, "二"), LATER),
                  seen.get(fresh.code())
                      .apply(patch("BUF-2", OpportunityField.SOURCE, "三"), LATER)));
          assertTrue(
              store.findByCode(fresh.code()).isEmpty(),
              "nothing reaches the store before the work returns");
          return null;
        });
    assertEquals(List.of(2), ((StoreWithoutTransactions) store).importAllSizes);
    Opportunity first = store.findByCode(stored.code()).orElseThrow();
    assertEquals("二", first.details().source());
    assertEquals(new Version(2), first.version());
    Opportunity second = store.findByCode(fresh.code()).orElseThrow();
    assertEquals("三", second.details().source());
    assertEquals(Version.FIRST, second.version());
    assertTrue(second.id().value() < Long.MAX_VALUE / 2, "the store's id, not the provisional one");
  }

  /** Its own writes answer from memory: the store is asked only for what the session has not. */
  @Test
  void readsFromTheStoreOnlyWhatTheSessionHasNotWritten() {
    Opportunity stored = insert(anOpportunity().code("BUF-1").build());
    Opportunity other = insert(anOpportunity().code("BUF-3").build());
    NewOpportunity fresh = anOpportunity().code("BUF-2").build();
    StoreWithoutTransactions plain = (StoreWithoutTransactions) store;
    Map<OpportunityCode, Opportunity> seen =
        store.importInTransaction(
            session -> {
              session.write(
                  List.of(fresh),
                  List.of(stored.apply(patch("BUF-1", OpportunityField.SOURCE, "一"), LATER)));
              plain.read.clear();
              return session.findAllByCode(List.of(stored.code(), fresh.code(), other.code()));
            });
    assertEquals(List.of(other.code()), plain.read);
    assertEquals("一", seen.get(stored.code()).details().source());
    assertEquals(fresh.details(), seen.get(fresh.code()).details());
    assertEquals(other, seen.get(other.code()));
  }

  @Test
  void callsNoImportAllWhenTheWorkWroteNothing() {
    insert(anOpportunity().code("BUF-1").build());
    StoreWithoutTransactions plain = (StoreWithoutTransactions) store;
    plain.importAllSizes.clear();
    assertEquals(
        "read only",
        store.importInTransaction(
            session -> {
              session.findAllByCode(List.of(new OpportunityCode("BUF-1")));
              session.write(List.of(), List.of());
              return "read only";
            }));
    assertEquals(List.of(), plain.importAllSizes);
  }

  /** The default of a store that knows only whether it is available, not why. */
  @Test
  void namesNoReasonButThatItIsUnavailable() {
    assertEquals(Optional.empty(), store.unavailableReason());
    ((StoreWithoutTransactions) store).inner.breakDown();
    assertEquals(Optional.of("unavailable"), store.unavailableReason());
  }
}

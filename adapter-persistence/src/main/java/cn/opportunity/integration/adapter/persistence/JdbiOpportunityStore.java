package cn.opportunity.integration.adapter.persistence;

import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.StaleVersionException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Opportunities in SQLite. Writes run one at a time (SQLite has one writer; the database's fair lock gives
 * waiters first-come order instead of SQLite's unfair busy polling), each in one {@code BEGIN
 * IMMEDIATE} transaction that reads, changes and writes the row with a version check.
 */
public final class JdbiOpportunityStore implements OpportunityStore {
  private final Jdbi jdbi;
  private final ReentrantLock writeLock;

  /** @param writeLock the database's one writer lock, shared by its stores */
  JdbiOpportunityStore(Jdbi jdbi, ReentrantLock writeLock) {
    this.jdbi = jdbi;
    this.writeLock = writeLock;
  }

  @Override
  public Optional<Opportunity> findByCode(OpportunityCode code) {
    return jdbi.withExtension(OpportunityDao.class, dao -> dao.findByCode(code.value()).map(OpportunityRow::toDomain));
  }

  @Override
  public Opportunity update(OpportunityCode code, UnaryOperator<Opportunity> change) {
    return writing(() -> jdbi.inTransaction(handle -> {
      OpportunityDao dao = handle.attach(OpportunityDao.class);
      Opportunity current = dao.findByCode(code.value())
          .map(OpportunityRow::toDomain)
          .orElseThrow(() -> new OpportunityNotFoundException(code.value()));
      Opportunity next = change.apply(current);
      if (next == current || next.equals(current)) return current;
      write(dao, current, next);
      return next;
    }));
  }

  @Override
  public void importAll(List<NewOpportunity> created, List<Opportunity> updated) {
    writing(() -> jdbi.inTransaction(handle -> {
      OpportunityDao dao = handle.attach(OpportunityDao.class);
      for (NewOpportunity opportunity : created) {
        if (dao.findByCode(opportunity.code().value()).isPresent())
          throw new StaleVersionException("opportunity " + opportunity.code() + " exists already");
        dao.insert(OpportunityRow.from(opportunity));
      }
      for (Opportunity opportunity : updated) {
        Opportunity current = dao.findByCode(opportunity.code().value())
            .map(OpportunityRow::toDomain)
            .orElseThrow(() -> new StaleVersionException("opportunity " + opportunity.code() + " is gone"));
        write(dao, current, opportunity);
      }
      return null;
    }));
  }

  private static void write(OpportunityDao dao, Opportunity current, Opportunity next) {
    if (!next.id().equals(current.id()) || !next.version().equals(current.version().next()))
      throw new StaleVersionException("opportunity " + current.code() + " is at version " + current.version()
          + ", not the one before " + next.version());
    if (dao.update(OpportunityRow.from(next), current.version().value()) != 1)
      throw new StaleVersionException("opportunity " + current.code() + " changed meanwhile");
  }

  private <T> T writing(Supplier<T> transaction) {
    writeLock.lock();
    try {
      return transaction.get();
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public boolean isAvailable() {
    try {
      return jdbi.withHandle((Handle handle) -> handle.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
    } catch (RuntimeException e) {
      return false;
    }
  }
}

package cn.opportunity.integration.adapter.persistence;

import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.HistoryPage;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.StaleVersionException;
import cn.opportunity.integration.domain.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opportunities in SQLite. Writes run one transaction at a time under the database's fair lock
 * (SQLite has one writer, and its busy handler is unfair), each a {@code BEGIN IMMEDIATE}
 * transaction that commits, synced, before the method returns; concurrent updates share one (group
 * commit), an import has one of its own. Reads outside an import are single autocommit {@code
 * SELECT}s and take no write lock. Exceptions thrown by a change reach the caller unchanged, after
 * the rollback of that change alone.
 */
public final class JdbiOpportunityStore implements OpportunityStore {
  private static final Logger log = LoggerFactory.getLogger(JdbiOpportunityStore.class);

  /** Codes an {@code IN} list carries at most. */
  static final int CHUNK = 500;

  private final Supplier<Jdbi> jdbi;
  private final ConnectionFactory connections;
  private final ReentrantLock writeLock;
  private final GroupCommitWriter writer;
  private final WriteHealth writeHealth;

  /**
   * @param jdbi the database's Jdbi, built at its first use
   * @param connections the database's connections, for the health check without Jdbi
   * @param writeLock the database's one writer lock, shared by its stores and its writer
   * @param writeHealth whether the database's file takes writes, shared by its stores and its
   *     writer
   */
  JdbiOpportunityStore(
      Supplier<Jdbi> jdbi,
      ConnectionFactory connections,
      ReentrantLock writeLock,
      GroupCommitWriter writer,
      WriteHealth writeHealth) {
    this.jdbi = jdbi;
    this.connections = connections;
    this.writeLock = writeLock;
    this.writer = writer;
    this.writeHealth = writeHealth;
  }

  @Override
  public Optional<Opportunity> findByCode(OpportunityCode code) {
    return jdbi.get()
        .withExtension(OpportunityDao.class, dao -> dao.findByCode(code.value()))
        .map(OpportunityRow::toDomain);
  }

  /** {@inheritDoc} One query, a range read of the code's index; no write lock. */
  @Override
  public List<Opportunity> findPage(Optional<OpportunityCode> after, int limit) {
    if (limit < 1) throw new IllegalArgumentException("limit " + limit);
    List<OpportunityRow> rows =
        jdbi.get()
            .withExtension(
                OpportunityDao.class,
                dao ->
                    after.isEmpty()
                        ? dao.findFirstPage(limit)
                        : dao.findPageAfter(after.get().value(), limit));
    return rows.stream().map(OpportunityRow::toDomain).toList();
  }

  /** {@inheritDoc} One connection, one query per {@link #CHUNK} codes. */
  @Override
  public Map<OpportunityCode, Opportunity> findAllByCode(Collection<OpportunityCode> codes) {
    List<String> distinct = codes.stream().map(OpportunityCode::value).distinct().toList();
    Map<OpportunityCode, Opportunity> found = new HashMap<>();
    if (distinct.isEmpty()) return found;
    jdbi.get()
        .useExtension(
            OpportunityDao.class,
            dao -> {
              for (int from = 0; from < distinct.size(); from += CHUNK) {
                for (OpportunityRow row :
                    dao.findAllByCode(
                        distinct.subList(from, Math.min(distinct.size(), from + CHUNK)))) {
                  Opportunity opportunity = row.toDomain();
                  found.put(opportunity.code(), opportunity);
                }
              }
            });
    return found;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Runs in the database's group commit (see {@link GroupCommitWriter}): it shares its
   * transaction and its synced commit with the updates of other callers waiting at the same time.
   *
   * @throws IllegalStateException when {@code change} returns something else than the opportunity
   *     itself or its next version (a bug of the change, not a concurrent writer)
   */
  @Override
  public Opportunity update(
      OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
    return writer.update(code, origin, change);
  }

  /**
   * In the next group commit; completed by the writer's answering thread once the commit is synced.
   */
  @Override
  public CompletionStage<Opportunity> updateLater(
      OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
    return writer.submit(code, origin, change);
  }

  /**
   * {@inheritDoc} On a connection of its own, down migration V6's chain: the opportunity by its
   * code, then each record by its id (see {@link HistoryRows#pageOfChain}).
   */
  @Override
  public Optional<HistoryPage> history(OpportunityCode code, long beforeVersion, int limit) {
    try (Connection connection = connections.openConnection()) {
      return HistoryRows.pageOfChain(connection, code, beforeVersion, limit);
    } catch (SQLException e) {
      throw new IllegalStateException("reading the history failed: " + e.getMessage(), e);
    }
  }

  /**
   * {@inheritDoc} One statement in a transaction of its own, under the writer lock: the group
   * commit waits for it no longer than the delete of {@code atMost} rows read by key takes. In the
   * order written: of the {@code atMost} oldest records by id, those made before {@code before}
   * (see {@link HistoryRows#DELETE_OLDER_WRITTEN_FIRST}).
   */
  @Override
  public int pruneHistory(Instant before, int atMost) {
    return writing(
        () -> {
          try (Connection connection = connections.openConnection()) {
            return HistoryRows.prune(
                connection, HistoryRows.DELETE_OLDER_WRITTEN_FIRST, before, atMost);
          } catch (SQLException e) {
            throw new IllegalStateException("pruning the history failed: " + e.getMessage(), e);
          }
        });
  }

  /** {@inheritDoc} As one {@link #importInTransaction} that writes once. */
  @Override
  public void importAll(List<NewOpportunity> created, List<Opportunity> updated) {
    if (created.isEmpty() && updated.isEmpty()) return;
    importInTransaction(
        session -> {
          session.write(created, updated);
          return null;
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>One {@code BEGIN IMMEDIATE} transaction on a connection of its own ({@link
   * ImportTransaction}), under the database's writer lock for as long as {@code work} runs: the
   * group commit's updates in this process wait for it (and are refused as busy after {@link
   * SqliteDatabase#UPDATE_MAX_WAIT}), another process's writers wait in SQLite's busy timeout. Each
   * write goes to the database at once, inserts then updates, each as one batch; SQLite keeps a few
   * MB of the transaction's pages in memory and the rest in the WAL until the commit. A code taken,
   * or an updated row not exactly one version ahead of the stored one, fails the write with {@link
   * StaleVersionException}.
   */
  @Override
  public <T> T importInTransaction(Function<ImportSession, T> work) {
    return writing(() -> ImportTransaction.run(connections, work));
  }

  /**
   * Runs a write transaction under the writer lock; a file that cannot be written: {@link
   * StoreUnavailableException}.
   */
  private <T> T writing(Supplier<T> transaction) {
    writeLock.lock();
    try {
      return writeHealth.track(transaction);
    } finally {
      writeLock.unlock();
    }
  }

  /** {@link #unavailableReason()} is empty. */
  @Override
  public boolean isAvailable() {
    return unavailableReason().isEmpty();
  }

  /**
   * {@inheritDoc}
   *
   * <p>While writes fail for a condition of the file (full, read-only, an I/O error: the last write
   * found it), that condition, until a write succeeds again; otherwise whether the file can be
   * opened and its schema read.
   */
  @Override
  public Optional<String> unavailableReason() {
    Optional<String> writesFailing = writeHealth.reason();
    if (writesFailing.isPresent()) return writesFailing;
    try (Connection connection = connections.openConnection()) {
      return Migrations.version(connection) > 0
          ? Optional.empty()
          : Optional.of("the database has no schema");
    } catch (Exception e) {
      log.debug("store unavailable: {}", e.toString());
      return Optional.of(WriteHealth.fileCondition(e).orElse("the database cannot be read"));
    }
  }
}

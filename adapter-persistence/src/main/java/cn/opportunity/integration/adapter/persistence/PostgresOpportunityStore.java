package cn.opportunity.integration.adapter.persistence;

import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.HistoryPage;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.StaleVersionException;
import cn.opportunity.integration.domain.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opportunities in PostgreSQL (CONTRACT §6), shared by every instance that points at the database.
 * Updates go through the same group commit as SQLite's ({@link GroupCommitWriter}, with {@link
 * #DIALECT}): the updates waiting at the same time share one transaction on a pooled connection and
 * one WAL flush, each in a savepoint of its own; its row is read {@code SELECT … FOR UPDATE} (so
 * the updates of one opportunity, from any instance, run one after the other), the change runs on
 * it inside the transaction, and the next version is written, version-checked, with its history
 * record before the commit. Imports go through {@link ImportTransaction}, whose writes are
 * version-checked and need no lock. Plain JDBC and the same SQL and row mapping as the SQLite
 * store: the columns and their values are the same in both dialects.
 *
 * <p>A database that cannot be reached (no connection within {@link
 * PostgresDatabase#CONNECTION_TIMEOUT}, a connection lost, the server shutting down or out of
 * space) fails a write with {@link StoreUnavailableException}; nothing was committed then.
 *
 * <p>PostgreSQL's {@code text} cannot hold U+0000 (docs/scaling.md): a code holding one is never
 * stored, so it is not found, as any unknown code, without asking the database (which would refuse
 * the statement).
 */
public final class PostgresOpportunityStore implements OpportunityStore {
  private static final Logger log = LoggerFactory.getLogger(PostgresOpportunityStore.class);

  /**
   * The group commit on PostgreSQL: a plain {@code BEGIN}; the batch's rows read and locked {@code
   * FOR UPDATE} by one statement, in the order of the codes (one by one when the batch runs again
   * in savepoints); a connection from the pool for each batch; at most 64 updates a batch, as
   * PostgreSQL keeps the ids of 64 subtransactions (savepoints that wrote) a transaction in shared
   * memory and makes every other session's snapshot slower beyond; a database that cannot be
   * reached or is full fails the batch.
   */
  static final GroupCommitWriter.Dialect DIALECT =
      new GroupCommitWriter.Dialect(
          "BEGIN",
          OpportunityDao.SELECT_BY_CODE + " FOR UPDATE",
          Optional.of(
              "SELECT id, "
                  + OpportunityDao.COLUMNS
                  + " FROM opportunity WHERE opportunity_code = ANY (?)"
                  + " ORDER BY opportunity_code COLLATE \"C\" FOR UPDATE"),
          64,
          false,
          PostgresOpportunityStore::databaseCondition,
          OpportunityDao.UPDATE_BY_POSITION,
          HistoryRows.INSERT_BY_ID,
          false,
          TextColumns.WITHOUT_NUL);

  private final ConnectionFactory connections;
  private final GroupCommitWriter writer;

  /** Text PostgreSQL can store: without U+0000. */
  private static final Predicate<String> STORABLE = text -> text.indexOf('\u0000') < 0;

  PostgresOpportunityStore(ConnectionFactory connections, GroupCommitWriter writer) {
    this.connections = connections;
    this.writer = writer;
  }

  @Override
  public Optional<Opportunity> findByCode(OpportunityCode code) {
    return Optional.ofNullable(findAllByCode(List.of(code)).get(code));
  }

  /** {@inheritDoc} One connection, one query per {@link JdbiOpportunityStore#CHUNK} codes. */
  @Override
  public Map<OpportunityCode, Opportunity> findAllByCode(Collection<OpportunityCode> codes) {
    List<String> distinct =
        codes.stream().map(OpportunityCode::value).filter(STORABLE).distinct().toList();
    Map<OpportunityCode, Opportunity> found = new HashMap<>();
    if (distinct.isEmpty()) return found;
    try (Connection connection = connections.openConnection()) {
      for (int from = 0; from < distinct.size(); from += JdbiOpportunityStore.CHUNK) {
        List<String> chunk =
            distinct.subList(from, Math.min(distinct.size(), from + JdbiOpportunityStore.CHUNK));
        try (PreparedStatement select =
            connection.prepareStatement(ImportTransaction.selectByCodes(chunk.size()))) {
          for (int i = 0; i < chunk.size(); i++) select.setString(i + 1, chunk.get(i));
          try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              Opportunity opportunity =
                  DIALECT.text().fromStore(OpportunityRow.read(rows)).toDomain();
              found.put(opportunity.code(), opportunity);
            }
          }
        }
      }
    } catch (SQLException e) {
      throw failure("reading opportunities", e);
    }
    return found;
  }

  /**
   * {@inheritDoc} Codes compare byte by byte ({@code COLLATE "C"}: UTF-8 byte order is code-point
   * order), as SQLite's do, whatever the database's own collation.
   */
  @Override
  public List<Opportunity> findPage(Optional<OpportunityCode> after, int limit) {
    if (limit < 1) throw new IllegalArgumentException("limit " + limit);
    String sql =
        "SELECT id, "
            + OpportunityDao.COLUMNS
            + " FROM opportunity"
            + (after.isPresent() ? " WHERE opportunity_code > ? COLLATE \"C\"" : "")
            + " ORDER BY opportunity_code COLLATE \"C\" LIMIT ?";
    List<Opportunity> page = new ArrayList<>(Math.min(limit, 1_000));
    try (Connection connection = connections.openConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      int parameter = 1;
      if (after.isPresent()) select.setString(parameter++, beforeAnyNul(after.get().value()));
      select.setInt(parameter, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next())
          page.add(DIALECT.text().fromStore(OpportunityRow.read(rows)).toDomain());
      }
    } catch (SQLException e) {
      throw failure("reading opportunities", e);
    }
    return page;
  }

  /**
   * {@code code} up to its first U+0000: no stored code holds one, and U+0000 is the least
   * character, so the stored codes after {@code code} are exactly those after this.
   */
  private static String beforeAnyNul(String code) {
    int nul = code.indexOf('\u0000');
    return nul < 0 ? code : code.substring(0, nul);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Runs in this instance's group commit (see {@link GroupCommitWriter}): it shares its
   * transaction and its WAL flush with the updates of other callers waiting at the same time, in a
   * savepoint of its own.
   *
   * @throws IllegalStateException when {@code change} returns something else than the opportunity
   *     itself or its next version (a bug of the change, not a concurrent writer)
   */
  @Override
  public Opportunity update(
      OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
    if (!STORABLE.test(code.value())) throw new OpportunityNotFoundException(code.value());
    return writer.update(code, origin, change);
  }

  /**
   * In the next group commit; completed by the writer's answering thread once the commit is
   * flushed.
   */
  @Override
  public CompletionStage<Opportunity> updateLater(
      OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
    if (!STORABLE.test(code.value()))
      return CompletableFuture.failedFuture(new OpportunityNotFoundException(code.value()));
    return writer.submit(code, origin, change);
  }

  /**
   * {@inheritDoc} Two indexed reads on one connection: the opportunity's id by its code, then its
   * records by the unique index (id, version), from {@code beforeVersion} down.
   */
  @Override
  public Optional<HistoryPage> history(OpportunityCode code, long beforeVersion, int limit) {
    if (!STORABLE.test(code.value())) return Optional.empty();
    try (Connection connection = connections.openConnection()) {
      return HistoryRows.page(connection, code, beforeVersion, limit);
    } catch (SQLException e) {
      throw failure("reading the history", e);
    }
  }

  /** {@inheritDoc} One statement, its own transaction. */
  @Override
  public int pruneHistory(Instant before, int atMost) {
    try (Connection connection = connections.openConnection()) {
      return HistoryRows.prune(connection, HistoryRows.DELETE_OLDER, before, atMost);
    } catch (SQLException e) {
      throw failure("pruning the history", e);
    }
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
   * <p>One transaction on a pooled connection ({@link ImportTransaction}): its updates are written
   * over exactly the version they follow and its inserts only where the code is free, so an
   * opportunity changed meanwhile by any instance fails the import with {@link
   * StaleVersionException}. Updates of the same opportunities wait for its commit (row locks).
   */
  @Override
  public <T> T importInTransaction(Function<ImportSession, T> work) {
    try {
      return ImportTransaction.run(connections, "BEGIN", DIALECT.text(), work);
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof SQLException sql) throw failure("importing", sql);
      throw e;
    }
  }

  /** {@link #unavailableReason()} is empty. */
  @Override
  public boolean isAvailable() {
    return unavailableReason().isEmpty();
  }

  /**
   * {@inheritDoc} Whether a connection can be had and the schema read: Flyway's record of it shows
   * at least one migration.
   */
  @Override
  public Optional<String> unavailableReason() {
    try (Connection connection = connections.openConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT count(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL");
        ResultSet row = select.executeQuery()) {
      return row.next() && row.getLong(1) > 0
          ? Optional.empty()
          : Optional.of("the database has no schema");
    } catch (SQLException e) {
      log.debug("store unavailable: {}", e.toString());
      return Optional.of(unreachable(e) ? "the database cannot be reached" : "the database fails");
    }
  }

  /**
   * What a failed statement means to the caller: a database that cannot be reached or cannot write
   * now is {@link StoreUnavailableException}, anything else a failure of this store.
   */
  static RuntimeException failure(String what, SQLException e) {
    if (unreachable(e)) {
      log.warn("{} failed, the database cannot be reached: {}", what, e.toString());
      return new StoreUnavailableException("the database cannot be reached", e);
    }
    if ("53100".equals(e.getSQLState()))
      return new StoreUnavailableException("database or disk is full", e);
    return new IllegalStateException(what + " failed: " + e.getMessage(), e);
  }

  /**
   * The condition of the database behind {@code failure} (or any of its causes), for the group
   * commit: {@code the database cannot be reached} ({@link #unreachable}) or {@code database or
   * disk is full} (SQLSTATE 53100); empty for a failure of one update.
   */
  static Optional<String> databaseCondition(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < 16; depth++) {
      if (cause instanceof SQLException sql) {
        if (unreachable(sql)) return Optional.of("the database cannot be reached");
        if ("53100".equals(sql.getSQLState())) return Optional.of("database or disk is full");
        // a batch's failure holds the statement's in its chain of next exceptions
        if (sql.getCause() == null && sql.getNextException() != null) {
          cause = sql.getNextException();
          continue;
        }
      }
      cause = cause.getCause();
    }
    return Optional.empty();
  }

  /**
   * No connection (the pool's timeout, SQLSTATE class 08), or the server going away (57P01–57P03,
   * shutdown and starting up).
   */
  static boolean unreachable(SQLException e) {
    if (e instanceof SQLTransientConnectionException) return true;
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.startsWith("57P"));
  }
}

package cn.opportunity.integration.adapter.persistence;

import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.HistoryEntry;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.StaleVersionException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jdbi.v3.core.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link JdbiOpportunityStore#importInTransaction}: a connection of its own, one {@code BEGIN
 * IMMEDIATE} … {@code COMMIT} (or {@code ROLLBACK}), and its statements prepared once. Plain JDBC,
 * as the group commit's writer: a chunk of one line (a file that repeats a code on every line has
 * one chunk a line) then costs about a row's work, where Jdbi prepared every statement anew.
 */
final class ImportTransaction implements OpportunityStore.ImportSession {
  private static final Logger log = LoggerFactory.getLogger(ImportTransaction.class);

  private final Connection connection;
  private final PreparedStatement selectOne;

  /**
   * Codes of a whole {@link JdbiOpportunityStore#CHUNK} in one query; fewer get a statement of
   * their own.
   */
  private final PreparedStatement selectChunk;

  private final PreparedStatement insert;
  private final PreparedStatement update;
  private final PreparedStatement history;
  private final TextColumns text;

  /**
   * What the last {@link #findAllByCode} read: the state before a write, for its history records.
   */
  private final Map<OpportunityCode, Opportunity> lastRead = new HashMap<>();

  private ImportTransaction(Connection connection, TextColumns text) throws SQLException {
    this.connection = connection;
    this.text = text;
    this.selectOne = connection.prepareStatement(OpportunityDao.SELECT_BY_CODE);
    this.selectChunk = connection.prepareStatement(selectByCodes(JdbiOpportunityStore.CHUNK));
    this.insert = connection.prepareStatement(OpportunityDao.INSERT_BY_POSITION);
    this.update = connection.prepareStatement(OpportunityDao.UPDATE_BY_POSITION);
    this.history = connection.prepareStatement(HistoryRows.INSERT);
  }

  /**
   * Runs {@code work} in one transaction on a new connection and commits what it wrote, or rolls
   * everything back when it throws; the connection is closed either way. The caller holds the
   * database's writer lock.
   *
   * @throws IllegalStateException when the database fails (SQLite's busy timeout ran out, a full
   *     disk …)
   */
  static <T> T run(
      ConnectionFactory connections, Function<OpportunityStore.ImportSession, T> work) {
    // BEGIN IMMEDIATE waits for another process's writer up to the busy timeout
    return run(connections, "BEGIN IMMEDIATE", TextColumns.AS_IS, work);
  }

  /**
   * {@link #run(ConnectionFactory, Function)} with the dialect's statement that begins the
   * transaction ({@code BEGIN} on PostgreSQL, where the version-checked writes need no write lock)
   * and its {@link TextColumns}.
   */
  static <T> T run(
      ConnectionFactory connections,
      String begin,
      TextColumns text,
      Function<OpportunityStore.ImportSession, T> work) {
    try (Connection connection = connections.openConnection()) {
      execute(connection, begin);
      T result;
      try {
        result = work.apply(new ImportTransaction(connection, text));
        execute(connection, "COMMIT");
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(connection, e);
        throw e;
      }
      return result;
    } catch (SQLException e) {
      throw new IllegalStateException("the import's transaction failed: " + e.getMessage(), e);
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.execute();
    }
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      execute(connection, "ROLLBACK");
    } catch (SQLException | RuntimeException e) { // closing the connection rolls back all the same
      log.debug("rollback after {}: {}", cause.toString(), e.toString());
    }
  }

  @Override
  public Map<OpportunityCode, Opportunity> findAllByCode(Collection<OpportunityCode> codes) {
    List<String> distinct = codes.stream().map(OpportunityCode::value).distinct().toList();
    Map<OpportunityCode, Opportunity> found = new HashMap<>();
    lastRead.clear();
    try {
      for (int from = 0; from < distinct.size(); from += JdbiOpportunityStore.CHUNK) {
        List<String> chunk =
            distinct.subList(from, Math.min(distinct.size(), from + JdbiOpportunityStore.CHUNK));
        if (chunk.size() == 1) {
          select(selectOne, chunk, found);
        } else if (chunk.size() == JdbiOpportunityStore.CHUNK) {
          select(selectChunk, chunk, found);
        } else {
          try (PreparedStatement select =
              connection.prepareStatement(selectByCodes(chunk.size()))) {
            select(select, chunk, found);
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading opportunities failed: " + e.getMessage(), e);
    }
    lastRead.putAll(found);
    return found;
  }

  private void select(
      PreparedStatement select, List<String> codes, Map<OpportunityCode, Opportunity> found)
      throws SQLException {
    for (int i = 0; i < codes.size(); i++) select.setString(i + 1, codes.get(i));
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        Opportunity opportunity = text.fromStore(OpportunityRow.read(rows)).toDomain();
        found.put(opportunity.code(), opportunity);
      }
    }
  }

  /**
   * {@inheritDoc} Inserts, then updates, then their history records, each as one JDBC batch. The
   * record of an update is made against the state {@link #findAllByCode} last read of it (read
   * again if it was not).
   */
  @Override
  public void write(List<NewOpportunity> created, List<Opportunity> updated) {
    try {
      List<HistoryEntry> records = new ArrayList<>(created.size() + updated.size());
      for (NewOpportunity opportunity : created)
        records.add(HistoryEntry.ofCreated(opportunity, ChangeOrigin.IMPORT));
      for (Opportunity opportunity : updated)
        records.add(HistoryEntry.of(before(opportunity), opportunity, ChangeOrigin.IMPORT));
      List<OpportunityRow> inserts = new ArrayList<>(created.size());
      for (NewOpportunity opportunity : created) {
        OpportunityRow row = text.toStore(OpportunityRow.from(opportunity));
        row.bindInsert(insert);
        insert.addBatch();
        inserts.add(row);
      }
      if (!inserts.isEmpty()) requireOneEach(insert.executeBatch(), inserts, "exists already");
      List<OpportunityRow> updates = new ArrayList<>(updated.size());
      for (Opportunity opportunity : updated) {
        OpportunityRow row = text.toStore(OpportunityRow.from(opportunity));
        row.bindUpdate(update);
        update.addBatch();
        updates.add(row);
      }
      if (!updates.isEmpty())
        requireOneEach(update.executeBatch(), updates, "changed since it was read, or is gone");
      int position = 0;
      for (NewOpportunity opportunity : created) {
        HistoryRows.bind(history, records.get(position++), opportunity.code().value());
        history.addBatch();
      }
      for (Opportunity opportunity : updated) {
        HistoryRows.bind(history, records.get(position++), opportunity.code().value());
        history.addBatch();
      }
      if (!records.isEmpty()) history.executeBatch();
      lastRead.clear();
    } catch (SQLException e) {
      throw new IllegalStateException("writing opportunities failed: " + e.getMessage(), e);
    }
  }

  /**
   * The stored state {@code next} follows, for its history record: as {@link #findAllByCode} last
   * read it, or read now; a state {@code next} does not follow fails the write as stale.
   */
  private Opportunity before(Opportunity next) throws SQLException {
    Opportunity read = lastRead.get(next.code());
    if (read == null) {
      Map<OpportunityCode, Opportunity> found = new HashMap<>();
      select(selectOne, List.of(next.code().value()), found);
      read = found.get(next.code());
    }
    if (read == null || !read.version().next().equals(next.version()))
      throw new StaleVersionException("opportunity " + next.code() + " changed since it was read");
    return read;
  }

  private static void requireOneEach(int[] counts, List<OpportunityRow> rows, String otherwise) {
    if (counts.length != rows.size())
      throw new IllegalStateException(
          rows.size() + " rows written in a batch, " + counts.length + " counted");
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] != 1)
        throw new StaleVersionException(
            "opportunity " + rows.get(i).opportunityCode() + " " + otherwise);
    }
  }

  /**
   * {@link OpportunityDao#findAllByCode}'s query for {@code count} codes, with positional
   * parameters.
   */
  static String selectByCodes(int count) {
    return "SELECT id, "
        + OpportunityDao.COLUMNS
        + " FROM opportunity WHERE opportunity_code IN ("
        + "?, ".repeat(count - 1)
        + "?)";
  }
}

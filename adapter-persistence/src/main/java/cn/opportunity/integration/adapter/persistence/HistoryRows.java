package cn.opportunity.integration.adapter.persistence;

import cn.opportunity.integration.domain.ChangeSource;
import cn.opportunity.integration.domain.Changes;
import cn.opportunity.integration.domain.FieldChange;
import cn.opportunity.integration.domain.HistoryEntry;
import cn.opportunity.integration.domain.HistoryPage;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.Version;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SQL of the {@code opportunity_history} table and the mapping of its rows: plain JDBC, as the
 * writer's. The changes are a JSON object of canonical values: text, exact decimals (the amount,
 * with its two places), integers, booleans, {@code null}.
 */
final class HistoryRows {
  private HistoryRows() {}

  /**
   * Inserts a record for the opportunity with a code (an import's, whose new rows' ids it does not
   * know): parameters {@link #bind}'s seven, the code last.
   */
  static final String INSERT =
      """
      INSERT INTO opportunity_history (opportunity_id, version, at, caller, request_id, source, changes)
      SELECT id, ?, ?, ?, ?, ?, ? FROM opportunity WHERE opportunity_code = ?""";

  /**
   * Inserts a record for the opportunity with an id (the writer's): the same seven, the id last.
   */
  static final String INSERT_BY_ID =
      """
      INSERT INTO opportunity_history (version, at, caller, request_id, source, changes, opportunity_id)
      VALUES (?, ?, ?, ?, ?, ?, ?)""";

  /**
   * SQLite's insert of a record of the chain (migrations V6, V7) by the writer, which names it all:
   * its id, the record before it ({@code previous}; {@link #NO_PREVIOUS} for an opportunity's first
   * record), then {@link #bind}'s seven, the opportunity's id last. The writer inserts a batch's
   * records at its end (see {@link GroupCommitWriter}); the rows already point at them ({@link
   * #UPDATE_SETTING_HEAD}). Migration V7's trigger, for inserts that name no previous record, does
   * nothing for them.
   */
  static final String INSERT_CHAINED =
      """
      INSERT INTO opportunity_history (id, previous, version, at, caller, request_id, source, changes, opportunity_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""";

  /**
   * The {@code previous} of an opportunity's first record written by the writer: no record has id
   * 0, the chain's reader stops there as at {@code NULL}, and unlike {@code NULL} it does not ask
   * migration V7's trigger (the import's) to link the record to the opportunity's head — which the
   * writer has already pointed at the record itself.
   */
  static final long NO_PREVIOUS = 0;

  /** The table's last record id, {@code 0} when it has none: the writer's records take the next. */
  static final String SELECT_LAST_ID = "SELECT coalesce(max(id), 0) FROM opportunity_history";

  /**
   * SQLite's read of the row to change: {@link OpportunityDao#SELECT_BY_CODE}'s columns, then the
   * opportunity's newest record ({@code history_head}, column {@link #HEAD_COLUMN}), the next
   * record's previous.
   */
  static final String SELECT_WITH_HEAD =
      "SELECT id, "
          + OpportunityDao.COLUMNS
          + ", history_head FROM opportunity WHERE opportunity_code = ?";

  /**
   * The position of {@code history_head} in {@link #SELECT_WITH_HEAD}: after id and the columns.
   */
  static final int HEAD_COLUMN = 2 + OpportunityDao.COLUMNS.split(",").length;

  /**
   * SQLite's update of a changed row: {@link OpportunityDao#UPDATE_BY_POSITION} that also points
   * the row at its new record ({@code history_head}, the first parameter; the row's from the
   * second, see {@link OpportunityRow#bindUpdate(PreparedStatement, int)}), so that the row is
   * written once for both.
   */
  static final String UPDATE_SETTING_HEAD =
      OpportunityDao.UPDATE_BY_POSITION.replaceFirst("\\bSET\\s+", "SET history_head = ?, ");

  /** The newest records of one opportunity below a version: id, version bound, limit. */
  static final String SELECT_PAGE =
      """
      SELECT version, at, caller, request_id, source, changes FROM opportunity_history
       WHERE opportunity_id = ? AND version < ? ORDER BY version DESC LIMIT ?""";

  /**
   * SQLite's history is a chain (migration V6): a record's {@code previous}, an opportunity's
   * {@code history_head}; every {@value #MILESTONE}th version is indexed. Must match the partial
   * index of V6.
   */
  static final int MILESTONE = 64;

  /** SQLite: the newest milestone record at or above a version: opportunity id, version. */
  static final String SELECT_MILESTONE =
      "SELECT id FROM opportunity_history WHERE opportunity_id = ? AND version % "
          + MILESTONE
          + " = 0 AND version >= ? ORDER BY version LIMIT 1";

  /** SQLite: one record of the chain by its id, the id of the one before it, its opportunity. */
  static final String SELECT_LINK =
      "SELECT version, at, caller, request_id, source, changes, previous, opportunity_id"
          + " FROM opportunity_history WHERE id = ?";

  /**
   * PostgreSQL's retention: at most {@code ?} records made before {@code ?}, oldest first, through
   * the index on {@code at}.
   */
  static final String DELETE_OLDER =
      """
      DELETE FROM opportunity_history WHERE id IN (
        SELECT id FROM opportunity_history WHERE at < ? ORDER BY at LIMIT ?)""";

  /**
   * SQLite's retention (migration V9, no index on {@code at}): of the {@code ?2} records written
   * first (the lowest ids), those made before {@code ?1} — a read of the table's first rows by key,
   * however long the history. A record made before the cut-off but written after one made later (an
   * import's record of an old creation, a clock set back) waits until that one is old too.
   */
  static final String DELETE_OLDER_WRITTEN_FIRST =
      """
      DELETE FROM opportunity_history WHERE id IN (
        SELECT id FROM (SELECT id, at FROM opportunity_history ORDER BY id LIMIT ?2) WHERE at < ?1)""";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_LONG_FOR_INTS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true)); // 2800000.00 stays so

  /** Binds {@link #INSERT}'s parameters for {@code entry} of the opportunity with {@code code}. */
  static void bind(PreparedStatement insert, HistoryEntry entry, String code) throws SQLException {
    insert.setString(bindEntry(insert, entry, 1), code);
  }

  /** Binds {@link #INSERT_BY_ID}'s parameters for {@code entry} of the opportunity {@code id}. */
  static void bind(PreparedStatement insert, HistoryEntry entry, long id) throws SQLException {
    insert.setLong(bindEntry(insert, entry, 1), id);
  }

  /**
   * Binds {@link #INSERT_CHAINED}'s parameters: the record {@code id} of the opportunity {@code
   * opportunityId}, after the record {@code previous}.
   */
  static void bindChained(
      PreparedStatement insert, long id, long previous, HistoryEntry entry, long opportunityId)
      throws SQLException {
    insert.setLong(1, id);
    insert.setLong(2, previous);
    insert.setLong(bindEntry(insert, entry, 3), opportunityId);
  }

  /** Binds the entry's six columns from {@code p}; returns the next position. */
  private static int bindEntry(PreparedStatement insert, HistoryEntry entry, int p)
      throws SQLException {
    insert.setLong(p++, entry.version().value());
    insert.setString(p++, OpportunityRow.INSTANT.format(entry.at()));
    insert.setString(p++, entry.caller());
    insert.setString(p++, entry.requestId());
    insert.setString(p++, entry.source().code());
    insert.setString(p++, json(entry.changes()));
    return p;
  }

  /**
   * The history page of the opportunity with {@code code} on {@code connection}: two indexed reads,
   * its id by its code, then its records from {@code beforeVersion} down (one more than {@code
   * limit}, to know whether there is a next page); empty when no opportunity has the code.
   */
  static Optional<HistoryPage> page(
      Connection connection, OpportunityCode code, long beforeVersion, int limit)
      throws SQLException {
    long id;
    try (PreparedStatement select =
        connection.prepareStatement("SELECT id FROM opportunity WHERE opportunity_code = ?")) {
      select.setString(1, code.value());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) return Optional.empty();
        id = row.getLong(1);
      }
    }
    List<HistoryEntry> newestFirst = new ArrayList<>(limit + 1);
    try (PreparedStatement select = connection.prepareStatement(SELECT_PAGE)) {
      select.setLong(1, id);
      select.setLong(2, beforeVersion);
      select.setInt(3, limit + 1);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) newestFirst.add(read(rows));
      }
    }
    return Optional.of(HistoryPage.of(newestFirst, limit));
  }

  /**
   * {@link #page} on SQLite's chain (migration V6): from the opportunity's newest record, or, for a
   * page further back, from the nearest milestone at or above {@code beforeVersion - 1}, down the
   * {@code previous} links — at most {@value #MILESTONE} + {@code limit} reads by key, however long
   * the history. The walk ends where the chain does: at the first record, or at one the retention
   * removed.
   */
  static Optional<HistoryPage> pageOfChain(
      Connection connection, OpportunityCode code, long beforeVersion, int limit)
      throws SQLException {
    long id;
    long next; // the record to read next; 0: none
    long version; // the opportunity's: its newest record's
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT id, history_head, version FROM opportunity WHERE opportunity_code = ?")) {
      select.setString(1, code.value());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) return Optional.empty();
        id = row.getLong(1);
        next = row.getLong(2); // 0 when NULL: no record yet
        version = row.getLong(3);
      }
    }
    if (next != 0 && beforeVersion <= version) { // a page further back than the newest
      try (PreparedStatement select = connection.prepareStatement(SELECT_MILESTONE)) {
        select.setLong(1, id);
        select.setLong(2, beforeVersion - 1);
        try (ResultSet row = select.executeQuery()) {
          if (row.next()) next = row.getLong(1); // else the head is fewer than 64 above
        }
      }
    }
    List<HistoryEntry> newestFirst = new ArrayList<>(limit + 1);
    long above = Long.MAX_VALUE; // the version of the record read before: the chain descends
    try (PreparedStatement select = connection.prepareStatement(SELECT_LINK)) {
      while (next != 0 && newestFirst.size() <= limit) {
        select.setLong(1, next);
        try (ResultSet row = select.executeQuery()) {
          // The chain ends where the retention removed a record (the older ones are gone too) —
          // and SQLite may give a removed record's id to a new one, of any opportunity, later: a
          // link to a record of another opportunity, or not below the last, is such an end.
          if (!row.next() || row.getLong(8) != id || row.getLong(1) >= above) break;
          above = row.getLong(1);
          if (above < beforeVersion) newestFirst.add(read(row));
          next = row.getLong(7);
        }
      }
    }
    return Optional.of(HistoryPage.of(newestFirst, limit));
  }

  /**
   * Deletes at most {@code atMost} records made before {@code before} with {@code delete} ({@link
   * #DELETE_OLDER} or {@link #DELETE_OLDER_WRITTEN_FIRST}: the cut-off first, the limit second);
   * returns how many.
   */
  static int prune(Connection connection, String delete, Instant before, int atMost)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(delete)) {
      statement.setString(1, OpportunityRow.INSTANT.format(before));
      statement.setInt(2, atMost);
      return statement.executeUpdate();
    }
  }

  /** A row of {@link #SELECT_PAGE}. */
  static HistoryEntry read(ResultSet row) throws SQLException {
    return new HistoryEntry(
        new Version(row.getLong(1)),
        Instant.parse(row.getString(2)),
        row.getString(3),
        row.getString(4),
        ChangeSource.ofCode(row.getString(5)),
        changes(row.getString(6)));
  }

  /** The changes as a JSON object, written straight to text (no tree: once per update). */
  static String json(Changes changes) {
    StringWriter text = new StringWriter(256);
    try (JsonGenerator json = JSON.getFactory().createGenerator(text)) {
      json.writeStartObject();
      for (Map.Entry<String, FieldChange> change : changes.byField().entrySet()) {
        json.writeObjectFieldStart(change.getKey());
        json.writeFieldName("from");
        write(json, change.getValue().from());
        json.writeFieldName("to");
        write(json, change.getValue().to());
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("a canonical value cannot be written as JSON", e);
    }
    return text.toString();
  }

  /**
   * One canonical value, by its type: {@code writeObject} would look a serializer up for each (it
   * was most of the cost of a history record).
   */
  private static void write(JsonGenerator json, Object value) throws IOException {
    if (value == null) json.writeNull();
    else if (value instanceof String text) json.writeString(text);
    else if (value instanceof Long number) json.writeNumber(number);
    else if (value instanceof BigDecimal number) json.writeNumber(number);
    else if (value instanceof Boolean flag) json.writeBoolean(flag);
    else throw new IllegalStateException("not a canonical value: " + value.getClass());
  }

  static Changes changes(String json) {
    try {
      Map<String, FieldChange> byField = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> fields = JSON.readTree(json).fields();
          fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        byField.put(
            field.getKey(),
            new FieldChange(
                value(field.getValue().get("from")), value(field.getValue().get("to"))));
      }
      return Changes.of(byField);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a history record's changes are not JSON", e);
    }
  }

  private static Object value(JsonNode node) {
    if (node == null || node.isNull()) return null;
    if (node.isTextual()) return node.textValue();
    if (node.isBoolean()) return node.booleanValue();
    if (node.isIntegralNumber()) return node.longValue();
    if (node.isNumber()) return node.decimalValue();
    throw new IllegalStateException("not a canonical value: " + node);
  }
}

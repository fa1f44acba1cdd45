package cn.opportunity.integration.adapter.persistence;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * The SQL of the {@code opportunity} table; portable (SQLite, PostgreSQL) but for the id column's
 * definition in the migration. Rows map to {@link OpportunityRow} by Jdbi's default snake_case ↔
 * camelCase column name matching, strictly (see {@link SqliteDatabase}).
 */
public interface OpportunityDao {
  /** Every column but the id, which the table gives. */
  String COLUMNS =
      """
      opportunity_code, final_customer_name, opportunity_name, project_location, operator_name, amount_cents,
      expected_close_date, confidence_pct, stage, opportunity_type, product_type, source, sales_expansion_id,
      channel_expansion_id, pre_sales_id, pre_sales_name, competitor_name, archived, pushed_to_oms, oms_push_time,
      status, lost_reason, description, created_at, updated_at, version""";

  /**
   * Writes a row over exactly the version before it ({@code version - 1}) of the same id and code:
   * 0 rows when another writer won, or the row is not the one it claims to follow.
   */
  String UPDATE =
      """
      UPDATE opportunity
         SET final_customer_name = :finalCustomerName, opportunity_name = :opportunityName,
             project_location = :projectLocation, operator_name = :operatorName, amount_cents = :amountCents,
             expected_close_date = :expectedCloseDate, confidence_pct = :confidencePct, stage = :stage,
             opportunity_type = :opportunityType, product_type = :productType, source = :source,
             sales_expansion_id = :salesExpansionId, channel_expansion_id = :channelExpansionId,
             pre_sales_id = :preSalesId, pre_sales_name = :preSalesName, competitor_name = :competitorName,
             archived = :archived, pushed_to_oms = :pushedToOms, oms_push_time = :omsPushTime, status = :status,
             lost_reason = :lostReason, description = :description, created_at = :createdAt, updated_at = :updatedAt, version = :version
       WHERE id = :id AND opportunity_code = :opportunityCode AND version = :version - 1""";

  /** {@link #findByCode}'s query with a positional parameter, for plain JDBC. */
  String SELECT_BY_CODE = "SELECT id, " + COLUMNS + " FROM opportunity WHERE opportunity_code = ?";

  /**
   * {@link #UPDATE} with each named parameter a positional one, in the same order, for plain JDBC:
   * see {@link OpportunityRow#bindUpdate}.
   */
  String UPDATE_BY_POSITION = UPDATE.replaceAll(":[A-Za-z]+", "?");

  @SqlQuery("SELECT id, " + COLUMNS + " FROM opportunity WHERE opportunity_code = :code")
  @RegisterConstructorMapper(OpportunityRow.class)
  Optional<OpportunityRow> findByCode(@Bind("code") String code);

  @SqlQuery("SELECT id, " + COLUMNS + " FROM opportunity WHERE opportunity_code IN (<codes>)")
  @RegisterConstructorMapper(OpportunityRow.class)
  List<OpportunityRow> findAllByCode(@BindList("codes") List<String> codes);

  /**
   * A page in code order, through the code's unique index. The comparison is the column's: byte by
   * byte in SQLite (BINARY); PostgreSQL needs {@code COLLATE "C"} on both sides for the same order.
   */
  @SqlQuery(
      "SELECT id, "
          + COLUMNS
          + " FROM opportunity WHERE opportunity_code > :after ORDER BY opportunity_code LIMIT :limit")
  @RegisterConstructorMapper(OpportunityRow.class)
  List<OpportunityRow> findPageAfter(@Bind("after") String after, @Bind("limit") int limit);

  @SqlQuery("SELECT id, " + COLUMNS + " FROM opportunity ORDER BY opportunity_code LIMIT :limit")
  @RegisterConstructorMapper(OpportunityRow.class)
  List<OpportunityRow> findFirstPage(@Bind("limit") int limit);

  /**
   * Inserts a row without its id, for plain JDBC (see {@link OpportunityRow#bindInsert}); a row
   * whose code is taken inserts nothing and counts 0.
   */
  String INSERT_BY_POSITION =
      "INSERT INTO opportunity ("
          + COLUMNS
          + ") VALUES ("
          + "?, ".repeat(25)
          + "?) ON CONFLICT (opportunity_code) DO NOTHING";
}

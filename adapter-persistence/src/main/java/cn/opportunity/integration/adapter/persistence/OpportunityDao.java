package cn.opportunity.integration.adapter.persistence;

import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The SQL of the {@code opportunity} table. Portable but for the id column's definition. */
public interface OpportunityDao {
  String COLUMNS = """
      opportunity_code, final_customer_name, opportunity_name, project_location, operator_name, amount_cents,
      expected_close_date, confidence_pct, stage, opportunity_type, product_type, source, sales_expansion_id,
      channel_expansion_id, pre_sales_id, pre_sales_name, competitor_name, archived, pushed_to_oms, oms_push_time,
      status, description, created_at, updated_at, version""";

  @SqlQuery("SELECT id, " + COLUMNS + " FROM opportunity WHERE opportunity_code = :code")
  @RegisterConstructorMapper(OpportunityRow.class)
  Optional<OpportunityRow> findByCode(String code);

  @SqlUpdate("INSERT INTO opportunity (" + COLUMNS + ") VALUES ("
      + ":opportunityCode, :finalCustomerName, :opportunityName, :projectLocation, :operatorName, :amountCents, "
      + ":expectedCloseDate, :confidencePct, :stage, :opportunityType, :productType, :source, :salesExpansionId, "
      + ":channelExpansionId, :preSalesId, :preSalesName, :competitorName, :archived, :pushedToOms, :omsPushTime, "
      + ":status, :description, :createdAt, :updatedAt, :version)")
  void insert(@BindMethods OpportunityRow row);

  /** Writes the next version of a row over exactly the version it came from: 0 rows if another won. */
  @SqlUpdate("""
      UPDATE opportunity SET opportunity_name = :row.opportunityName, project_location = :row.projectLocation,
             operator_name = :row.operatorName, amount_cents = :row.amountCents,
             expected_close_date = :row.expectedCloseDate, confidence_pct = :row.confidencePct, stage = :row.stage,
             opportunity_type = :row.opportunityType, product_type = :row.productType, source = :row.source,
             sales_expansion_id = :row.salesExpansionId, channel_expansion_id = :row.channelExpansionId,
             pre_sales_id = :row.preSalesId, pre_sales_name = :row.preSalesName,
             competitor_name = :row.competitorName, archived = :row.archived, pushed_to_oms = :row.pushedToOms,
             oms_push_time = :row.omsPushTime, status = :row.status, description = :row.description,
             updated_at = :row.updatedAt, version = :row.version
       WHERE id = :row.id AND version = :previousVersion""")
  int update(@BindMethods("row") OpportunityRow row, long previousVersion);
}

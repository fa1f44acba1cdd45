package cn.opportunity.integration.adapter.persistence;

import cn.opportunity.integration.domain.Amount;
import cn.opportunity.integration.domain.Confidence;
import cn.opportunity.integration.domain.LostReasonId;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityDetails;
import cn.opportunity.integration.domain.OpportunityId;
import cn.opportunity.integration.domain.OpportunityStatus;
import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.Version;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One row of the {@code opportunity} table, column for column (snake_case ↔ camelCase): money in
 * integer cents, dates {@code YYYY-MM-DD}, instants {@link #INSTANT} text, booleans 0/1, codes as
 * their canonical text; {@code null} for a field never set.
 */
public record OpportunityRow(
    Long id,
    String opportunityCode,
    String finalCustomerName,
    String opportunityName,
    String projectLocation,
    String operatorName,
    Long amountCents,
    String expectedCloseDate,
    String confidencePct,
    String stage,
    String opportunityType,
    String productType,
    String source,
    Long salesExpansionId,
    Long channelExpansionId,
    Long preSalesId,
    String preSalesName,
    String competitorName,
    Boolean archived,
    Boolean pushedToOms,
    String omsPushTime,
    String status,
    String lostReason,
    String description,
    String createdAt,
    String updatedAt,
    long version) {

  /** Fixed width, UTC, nanoseconds: text order is time order. */
  static final DateTimeFormatter INSTANT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * What a store's change function may return besides {@code current} itself: its next version,
   * same id and code.
   *
   * @throws IllegalStateException otherwise (a bug of the change, not a concurrent writer)
   */
  static void requireNextVersion(Opportunity current, Opportunity next) {
    if (!next.id().equals(current.id())
        || !next.code().equals(current.code())
        || !next.version().equals(current.version().next()))
      throw new IllegalStateException(
          "the change of opportunity "
              + current.id()
              + " at version "
              + current.version()
              + " returned opportunity "
              + next.id()
              + " at version "
              + next.version()
              + ", not its next version");
  }

  /** The row of a stored opportunity (or of its next version). */
  static OpportunityRow from(Opportunity opportunity) {
    return row(
        opportunity.id().value(),
        opportunity.code(),
        opportunity.finalCustomerName().orElse(null),
        opportunity.details(),
        opportunity.createdAt(),
        opportunity.updatedAt(),
        opportunity.version());
  }

  /** A row to insert: no id yet (the table gives it), version 1. */
  static OpportunityRow from(NewOpportunity created) {
    return row(
        null,
        created.code(),
        created.finalCustomerName().orElse(null),
        created.details(),
        created.createdAt(),
        created.createdAt(),
        Version.FIRST);
  }

  private static OpportunityRow row(
      Long id,
      OpportunityCode code,
      String finalCustomerName,
      OpportunityDetails d,
      Instant createdAt,
      Instant updatedAt,
      Version version) {
    return new OpportunityRow(
        id,
        code.value(),
        finalCustomerName,
        d.opportunityName(),
        d.projectLocation(),
        d.operatorName(),
        map(d.amount(), Amount::cents),
        map(d.expectedCloseDate(), LocalDate::toString),
        map(d.confidencePct(), Confidence::code),
        map(d.stage(), StageCode::value),
        d.opportunityType(),
        d.productType(),
        d.source(),
        d.salesExpansionId(),
        d.channelExpansionId(),
        d.preSalesId(),
        d.preSalesName(),
        d.competitorName(),
        d.archived(),
        d.pushedToOms(),
        map(d.omsPushTime(), INSTANT::format),
        map(d.status(), OpportunityStatus::code),
        map(d.lostReason(), LostReasonId::value),
        d.description(),
        INSTANT.format(createdAt),
        INSTANT.format(updatedAt),
        version.value());
  }

  /**
   * This row with every text column but the code passed through {@code convert} (see {@link
   * TextColumns}); ids, numbers and flags as they are.
   */
  OpportunityRow withText(UnaryOperator<String> convert) {
    return new OpportunityRow(
        id,
        opportunityCode,
        convert.apply(finalCustomerName),
        convert.apply(opportunityName),
        convert.apply(projectLocation),
        convert.apply(operatorName),
        amountCents,
        convert.apply(expectedCloseDate),
        convert.apply(confidencePct),
        convert.apply(stage),
        convert.apply(opportunityType),
        convert.apply(productType),
        convert.apply(source),
        salesExpansionId,
        channelExpansionId,
        preSalesId,
        convert.apply(preSalesName),
        convert.apply(competitorName),
        archived,
        pushedToOms,
        convert.apply(omsPushTime),
        convert.apply(status),
        convert.apply(lostReason),
        convert.apply(description),
        convert.apply(createdAt),
        convert.apply(updatedAt),
        version);
  }

  /** The stored state, through {@link Opportunity#restore}. */
  Opportunity toDomain() {
    OpportunityDetails details =
        OpportunityDetails.builder()
            .opportunityName(opportunityName)
            .projectLocation(projectLocation)
            .operatorName(operatorName)
            .amount(map(amountCents, Amount::ofCents))
            .expectedCloseDate(map(expectedCloseDate, LocalDate::parse))
            .confidencePct(map(confidencePct, Confidence::valueOf))
            .stage(map(stage, StageCode::new))
            .opportunityType(opportunityType)
            .productType(productType)
            .source(source)
            .salesExpansionId(salesExpansionId)
            .channelExpansionId(channelExpansionId)
            .preSalesId(preSalesId)
            .preSalesName(preSalesName)
            .competitorName(competitorName)
            .archived(archived)
            .pushedToOms(pushedToOms)
            .omsPushTime(map(omsPushTime, Instant::parse))
            .status(
                map(
                    status,
                    s ->
                        OpportunityStatus.parse(s)
                            .orElseThrow(
                                () ->
                                    new IllegalStateException(
                                        "unknown status in opportunity " + id + ": " + s))))
            .lostReason(map(lostReason, LostReasonId::new))
            .description(description)
            .build();
    return Opportunity.restore(
        new OpportunityId(id),
        new OpportunityCode(opportunityCode),
        finalCustomerName,
        details,
        Instant.parse(createdAt),
        Instant.parse(updatedAt),
        new Version(version));
  }

  /**
   * The row at the cursor of a result of {@code SELECT id, } {@link OpportunityDao#COLUMNS}: plain
   * JDBC for the group-commit writer's hot path (Jdbi's reflective mapping cost more than the rest
   * of an update, see docs/performance.md).
   */
  static OpportunityRow read(ResultSet result) throws SQLException {
    int c = 1;
    return new OpportunityRow(
        nullableLong(result, c++),
        result.getString(c++),
        result.getString(c++),
        result.getString(c++),
        result.getString(c++),
        result.getString(c++),
        nullableLong(result, c++),
        result.getString(c++),
        result.getString(c++),
        result.getString(c++),
        result.getString(c++),
        result.getString(c++),
        result.getString(c++),
        nullableLong(result, c++),
        nullableLong(result, c++),
        nullableLong(result, c++),
        result.getString(c++),
        result.getString(c++),
        nullableBoolean(result, c++),
        nullableBoolean(result, c++),
        result.getString(c++),
        result.getString(c++),
        result.getString(c++),
        result.getString(c++),
        result.getString(c++),
        result.getString(c++),
        result.getLong(c));
  }

  /** Binds the parameters of {@link OpportunityDao#INSERT_BY_POSITION}: every column but the id. */
  void bindInsert(PreparedStatement insert) throws SQLException {
    insert.setString(1, opportunityCode);
    bindColumnsAfterTheCode(insert, 2);
  }

  /**
   * Binds the parameters of {@link OpportunityDao#UPDATE_BY_POSITION}: every column but the code,
   * in {@link OpportunityDao#COLUMNS} order, then id, code and version for the {@code WHERE}.
   */
  void bindUpdate(PreparedStatement update) throws SQLException {
    bindUpdate(update, 1);
  }

  /**
   * {@link #bindUpdate(PreparedStatement)} from position {@code from}: a statement's own before.
   */
  void bindUpdate(PreparedStatement update, int from) throws SQLException {
    int p = bindColumnsAfterTheCode(update, from);
    update.setLong(p++, id);
    update.setString(p++, opportunityCode);
    update.setLong(p, version); // the statement follows version - 1
  }

  /**
   * Binds the columns after the code, in {@link OpportunityDao#COLUMNS} order, from {@code p};
   * returns the next position.
   */
  private int bindColumnsAfterTheCode(PreparedStatement statement, int p) throws SQLException {
    statement.setString(p++, finalCustomerName);
    statement.setString(p++, opportunityName);
    statement.setString(p++, projectLocation);
    statement.setString(p++, operatorName);
    statement.setObject(p++, amountCents);
    statement.setString(p++, expectedCloseDate);
    statement.setString(p++, confidencePct);
    statement.setString(p++, stage);
    statement.setString(p++, opportunityType);
    statement.setString(p++, productType);
    statement.setString(p++, source);
    statement.setObject(p++, salesExpansionId);
    statement.setObject(p++, channelExpansionId);
    statement.setObject(p++, preSalesId);
    statement.setString(p++, preSalesName);
    statement.setString(p++, competitorName);
    statement.setObject(p++, archived == null ? null : archived ? 1 : 0);
    statement.setObject(p++, pushedToOms == null ? null : pushedToOms ? 1 : 0);
    statement.setString(p++, omsPushTime);
    statement.setString(p++, status);
    statement.setString(p++, lostReason);
    statement.setString(p++, description);
    statement.setString(p++, createdAt);
    statement.setString(p++, updatedAt);
    statement.setLong(p++, version);
    return p;
  }

  private static Long nullableLong(ResultSet result, int column) throws SQLException {
    long value = result.getLong(column);
    return result.wasNull() ? null : value;
  }

  private static Boolean nullableBoolean(ResultSet result, int column) throws SQLException {
    int value = result.getInt(column);
    return result.wasNull() ? null : value != 0;
  }

  private static <A, B> B map(A value, Function<A, B> convert) {
    return value == null ? null : convert.apply(value);
  }
}

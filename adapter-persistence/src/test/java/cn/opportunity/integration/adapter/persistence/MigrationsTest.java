package cn.opportunity.integration.adapter.persistence;

import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.LostReasonId;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.OpportunityStatus;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

class MigrationsTest {
  @TempDir Path dir;
  private TempDatabases databases;

  @BeforeEach
  void setUp() {
    databases = new TempDatabases(dir);
  }

  @AfterEach
  void tearDown() {
    databases.close();
  }

  private static List<Map<String, Object>> history(Jdbi jdbi) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT version, description, applied_at FROM schema_history ORDER BY version")
                .mapToMap()
                .list());
  }

  private static boolean tableExists(Jdbi jdbi, String table) {
    return jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = ?")
                    .bind(0, table)
                    .mapTo(Integer.class)
                    .one())
        == 1;
  }

  /** A file with the database's settings, but no migrations run. */
  private SQLiteDataSource bare(String name) {
    SQLiteDataSource dataSource = new SQLiteDataSource(SqliteDatabase.settings());
    dataSource.setUrl(databases.url(name));
    return dataSource;
  }

  @Test
  void givesANewFileTheSchemaAndRecordsEachMigration() {
    Jdbi jdbi = databases.open("fresh.db").jdbi();
    List<Map<String, Object>> history = history(jdbi);
    assertEquals(
        List.of(1, 2, 3, 4, 5, 6, 7, 8, 9),
        history.stream().map(row -> row.get("version")).toList());
    assertEquals(
        List.of(
            "opportunity",
            "dictionary_snapshot",
            "dictionary_skipped",
            "lost_reason",
            "history",
            "history_chain",
            "history_head_by_writer",
            "dictionary_settings",
            "history_pruned_in_written_order"),
        history.stream().map(row -> row.get("description")).toList());
    assertTrue(
        ((String) history.get(0).get("applied_at"))
            .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z"));
    List<String> columns =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT name || ' ' || type || CASE WHEN \"notnull\" = 1"
                            + " THEN ' NOT NULL' ELSE '' END FROM pragma_table_info('opportunity') ORDER BY cid")
                    .mapTo(String.class)
                    .list());
    assertEquals(
        List.of(
            "id INTEGER",
            "opportunity_code TEXT NOT NULL",
            "final_customer_name TEXT",
            "opportunity_name TEXT NOT NULL",
            "project_location TEXT",
            "operator_name TEXT",
            "amount_cents INTEGER",
            "expected_close_date TEXT",
            "confidence_pct TEXT",
            "stage TEXT",
            "opportunity_type TEXT",
            "product_type TEXT",
            "source TEXT",
            "sales_expansion_id INTEGER",
            "channel_expansion_id INTEGER",
            "pre_sales_id INTEGER",
            "pre_sales_name TEXT",
            "competitor_name TEXT",
            "archived INTEGER",
            "pushed_to_oms INTEGER",
            "oms_push_time TEXT",
            "status TEXT",
            "description TEXT",
            "created_at TEXT NOT NULL",
            "updated_at TEXT NOT NULL",
            "version INTEGER NOT NULL",
            "lost_reason TEXT",
            "history_head INTEGER"),
        columns);
    assertTrue(tableExists(jdbi, "dictionary_stage"));
  }

  /** V4 (CONTRACT §5.6) on a file of version 3 that holds an opportunity: it has no lost reason. */
  @Test
  void readsAnOpportunityStoredBeforeLostReasonsBackWithoutOneAndCanGiveItOne()
      throws SQLException {
    SQLiteDataSource file = bare("v3.db");
    assertEquals(
        3, Migrations.apply(file::getConnection, "/db/migration/", Migrations.FILES.subList(0, 3)));
    Jdbi.create(file)
        .useHandle(
            h ->
                h.execute(
                    "INSERT INTO opportunity (opportunity_code, opportunity_name, status, created_at,"
                        + " updated_at, version) VALUES ('OLD-1', '旧商机', 'lost',"
                        + " '2026-04-01T01:00:00.000000000Z', '2026-04-01T01:00:00.000000000Z', 1)"));
    SqliteDatabase database = databases.open("v3.db");
    OpportunityCode code = new OpportunityCode("OLD-1");
    Opportunity old = database.opportunityStore().findByCode(code).orElseThrow();
    assertEquals(null, old.details().lostReason());
    assertEquals(OpportunityStatus.LOST, old.details().status());
    OpportunityPatch patch =
        OpportunityPatch.builder(code)
            .set(OpportunityField.LOST_REASON, new LostReasonId("budget"))
            .build();
    database
        .opportunityStore()
        .update(code, ORIGIN, c -> c.apply(patch, Instant.parse("2026-04-02T00:00:00Z")));
    assertEquals(
        new LostReasonId("budget"),
        database.opportunityStore().findByCode(code).orElseThrow().details().lostReason());
    assertEquals(
        List.of(1, 2, 3, 4, 5, 6, 7, 8, 9),
        history(database.jdbi()).stream().map(r -> r.get("version")).toList());
  }

  @Test
  void appliesNothingTwiceWhenReopened() {
    SqliteDatabase first = databases.open("again.db");
    List<Map<String, Object>> before = history(first.jdbi());
    first
        .jdbi()
        .useHandle(
            h ->
                h.execute(
                    "INSERT INTO opportunity (opportunity_code, opportunity_name, created_at,"
                        + " updated_at, version) VALUES ('KEEP-1', '留下', 'a', 'a', 1)"));
    first.close();
    SqliteDatabase again = databases.open("again.db");
    assertEquals(before, history(again.jdbi()), "same rows, same applied_at");
    assertEquals(
        1,
        (int)
            again
                .jdbi()
                .withHandle(
                    h ->
                        h.createQuery("SELECT COUNT(*) FROM opportunity")
                            .mapTo(Integer.class)
                            .one()));
  }

  @Test
  void refusesADatabaseFromANewerVersion() {
    SqliteDatabase database = databases.open("newer.db");
    database
        .jdbi()
        .useHandle(
            h ->
                h.execute(
                    "INSERT INTO schema_history (version, description, applied_at) VALUES (999, 'future', 'x')"));
    database.close();
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> databases.open("newer.db"));
    assertTrue(
        refused
            .getMessage()
            .contains(
                "newer.db: its schema is at version 999, newer than this program knows ("
                    + Migrations.FILES.size()
                    + ")"),
        refused.getMessage());
  }

  @Test
  void rollsBackAFailingMigrationWholeAndKeepsTheOnesBefore() throws SQLException {
    SQLiteDataSource file = bare("broken.db");
    Jdbi jdbi = Jdbi.create(file);
    List<String> files = List.of("V1__first.sql", "V2__half.sql");
    assertThrows(
        SQLException.class, () -> Migrations.apply(file::getConnection, "/db/broken/", files));
    assertEquals(List.of(1), history(jdbi).stream().map(row -> row.get("version")).toList());
    assertTrue(tableExists(jdbi, "first_table"));
    assertFalse(
        tableExists(jdbi, "half_table"), "the failed migration's first statement is rolled back");
    assertEquals(
        1,
        Migrations.apply(file::getConnection, "/db/broken/", files.subList(0, 1)),
        "and version 1 is not applied again");
  }

  @Test
  void refusesAMigrationListOutOfOrder() {
    SQLiteDataSource file = bare("order.db");
    Jdbi jdbi = Jdbi.create(file);
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () -> Migrations.apply(file::getConnection, "/db/broken/", List.of("V2__half.sql")));
    assertTrue(
        refused.getMessage().contains("migration 1 is named V2__half.sql"), refused.getMessage());
    assertFalse(tableExists(jdbi, "half_table"));
  }
}

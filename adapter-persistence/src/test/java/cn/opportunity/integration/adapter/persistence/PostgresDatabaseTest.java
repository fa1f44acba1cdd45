package cn.opportunity.integration.adapter.persistence;

import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.adapter.persistence.testing.PostgresServer;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.StoreUnavailableException;
import cn.opportunity.integration.domain.testing.CapturedLog;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** Opening a PostgreSQL database: its migrations, its pool, and a server that goes away. */
class PostgresDatabaseTest {
  private static final Duration SHORT_WAIT = Duration.ofSeconds(2);

  /**
   * Migration V8 (text without U+0000, {@link TextColumns#WITHOUT_NUL}): values stored before it
   * that hold U+FFFF, the escape's character, read back unchanged after it.
   */
  @Test
  void readsValuesStoredBeforeV8HoldingUFFFFUnchanged() throws Exception {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    Flyway.configure()
        .dataSource(db.url(), db.user(), db.password())
        .locations("classpath:db/postgresql")
        .target("7")
        .load()
        .migrate();
    try (Connection connection = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement sql = connection.createStatement()) {
      sql.execute(
          "INSERT INTO opportunity (opportunity_code, opportunity_name, source, description,"
              + " created_at, updated_at, version) VALUES ('OLD-1', 'a' || U&'\\FFFF' || '0',"
              + " U&'\\FFFF\\FFFF', U&'\\FFFF', '2026-04-01T01:00:00.000000000Z',"
              + " '2026-04-01T01:00:00.000000000Z', 1)");
    }
    try (PostgresDatabase database = PostgresDatabase.open(db.url(), db.user(), db.password(), 2)) {
      Opportunity old =
          database.opportunityStore().findByCode(new OpportunityCode("OLD-1")).orElseThrow();
      assertEquals("a\uFFFF0", old.details().opportunityName());
      assertEquals("\uFFFF\uFFFF", old.details().source());
      assertEquals("\uFFFF", old.details().description());
    }
  }

  @Test
  void severalInstancesStartingAtOnceMigrateOnce() throws Exception {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    int instances = 4;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    List<Future<PostgresDatabase>> opened = new ArrayList<>();
    try {
      for (int i = 0; i < instances; i++)
        opened.add(
            pool.submit(
                () -> {
                  go.await();
                  return PostgresDatabase.open(db.url(), db.user(), db.password(), 1);
                }));
      go.countDown();
      for (Future<PostgresDatabase> database : opened) database.get().close();
    } finally {
      pool.shutdownNow();
    }
    try (Connection connection = connect(db);
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT count(*), count(DISTINCT version), min(version::int), max(version::int)"
                    + " FROM flyway_schema_history WHERE version IS NOT NULL AND success")) {
      assertTrue(row.next());
      int migrations = migrationFiles();
      assertEquals(migrations, row.getInt(1), "each migration recorded once");
      assertEquals(migrations, row.getInt(2));
      assertEquals(1, row.getInt(3));
      assertEquals(migrations, row.getInt(4));
    }
  }

  @Test
  void logsTheVersionItMigratedToAndTheVersionItFoundUpToDate() throws Exception {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    int migrations = migrationFiles();
    try (CapturedLog log = CapturedLog.start()) {
      PostgresDatabase.open(db.url(), db.user(), db.password(), 1).close();
      assertTrue(
          log.text()
              .contains(
                  "schema migrated from an empty database to version "
                      + migrations
                      + " ("
                      + migrations
                      + " migration(s) applied now)"),
          log.text());
    }
    try (CapturedLog log = CapturedLog.start()) {
      PostgresDatabase.open(db.url(), db.user(), db.password(), 1).close();
      assertTrue(log.text().contains("schema up to date at version " + migrations), log.text());
      assertFalse(log.text().contains("null"), log.text());
    }
  }

  /**
   * How many {@code V<n>__*.sql} files {@code db/postgresql} holds (so the test needs no edit per
   * V).
   */
  private static int migrationFiles() throws Exception {
    try (Stream<Path> files =
        Files.list(Path.of(PostgresDatabase.class.getResource("/db/postgresql").toURI()))) {
      return (int) files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
    }
  }

  @Test
  void refusesWhatIsNotAPostgresUrlOrAPool() {
    assertFalse(PostgresDatabase.handles("jdbc:sqlite:x.db"));
    assertThrows(
        IllegalArgumentException.class,
        () -> PostgresDatabase.open("jdbc:sqlite:x.db", "u", "p", 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> PostgresDatabase.open("jdbc:postgresql://127.0.0.1:1/x", "u", "p", 0));
  }

  @Test
  void failsToOpenWhereNoServerListensWithoutShowingThePassword() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/nothing";
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> PostgresDatabase.open(url, "opp", "never-shown-secret", 1, SHORT_WAIT));
    assertTrue(
        e.getMessage().startsWith("cannot connect to the PostgreSQL database " + url),
        e.getMessage());
    assertFalse(e.getMessage().contains("never-shown-secret"));
  }

  @Test
  void failsToOpenWithAWrongPassword() {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> PostgresDatabase.open(db.url(), db.user(), "wrong-secret", 1, SHORT_WAIT));
    assertFalse(e.getMessage().contains("wrong-secret"));
  }

  @Test
  void answersUnavailableWhileTheServerIsStoppedAndServesAgainOnceItIsBack() throws Exception {
    PostgresServer server = PostgresServer.shared();
    PostgresServer.Database db = server.newDatabase();
    try (PostgresDatabase database =
        PostgresDatabase.open(db.url(), db.user(), db.password(), 2, SHORT_WAIT)) {
      PostgresOpportunityStore store = database.opportunityStore();
      NewOpportunity created = anOpportunity().code("PG-DOWN-1").build();
      store.importAll(List.of(created), List.of());
      OpportunityCode code = created.code();
      Instant later = created.createdAt().plusSeconds(60);
      server.stop();
      try {
        assertThrows(
            StoreUnavailableException.class, () -> changeSource(store, code, "down", later));
        assertThrows(StoreUnavailableException.class, () -> store.findByCode(code));
        assertThrows(
            StoreUnavailableException.class,
            () -> store.importAll(List.of(anOpportunity().code("PG-DOWN-2").build()), List.of()));
        assertThrows(StoreUnavailableException.class, () -> store.history(code, Long.MAX_VALUE, 5));
        assertThrows(StoreUnavailableException.class, () -> store.pruneHistory(later, 5));
        assertEquals("the database cannot be reached", store.unavailableReason().orElseThrow());
        assertFalse(store.isAvailable());
      } finally {
        server.start();
      }
      // the pool connects again on its own, after its back-off (a few seconds at most)
      for (int tries = 0; tries < 20 && !store.isAvailable(); tries++) {}
      Opportunity stored = changeSource(store, code, "back", later);
      assertEquals("back", stored.details().source());
      assertEquals(stored, store.findByCode(code).orElseThrow());
      assertEquals(Map.of(), store.findAllByCode(List.of(new OpportunityCode("PG-DOWN-2"))));
      assertTrue(store.isAvailable());
    }
  }

  @Test
  void answersWithoutASchemaOrWithABrokenOneAsNotAvailable() throws SQLException {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    try (PostgresDatabase database = PostgresDatabase.open(db.url(), db.user(), db.password(), 1);
        Connection connection = connect(db);
        Statement statement = connection.createStatement()) {
      PostgresOpportunityStore store = database.opportunityStore();
      statement.execute("DELETE FROM flyway_schema_history");
      assertEquals("the database has no schema", store.unavailableReason().orElseThrow());
      statement.execute("DROP TABLE flyway_schema_history");
      assertEquals("the database fails", store.unavailableReason().orElseThrow());
      statement.execute("DROP TABLE opportunity_history");
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> store.pruneHistory(Instant.now(), 1));
      assertTrue(e.getMessage().startsWith("pruning the history failed"), e.getMessage());
    }
  }

  private static Opportunity changeSource(
      PostgresOpportunityStore store, OpportunityCode code, String source, Instant now) {
    OpportunityPatch patch =
        OpportunityPatch.builder(code).set(OpportunityField.SOURCE, source).build();
    return store.update(code, ORIGIN, current -> current.apply(patch, now));
  }

  private static Connection connect(PostgresServer.Database db) throws SQLException {
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }
}

package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.adapter.persistence.StoreDatabase;
import cn.opportunity.integration.adapter.persistence.testing.PostgresServer;
import cn.opportunity.integration.adapter.xiaoman.FakeXiaomanServer;
import cn.opportunity.integration.domain.testing.TestSecrets;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CONTRACT §6, the Xiaoman snapshot shared by the instances: two instances of the real service on
 * one private PostgreSQL database and one fake Xiaoman that records every dictionary fetch. Xiaoman
 * sees one instance's reloads per interval, both instances serve the stages of the newest reload,
 * and a holder of the turn that dies mid-reload holds up the next reload by its term only.
 */
class SharedDictionaryReloadTest {
  static final String CODE = "PG-DICT-1";
  static final Duration INTERVAL = Duration.ofMillis(500);
  static final String FLOW = FakeXiaomanServer.FLOW_WITH_PUBLISHED_STAGES;

  /** A stage of the published flow, and one of the list that replaces it in Xiaoman. */
  static final String OLD_STAGE = "1101060278";

  static final String NEW_STAGE = FLOW + "1";

  @TempDir Path dirOne;
  @TempDir Path dirTwo;
  FakeXiaomanServer xiaoman;
  PostgresServer.Database db;
  ServiceHarness one;
  ServiceHarness two;

  @BeforeEach
  void twoInstancesOnOneDatabaseAndOneXiaoman() throws Exception {
    db = PostgresServer.shared().newDatabase();
    xiaoman = new FakeXiaomanServer();
    one = withXiaoman(onDatabase(new ServiceHarness(dirOne)));
    two = withXiaoman(onDatabase(new ServiceHarness(dirTwo)));
  }

  private ServiceHarness onDatabase(ServiceHarness service) {
    service.environment.put("OPP_DB_URL", db.url());
    service.environment.put("OPP_DB_USER", db.user());
    service.environment.put("OPP_DB_PASSWORD", db.password());
    service.environment.put("OPP_DB_POOL_SIZE", "4");
    return service;
  }

  private ServiceHarness withXiaoman(ServiceHarness service) throws Exception {
    if (service == one || one == null)
      service.importLines("{\"opportunityCode\":\"" + CODE + "\",\"opportunityName\":\"共享字典\"}");
    service.environment.put("OPP_DICTIONARY", "xiaoman");
    service.environment.put("XIAOMAN_BASE_URL", xiaoman.baseUrl().toString());
    service.environment.put("XIAOMAN_CLIENT_ID", FakeXiaomanServer.CLIENT_ID);
    service.environment.put("XIAOMAN_CLIENT_SECRET", TestSecrets.XIAOMAN_CLIENT_SECRET);
    service.environment.put("XIAOMAN_FLOW_IDS", FLOW);
    service.environment.put("XIAOMAN_REFRESH_INTERVAL", INTERVAL.toString());
    return service;
  }

  @AfterEach
  void stop() {
    if (one != null) one.close();
    if (two != null) two.close();
    if (xiaoman != null) xiaoman.close();
  }

  private int stage(ServiceHarness service, String stage) {
    HttpResponse<String> answer =
        service.put("{\"opportunityCode\":\"" + CODE + "\",\"stage\":\"" + stage + "\"}");
    return answer.statusCode();
  }

  private long fetchesBetween(Instant from, Instant to) {
    return xiaoman.dictionaryFetches.stream()
        .filter(at -> !at.isBefore(from) && at.isBefore(to))
        .count();
  }

  @Test
  void xiaomanSeesTheReloadsOfOneInstanceAndBothServeTheNewestStages() throws Exception {
    one.start();
    two.start();
    assertEquals(200, stage(one, OLD_STAGE));
    assertEquals(200, stage(two, OLD_STAGE));

    Instant from = Instant.now();
    Thread.sleep(INTERVAL.multipliedBy(10).toMillis());
    Instant to = Instant.now();
    long fetches = fetchesBetween(from, to);
    long intervals = Duration.between(from, to).toMillis() / INTERVAL.toMillis();
    assertTrue(
        fetches >= 1 && fetches <= intervals + 1,
        fetches
            + " fetches from Xiaoman in "
            + intervals
            + " intervals of two instances: one turn an interval allows at most "
            + (intervals + 1));

    xiaoman.stageLists.put(FLOW, FakeXiaomanServer.madeUpStages(FLOW));
    for (ServiceHarness service : List.of(one, two)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (stage(service, NEW_STAGE) != 200) {
        assertTrue(System.nanoTime() < deadline, "the new stage never reached an instance");
        Thread.sleep(50);
      }
      assertEquals(400, stage(service, OLD_STAGE), "the old stage is gone from both");
    }
  }

  /**
   * Instances whose {@code XIAOMAN_FLOW_IDS} differ: neither serves the other's snapshot, each
   * validates against the flows it was given, and each says in {@code /health} that the saved
   * snapshot is another's, fetched with other settings.
   */
  @Test
  void instancesWithOtherFlowIdsNeverServeEachOthersSnapshotAndSaySoInHealth() throws Exception {
    String otherFlowStage = FakeXiaomanServer.FLOW_WITH_MADE_UP_STAGES + "1";
    two.environment.put("XIAOMAN_FLOW_IDS", FakeXiaomanServer.FLOW_WITH_MADE_UP_STAGES);
    one.start();
    two.start();
    for (ServiceHarness service : List.of(one, two)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!otherSettingsIn(service)) {
        assertTrue(System.nanoTime() < deadline, "no instance says that the settings differ");
        Thread.sleep(20);
      }
    }
    Instant until = Instant.now().plus(INTERVAL.multipliedBy(6));
    while (Instant.now().isBefore(until)) {
      assertEquals(200, stage(one, OLD_STAGE), "the first instance's flow");
      assertEquals(400, stage(one, otherFlowStage), "never the second's");
      assertEquals(200, stage(two, otherFlowStage), "the second instance's flow");
      assertEquals(400, stage(two, OLD_STAGE), "never the first's");
    }
  }

  /** Same settings: nothing about settings in /health, ever. */
  @Test
  void instancesWithTheSameSettingsSayNothingAboutSettings() throws Exception {
    one.start();
    two.start();
    Instant until = Instant.now().plus(INTERVAL.multipliedBy(6));
    while (Instant.now().isBefore(until)) {
      assertFalse(otherSettingsIn(one) || otherSettingsIn(two));
      Thread.sleep(50);
    }
  }

  private static boolean otherSettingsIn(ServiceHarness service) {
    HttpResponse<String> health = service.send(HttpRequest.newBuilder(service.uri("/health")));
    assertEquals(200, health.statusCode(), health.body());
    JsonNode lastError = ServiceHarness.json(health.body()).path("dictionary").path("lastError");
    return lastError.isTextual()
        && lastError
            .asText()
            .contains(
                "the saved Xiaoman snapshot was fetched by an instance with other settings"
                    + " (XIAOMAN_FLOW_IDS differ)");
  }

  /**
   * The {@code dictionary} command on PostgreSQL (CONTRACT §6) prints the snapshot saved there
   * while Xiaoman is gone: an instance saved it, the command runs in a directory of its own.
   */
  @Test
  void theDictionaryCommandPrintsTheSnapshotSavedInPostgres() throws Exception {
    one.start();
    one.close();
    xiaoman.close();
    xiaoman = null;
    ServiceHarness.CommandResult result = two.command("dictionary");
    assertEquals(Main.OK, result.status(), result.err());
    assertTrue(result.out().startsWith("Stage dictionary (source xiaoman, loaded "), result.out());
    assertTrue(result.out().contains("\nFlow " + FLOW + "  "), result.out());
    assertTrue(result.out().contains("  " + OLD_STAGE + "  "), result.out());
    try (Stream<Path> files = Files.list(dirTwo)) {
      assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".db")).toList());
    }
  }

  /**
   * The holder of the turn killed mid-reload (its claim made, no reload, nothing released): nobody
   * calls Xiaoman until its term lapses, then the other instance reloads.
   */
  @Test
  void reloadsAfterTheTermOfAHolderKilledMidReload() throws Exception {
    one.start();
    Duration deadTerm = INTERVAL.multipliedBy(6);
    Instant claimedAt;
    try (StoreDatabase killed = StoreDatabase.open(db.url(), db.user(), db.password(), 1)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!killed.reloadLease().claim("xiaoman", deadTerm)) {
        assertTrue(System.nanoTime() < deadline, "the running instance never let the turn lapse");
        Thread.sleep(10);
      }
      claimedAt = Instant.now();
    } // the killed instance's connections end; its lease stays
    Instant lapses = leaseExpiry();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (fetchesBetween(claimedAt, Instant.MAX) == 0) {
      assertTrue(System.nanoTime() < deadline, "nobody reloaded after the dead holder's term");
      Thread.sleep(20);
    }
    assertEquals(
        0, fetchesBetween(claimedAt, lapses), "no reload while the dead holder's turn runs");
    assertEquals(200, stage(one, OLD_STAGE), "the snapshot stayed in force meanwhile");
  }

  private Instant leaseExpiry() throws Exception {
    try (Connection connection = DriverManager.getConnection(db.url(), db.user(), db.password());
        ResultSet row =
            connection
                .createStatement()
                .executeQuery(
                    "SELECT expires_at FROM dictionary_reload_lease WHERE source = 'xiaoman'")) {
      assertTrue(row.next());
      return row.getTimestamp(1).toInstant();
    }
  }
}

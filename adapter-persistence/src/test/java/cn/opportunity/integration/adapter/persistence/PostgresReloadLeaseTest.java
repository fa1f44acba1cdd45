package cn.opportunity.integration.adapter.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.adapter.persistence.testing.PostgresServer;
import cn.opportunity.integration.domain.dictionary.ReloadLease;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whose turn it is to reload the dictionary, among instances on one PostgreSQL database. */
class PostgresReloadLeaseTest {
  static final Duration HOUR = Duration.ofHours(1);

  @TempDir Path dir;

  @Test
  void givesOneTurnPerTermAmongInstancesClaimingAtOnce() throws Exception {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    List<StoreDatabase> instances = new ArrayList<>();
    ExecutorService claims = Executors.newFixedThreadPool(4);
    try {
      for (int i = 0; i < 4; i++)
        instances.add(StoreDatabase.open(db.url(), db.user(), db.password(), 2));
      List<Callable<Boolean>> atOnce = new ArrayList<>();
      for (StoreDatabase instance : instances)
        atOnce.add(() -> instance.reloadLease().claim("xiaoman", HOUR));
      int turns = 0;
      for (Future<Boolean> claim : claims.invokeAll(atOnce)) if (claim.get()) turns++;
      assertEquals(1, turns, "one instance reloads");
      for (StoreDatabase instance : instances)
        assertFalse(instance.reloadLease().claim("xiaoman", HOUR), "held for the whole term");
      assertTrue(instances.get(1).reloadLease().claim("other", HOUR), "a turn per source");
      assertEquals(1, holders(db, "xiaoman"));
    } finally {
      claims.shutdownNow();
      instances.forEach(StoreDatabase::close);
    }
  }

  /**
   * A holder killed mid-reload never releases its turn: it lapses at the end of the term, and then
   * another instance gets it (a term of zero lapses at once).
   */
  @Test
  void passesTheTurnOnWhenTheTermHasLapsed() {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    try (StoreDatabase dead = StoreDatabase.open(db.url(), db.user(), db.password(), 1);
        StoreDatabase alive = StoreDatabase.open(db.url(), db.user(), db.password(), 1)) {
      assertTrue(dead.reloadLease().claim("xiaoman", Duration.ZERO));
      assertTrue(alive.reloadLease().claim("xiaoman", HOUR), "the dead holder's turn lapsed");
      assertFalse(dead.reloadLease().claim("xiaoman", HOUR));
    }
  }

  @Test
  void failsAsTheStoreWhenTheLeaseCannotBeClaimed() throws Exception {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    try (StoreDatabase instance =
        PostgresDatabase.open(db.url(), db.user(), db.password(), 1, Duration.ofMillis(500))) {
      try (Connection admin = DriverManager.getConnection(db.url(), db.user(), db.password())) {
        admin.createStatement().execute("DROP TABLE dictionary_reload_lease");
      }
      assertThrows(
          IllegalStateException.class, () -> instance.reloadLease().claim("xiaoman", HOUR));
    }
  }

  @Test
  void alwaysGivesTheTurnToTheOneInstanceOfASqliteFile() {
    try (StoreDatabase sqlite =
        StoreDatabase.open("jdbc:sqlite:" + dir.resolve("s.db"), "", "", 10)) {
      ReloadLease lease = sqlite.reloadLease();
      assertTrue(lease.claim("xiaoman", HOUR));
      assertTrue(lease.claim("xiaoman", HOUR));
    }
    assertInstanceOf(ReloadLease.class, ReloadLease.alone());
  }

  private static int holders(PostgresServer.Database db, String source) throws Exception {
    try (Connection connection = DriverManager.getConnection(db.url(), db.user(), db.password());
        ResultSet rows =
            connection
                .createStatement()
                .executeQuery(
                    "SELECT count(*) FROM dictionary_reload_lease WHERE source = '"
                        + source
                        + "' AND expires_at > clock_timestamp()")) {
      rows.next();
      return rows.getInt(1);
    }
  }
}

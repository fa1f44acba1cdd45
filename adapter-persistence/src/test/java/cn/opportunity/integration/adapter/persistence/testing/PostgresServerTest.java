package cn.opportunity.integration.adapter.persistence.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The test PostgreSQL is a real server of its own: password over TCP, a database per test. */
class PostgresServerTest {
  @Test
  void givesEachTestAnEmptyDatabaseOfItsOwnBehindAPassword() throws SQLException {
    PostgresServer server = PostgresServer.shared();
    PostgresServer.Database one = server.newDatabase();
    PostgresServer.Database two = server.newDatabase();
    assertNotEquals(one.name(), two.name());
    try (Connection connection =
            DriverManager.getConnection(one.url(), one.user(), one.password());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE t (x INTEGER)");
      try (ResultSet row = statement.executeQuery("SELECT current_database(), version()")) {
        assertTrue(row.next());
        assertEquals(one.name(), row.getString(1));
        assertTrue(row.getString(2).startsWith("PostgreSQL"), row.getString(2));
      }
    }
    try (Connection connection =
            DriverManager.getConnection(two.url(), two.user(), two.password());
        ResultSet tables =
            connection
                .createStatement()
                .executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 't'")) {
      assertTrue(tables.next());
      assertEquals(0, tables.getInt(1));
    }
    assertThrows(
        SQLException.class, () -> DriverManager.getConnection(one.url(), one.user(), "wrong"));
    assertTrue(!one.toString().contains(one.password()));
  }

  @Test
  void findsTheNewestInstalledServer() {
    PostgresServer.shared();
    assertTrue(PostgresServer.findBinaries().orElseThrow().resolve("initdb").toFile().canExecute());
  }
}

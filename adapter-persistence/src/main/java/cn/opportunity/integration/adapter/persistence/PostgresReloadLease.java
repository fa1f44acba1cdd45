package cn.opportunity.integration.adapter.persistence;

import cn.opportunity.integration.domain.StoreUnavailableException;
import cn.opportunity.integration.domain.dictionary.ReloadLease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.jdbi.v3.core.ConnectionFactory;

/**
 * Whose turn it is to reload a remote dictionary, among the instances on one PostgreSQL database: a
 * row per source naming the holder and when its turn lapses, claimed by one atomic upsert that
 * succeeds only when the row is missing or lapsed. The database's clock decides, so that the
 * instances' clocks need not agree. A lease, not a session lock: it outlives a holder killed
 * mid-reload by one term at most, and survives a restart of the database (docs/decisions.md §6).
 */
public final class PostgresReloadLease implements ReloadLease {
  private static final String CLAIM =
      """
      INSERT INTO dictionary_reload_lease AS lease (source, holder, expires_at)
      VALUES (?, ?, clock_timestamp() + ? * INTERVAL '1 millisecond')
      ON CONFLICT (source) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE lease.expires_at <= clock_timestamp()""";

  private final ConnectionFactory connections;
  private final String holder;

  /**
   * @param holder names this instance in the lease row, for whoever reads it
   */
  PostgresReloadLease(ConnectionFactory connections, String holder) {
    this.connections = connections;
    this.holder = holder;
  }

  /** A holder name for this process: its id and a random part, unique among the instances. */
  static String processHolder() {
    return ProcessHandle.current().pid() + "-" + UUID.randomUUID();
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException when the database cannot be reached; another failure as
   *     {@link IllegalStateException}
   */
  @Override
  public boolean claim(String source, Duration term) {
    try (Connection connection = connections.openConnection();
        PreparedStatement claim = connection.prepareStatement(CLAIM)) {
      connection.setAutoCommit(true);
      claim.setString(1, source);
      claim.setString(2, holder);
      claim.setLong(3, term.toMillis());
      return claim.executeUpdate() == 1;
    } catch (SQLException e) {
      throw PostgresOpportunityStore.failure("claiming the dictionary reload", e);
    }
  }
}

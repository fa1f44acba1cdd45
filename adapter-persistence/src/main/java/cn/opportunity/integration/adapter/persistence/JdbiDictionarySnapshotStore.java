package cn.opportunity.integration.adapter.persistence;

import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.StoreUnavailableException;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshotStore;
import cn.opportunity.integration.domain.dictionary.LostReason;
import cn.opportunity.integration.domain.dictionary.SalesFlow;
import cn.opportunity.integration.domain.dictionary.Stage;
import cn.opportunity.integration.domain.dictionary.StageKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The last good dictionary of each remote source, in five small tables, replaced in one
 * transaction.
 */
public final class JdbiDictionarySnapshotStore implements DictionarySnapshotStore {
  private final Supplier<Jdbi> jdbi;
  private final ReentrantLock writeLock;
  private final WriteHealth writeHealth;
  private final Reads reads;

  /** How a load's several {@code SELECT}s see one snapshot. */
  enum Reads {
    /**
     * Autocommit, one after the other: only this process writes (SQLite), and the writer lock keeps
     * its saves out; a read transaction would take SQLite's write lock anyway ({@code BEGIN
     * IMMEDIATE}).
     */
    AUTOCOMMIT,
    /** In one {@code REPEATABLE READ} transaction: other processes save too (PostgreSQL). */
    ONE_SNAPSHOT
  }

  /**
   * @param writeLock the database's one writer lock, shared by its stores
   * @param writeHealth whether the database's file takes writes, shared by its stores
   */
  JdbiDictionarySnapshotStore(
      Supplier<Jdbi> jdbi, ReentrantLock writeLock, WriteHealth writeHealth, Reads reads) {
    this.jdbi = jdbi;
    this.writeLock = writeLock;
    this.writeHealth = writeHealth;
    this.reads = reads;
  }

  /**
   * Reads the snapshot with several {@code SELECT}s, under the writer lock and as {@link Reads}
   * says, so that no {@link #save} lands between them. Rare: at start, and once a reload interval
   * on an instance whose turn it was not.
   */
  @Override
  public Optional<DictionarySnapshot> load(String source) {
    writeLock.lock();
    try {
      return reads == Reads.AUTOCOMMIT
          ? jdbi.get().withHandle(handle -> read(handle, source))
          : jdbi.get()
              .inTransaction(
                  TransactionIsolationLevel.REPEATABLE_READ, handle -> read(handle, source));
    } finally {
      writeLock.unlock();
    }
  }

  private static Optional<DictionarySnapshot> read(Handle handle, String source) {
    Optional<Map<String, Object>> head =
        handle
            .createQuery("SELECT loaded_at, settings FROM dictionary_snapshot WHERE source = ?")
            .bind(0, source)
            .mapToMap()
            .findOne();
    if (head.isEmpty()) return Optional.empty();
    List<SalesFlow> flows = new ArrayList<>();
    for (Map<String, Object> flow :
        handle
            .createQuery(
                "SELECT position, flow_id, name FROM dictionary_flow WHERE source = ? ORDER BY position")
            .bind(0, source)
            .mapToMap()
            .list()) {
      List<Stage> stages =
          handle
              .createQuery(
                  """
              SELECT code, name, kind, stage_rank, enabled FROM dictionary_stage
               WHERE source = ? AND flow_position = ? ORDER BY position""")
              .bind(0, source)
              .bind(1, ((Number) flow.get("position")).intValue())
              .map(
                  (rs, ctx) ->
                      new Stage(
                          new StageCode(rs.getString("code")),
                          rs.getString("name"),
                          StageKind.ofCode(rs.getString("kind")).orElseThrow(),
                          rs.getInt("stage_rank"),
                          rs.getInt("enabled") == 1))
              .list();
      flows.add(new SalesFlow((String) flow.get("flow_id"), (String) flow.get("name"), stages));
    }
    List<LostReason> reasons =
        handle
            .createQuery(
                "SELECT reason_id, name, enabled FROM dictionary_lost_reason WHERE source = ? ORDER BY position")
            .bind(0, source)
            .map(
                (rs, ctx) ->
                    new LostReason(
                        rs.getString("reason_id"), rs.getString("name"), rs.getInt("enabled") == 1))
            .list();
    List<String> skipped =
        handle
            .createQuery("SELECT item FROM dictionary_skipped WHERE source = ? ORDER BY position")
            .bind(0, source)
            .mapTo(String.class)
            .list();
    return Optional.of(
        new DictionarySnapshot(
            flows,
            reasons,
            Instant.parse((String) head.get().get("loaded_at")),
            skipped,
            (String) head.get().get("settings")));
  }

  /**
   * {@inheritDoc}
   *
   * @throws StoreUnavailableException when the file cannot be written (full, read-only, an I/O
   *     error)
   */
  @Override
  public void save(String source, DictionarySnapshot snapshot) {
    writeLock.lock();
    try {
      writeHealth.track(
          () ->
              jdbi.get()
                  .inTransaction(
                      handle -> {
                        replace(handle, source, snapshot);
                        return null;
                      }));
    } finally {
      writeLock.unlock();
    }
  }

  private static void replace(Handle handle, String source, DictionarySnapshot snapshot) {
    handle.execute(
        "DELETE FROM dictionary_snapshot WHERE source = ?", source); // rows below cascade
    handle.execute(
        "INSERT INTO dictionary_snapshot (source, loaded_at, settings) VALUES (?, ?, ?)",
        source,
        OpportunityRow.INSTANT.format(snapshot.loadedAt()),
        snapshot.settings().orElse(null));
    for (int f = 0; f < snapshot.flows().size(); f++) {
      SalesFlow flow = snapshot.flows().get(f);
      handle.execute(
          "INSERT INTO dictionary_flow (source, position, flow_id, name) VALUES (?, ?, ?, ?)",
          source,
          f,
          flow.id(),
          flow.name());
      for (int s = 0; s < flow.stages().size(); s++) {
        Stage stage = flow.stages().get(s);
        handle.execute(
            """
            INSERT INTO dictionary_stage (source, flow_position, position, code, name, kind, stage_rank, enabled)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            source,
            f,
            s,
            stage.code().value(),
            stage.name(),
            stage.kind().code(),
            stage.rank(),
            stage.enabled() ? 1 : 0);
      }
    }
    for (int r = 0; r < snapshot.lostReasons().size(); r++) {
      LostReason reason = snapshot.lostReasons().get(r);
      handle.execute(
          "INSERT INTO dictionary_lost_reason (source, position, reason_id, name, enabled) VALUES (?, ?, ?, ?, ?)",
          source,
          r,
          reason.id(),
          reason.name(),
          reason.enabled() ? 1 : 0);
    }
    for (int k = 0; k < snapshot.skipped().size(); k++) {
      handle.execute(
          "INSERT INTO dictionary_skipped (source, position, item) VALUES (?, ?, ?)",
          source,
          k,
          snapshot.skipped().get(k));
    }
  }
}

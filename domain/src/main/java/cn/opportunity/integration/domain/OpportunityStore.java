package cn.opportunity.integration.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Where opportunities are kept, with the history of their changes. A CRM that embeds the domain
 * puts its own store behind this port; {@code OpportunityStoreContract} in the domain's test-jar
 * says what every store must do.
 *
 * <p>History (CONTRACT.md §5.2): every write that changes an opportunity stores, in the same
 * transaction, the domain's record of it — {@link HistoryEntry#of} for an update (with the origin
 * given), {@link HistoryEntry#ofCreated} for a created opportunity and {@link HistoryEntry#of} with
 * {@link ChangeOrigin#IMPORT} for an updated one in an import. A change is never stored without its
 * record, nor a record without its change; a write that changes nothing records nothing.
 */
public interface OpportunityStore {

  Optional<Opportunity> findByCode(OpportunityCode code);

  /**
   * The stored opportunities among {@code codes}, by code; codes not stored are absent. For bulk
   * work (import): a database store answers many codes in a few queries; this default asks one by
   * one.
   */
  default Map<OpportunityCode, Opportunity> findAllByCode(Collection<OpportunityCode> codes) {
    Map<OpportunityCode, Opportunity> found = new HashMap<>();
    for (OpportunityCode code : codes)
      findByCode(code).ifPresent(opportunity -> found.put(code, opportunity));
    return found;
  }

  /**
   * One page of a read of every stored opportunity, for bulk reads such as the export command: at
   * most {@code limit} opportunities, those whose code comes after {@code after} (from the first
   * when empty), in the order of {@link OpportunityCode#compareTo} (a database compares the codes'
   * UTF-8 bytes: SQLite's default, PostgreSQL's {@code COLLATE "C"}). Fewer than {@code limit}:
   * there are no more. Reading every page, each after the last code of the one before, reads each
   * opportunity once, in the state stored when its page was read; a store holds about one page in
   * memory for it, however many opportunities it keeps.
   *
   * @param after only codes after it, which need not be stored; empty: from the first
   * @param limit at least 1
   */
  List<Opportunity> findPage(Optional<OpportunityCode> after, int limit);

  /**
   * Atomically: reads the opportunity with {@code code}, gives it to {@code change}, and stores
   * what it returns when that differs, with its history record made for {@code origin}, durably,
   * before returning. No concurrent change is lost: changes of one opportunity run one after the
   * other, each on the state the previous one left.
   *
   * <p>{@code change} returns its argument (nothing to store) or its next version, as {@link
   * Opportunity#apply} does; it may throw a {@link DomainException}, which leaves nothing changed.
   *
   * @return the state now stored
   * @throws OpportunityNotFoundException when no opportunity has the code
   * @throws StaleVersionException when another writer changed the row between read and write (a
   *     store whose writers all go through this method never throws it)
   * @throws StoreBusyException when the store cannot take the change in time; nothing was changed
   * @throws StoreUnavailableException when the store cannot write now (a full disk, a read-only
   *     file, an I/O error); nothing was changed
   */
  Opportunity update(OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change);

  /**
   * {@link #update}, answered later: the stage completes with what {@code update} would return, or
   * exceptionally with what it would throw. A store that batches writes completes it from a thread
   * of its own once the change is durable, so that no caller's thread waits (the SQLite store's
   * group commit does; the HTTP adapter answers through it). This default runs {@code update} at
   * once, in the caller's thread.
   */
  default CompletionStage<Opportunity> updateLater(
      OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
    try {
      return CompletableFuture.completedFuture(update(code, origin, change));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * In one transaction, inserts {@code created} and stores {@code updated} (each the next version
   * of what was read), each with its history record of the import: all or nothing, durably.
   *
   * @throws StaleVersionException when an updated opportunity changed since it was read, or a
   *     created code exists meanwhile; nothing is written then
   * @throws StoreUnavailableException when the store cannot write now; nothing is written then
   */
  void importAll(List<NewOpportunity> created, List<Opportunity> updated);

  /**
   * Runs {@code work} in one transaction and returns what it returns: what {@code work} wrote
   * through its session is stored, durably, once it returns, and none of it if it throws (the
   * exception reaches the caller unchanged). The session's reads see its own writes; it is valid
   * only while {@code work} runs. For writes of any number of opportunities, all or nothing: the
   * import command streams a file through one session, a thousand lines at a time, so that a store
   * that keeps its transaction open (the SQLite store does) holds no more than that in memory.
   *
   * <p>This default keeps the session's writes in memory and stores them with one {@link
   * #importAll} once {@code work} returns, so memory grows with the work; reads of opportunities
   * the session did not write come from the store as it is meanwhile (if one changed before the
   * end, {@code importAll} refuses it as stale); and an opportunity written several times is stored
   * once, in its last state, one version ahead of what was stored (a created one at version 1).
   *
   * @throws StaleVersionException when a write found an opportunity changed or a created code
   *     taken; nothing is stored then
   */
  default <T> T importInTransaction(Function<ImportSession, T> work) {
    return BufferedImportSession.run(this, work);
  }

  /**
   * What the work of {@link #importInTransaction} reads and writes through, inside its transaction.
   */
  interface ImportSession {
    /** As {@link OpportunityStore#findAllByCode}, seeing what this session wrote. */
    Map<OpportunityCode, Opportunity> findAllByCode(Collection<OpportunityCode> codes);

    /**
     * As {@link OpportunityStore#importAll}, inside this session's transaction: inserts {@code
     * created} and stores {@code updated}, each exactly one version ahead of what this session
     * reads for it. Later reads of the session see them; the store keeps them only if the work
     * returns.
     *
     * @throws StaleVersionException when an updated opportunity is not one version ahead of what
     *     the session reads, or a created code is taken (a store may find it only when the work
     *     returns)
     */
    void write(List<NewOpportunity> created, List<Opportunity> updated);
  }

  /**
   * The history of the opportunity with {@code code}, newest first: at most {@code limit} records
   * of versions below {@code beforeVersion}; empty when no opportunity has the code. Reading a page
   * costs indexed reads bounded by {@code limit}, however long the history.
   *
   * @param beforeVersion only versions below it ({@link Long#MAX_VALUE}: from the newest)
   * @param limit at least 1
   */
  Optional<HistoryPage> history(OpportunityCode code, long beforeVersion, int limit);

  /**
   * Deletes at most {@code atMost} history records made before {@code before}, in a transaction
   * short enough not to hold writers up; returns how many it deleted (fewer than {@code atMost}:
   * none is left to delete now). For the retention setting, called again and again in the
   * background. A store may delete in the order the records were written: then a record made before
   * {@code before} but written after one made later (an import's record of an old creation, a clock
   * set back) is left until that one is old enough too.
   */
  int pruneHistory(Instant before, int atMost);

  /** Whether the store can be read and written now: for health checks; never throws. */
  boolean isAvailable();

  /**
   * Why the store cannot be read or written now, in a few English words without paths or secrets
   * (e.g. {@code database or disk is full}); empty while it can. For health checks; never throws.
   * This default knows only whether, from {@link #isAvailable}: a store that knows why says so.
   */
  default Optional<String> unavailableReason() {
    return isAvailable() ? Optional.empty() : Optional.of("unavailable");
  }
}

package cn.opportunity.integration.adapter.xiaoman;

import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshotStore;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import cn.opportunity.integration.domain.dictionary.ReloadLease;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stage dictionary of the CRM's live flows in Xiaoman. Validation reads it from memory; it is
 * reloaded in the background, and the last good snapshot is saved so that a restart while Xiaoman
 * is down still validates. A failed reload keeps the snapshot in force, shows in {@link
 * #lastError()} and is logged once per streak of failures. A good reload logs one line; what its
 * answer had that could not be used (a flow without stages …) is listed in that line at WARN when
 * it differs from what the reload before skipped (or is the first in this process), and only
 * counted, at INFO, when it is the same again. The snapshot keeps that list, saved with it.
 *
 * <p>Instances that share a store share the reloads (CONTRACT §6): at each interval an instance
 * claims the turn ({@link ReloadLease}, for one interval); the holder reloads from Xiaoman and
 * saves, the others take the saved snapshot when it is newer than theirs. So Xiaoman sees the calls
 * of one instance per interval, and every instance serves a new snapshot within about two
 * intervals. An instance with no dictionary at all asks Xiaoman itself, turn or not.
 *
 * <p>A snapshot records the settings it was fetched with ({@link XiaomanConfig#fetchSettings}). A
 * saved snapshot fetched with other settings is never taken: this instance loads its own from
 * Xiaoman, and while the saved one it reads each interval is another's, {@link #lastError()} says
 * that the instances on the database are configured differently (logged once when it starts).
 */
public final class XiaomanFlowDictionary implements FlowDictionary, AutoCloseable {
  public static final String SOURCE = "xiaoman";
  private static final Logger log = LoggerFactory.getLogger(XiaomanFlowDictionary.class);

  private final XiaomanClient client;
  private final DictionarySnapshotStore snapshots;
  private final List<String> flowIds;
  private final String settings;
  private final ReloadLease lease;
  private final Clock clock;
  private final ScheduledExecutorService reloads =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "xiaoman-dictionary");
            thread.setDaemon(true);
            return thread;
          });
  private volatile Optional<DictionarySnapshot> current = Optional.empty();
  private volatile Optional<String> lastError = Optional.empty();
  private volatile Optional<String> otherSettings = Optional.empty();
  private volatile Duration interval = Duration.ofMinutes(10);
  private final LongAdder[] reloadCounts = new LongAdder[ReloadOutcome.values().length];
  private boolean failing;
  private boolean firstRefresh = true;
  private List<String> lastSkipped; // null until the first good reload of this process

  /**
   * @param flowIds the flows whose stages count; empty: every usable flow
   */
  public XiaomanFlowDictionary(
      XiaomanClient client, DictionarySnapshotStore snapshots, List<String> flowIds) {
    this(client, snapshots, ReloadLease.alone(), Clock.systemUTC(), flowIds);
  }

  /**
   * @param lease whose turn it is to reload, among the instances that share {@code snapshots}
   * @param clock tells how old the shared snapshot is
   * @param flowIds the flows whose stages count; empty: every usable flow
   */
  public XiaomanFlowDictionary(
      XiaomanClient client,
      DictionarySnapshotStore snapshots,
      ReloadLease lease,
      Clock clock,
      List<String> flowIds) {
    this.client = client;
    this.snapshots = snapshots;
    this.lease = lease;
    this.clock = clock;
    this.flowIds = List.copyOf(flowIds);
    this.settings = client.config().fetchSettings(flowIds);
    for (int i = 0; i < reloadCounts.length; i++) reloadCounts[i] = new LongAdder();
  }

  /** How a reload ended: the {@code outcome} label of the reload metrics (CONTRACT §6). */
  public enum ReloadOutcome {
    SUCCESS,
    /** Xiaoman refused the credentials. */
    AUTHENTICATION,
    /** Xiaoman could not be reached, timed out or answered 5xx/429. */
    UNAVAILABLE,
    /** Xiaoman answered something unusable. */
    REJECTED,
    /** Anything else (a bug). */
    ERROR;

    static ReloadOutcome of(RuntimeException failure) {
      if (!(failure instanceof XiaomanException e)) return ERROR;
      return switch (e.kind()) {
        case AUTHENTICATION -> AUTHENTICATION;
        case UNAVAILABLE -> UNAVAILABLE;
        case REJECTED -> REJECTED;
      };
    }
  }

  /** The exchanges with Xiaoman that ended so, since the start ({@link XiaomanClient#calls}). */
  public long calls(XiaomanClient.CallOutcome outcome) {
    return client.calls(outcome);
  }

  /** Reloads that ended so, since the start. */
  public long reloads(ReloadOutcome outcome) {
    return reloadCounts[outcome.ordinal()].sum();
  }

  /**
   * Takes the saved snapshot, tries one refresh for at most {@code startBound} (the server's start
   * never waits longer), then refreshes every {@code interval} in the background ({@link
   * #refresh}).
   */
  // The periodic reload's future would only ever say "cancelled": reload() catches and reports a
  // failed fetch or save (lastError, the log), and close() ends the schedule by shutting it down.
  @SuppressWarnings("FutureReturnValueIgnored")
  public void start(Duration startBound, Duration interval) {
    this.interval = interval;
    try {
      Optional<DictionarySnapshot> saved = snapshots.load(SOURCE);
      current = saved.filter(this::fetchedLikeMine);
      current.ifPresent(
          s -> log.info("stage dictionary: saved Xiaoman snapshot of {} in force", s.loadedAt()));
      saved
          .filter(s -> !fetchedLikeMine(s))
          .ifPresent(
              s ->
                  log.warn(
                      "stage dictionary: the saved Xiaoman snapshot of {} was fetched with other"
                          + " settings ({}); not using it, loading from Xiaoman",
                      s.loadedAt(),
                      differences(s, true)));
    } catch (RuntimeException e) {
      log.warn("stage dictionary: the saved Xiaoman snapshot cannot be read: {}", e.getMessage());
    }
    Future<Boolean> first = reloads.submit(this::refresh);
    try {
      first.get(startBound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn(
          "stage dictionary: Xiaoman has not answered within {}; starting with {}",
          startBound,
          current.isPresent()
              ? "the saved snapshot"
              : "no dictionary (updates with a stage get 503)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.warn("stage dictionary: first reload failed: {}", e.getCause().toString());
    }
    reloads.scheduleWithFixedDelay(
        this::refresh, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * One interval's work: reloads from Xiaoman when this instance gets the turn (or has no
   * dictionary at all), else takes the saved snapshot if another instance saved a newer one. When
   * the store cannot tell whose turn it is, nobody's turn is assumed: the dictionary in force
   * stays.
   *
   * @return whether a reload from Xiaoman succeeded
   */
  synchronized boolean refresh() {
    boolean turn;
    try {
      turn = lease.claim(SOURCE, interval);
    } catch (RuntimeException e) {
      log.warn(
          "stage dictionary: cannot tell whose turn it is to reload ({}); {}",
          e.getMessage(),
          current.isEmpty() ? "reloading, as there is no dictionary" : "keeping the one in force");
      turn = false;
    }
    Optional<DictionarySnapshot> saved;
    try {
      saved = snapshots.load(SOURCE);
    } catch (RuntimeException e) {
      log.warn("stage dictionary: the saved Xiaoman snapshot cannot be read: {}", e.getMessage());
      return (turn || current.isEmpty()) && reload();
    }
    boolean another = saved.isPresent() && !fetchedLikeMine(saved.get());
    // What the store held at start may be this instance's own from before a change of its settings
    // (start() logged it); a snapshot another instance saves since shows in the next interval.
    if (!firstRefresh) noteWhoseSettings(saved);
    firstRefresh = false;
    if (turn || current.isEmpty() || another) return reload();
    takeSaved(saved);
    return false;
  }

  /**
   * Whether a snapshot was fetched with this instance's settings (or before they were recorded).
   */
  private boolean fetchedLikeMine(DictionarySnapshot snapshot) {
    return snapshot.settings().map(settings::equals).orElse(true);
  }

  /**
   * Notes whether the saved snapshot was fetched with other settings than this instance's: then
   * another instance on the database is configured otherwise, which {@link #lastError()} shows
   * until a saved snapshot is this instance's again.
   */
  private void noteWhoseSettings(Optional<DictionarySnapshot> saved) {
    Optional<DictionarySnapshot> another = saved.filter(s -> !fetchedLikeMine(s));
    if (another.isEmpty()) {
      if (otherSettings.isPresent())
        log.info("stage dictionary: the saved Xiaoman snapshot has this instance's settings again");
      otherSettings = Optional.empty();
      return;
    }
    if (otherSettings.isEmpty())
      log.warn(
          "stage dictionary: the saved Xiaoman snapshot of {} was fetched by an instance with other"
              + " settings ({}); not taking it, this instance loads its own from Xiaoman. Every"
              + " instance on one database needs the same XIAOMAN_* settings",
          another.get().loadedAt(),
          differences(another.get(), true));
    otherSettings =
        Optional.of(
            "the saved Xiaoman snapshot was fetched by an instance with other settings ("
                + differences(another.get(), false)
                + " differ); this instance loads its own: every instance on one database needs the"
                + " same XIAOMAN_* settings");
  }

  /**
   * The settings in which {@code other} differs from this instance's: their names, and with {@code
   * values} what each is there and here (no setting of {@link XiaomanConfig#fetchSettings} is a
   * secret).
   */
  private String differences(DictionarySnapshot other, boolean values) {
    Map<String, String> theirs = byName(other.settings().orElse(""));
    Map<String, String> mine = byName(settings);
    Set<String> names = new LinkedHashSet<>(mine.keySet());
    names.addAll(theirs.keySet());
    List<String> differing = new ArrayList<>();
    for (String name : names) {
      String there = theirs.getOrDefault(name, "");
      String here = mine.getOrDefault(name, "");
      if (there.equals(here)) continue;
      differing.add(values ? name + " '" + there + "' there, '" + here + "' here" : name);
    }
    return String.join(values ? "; " : ", ", differing);
  }

  private static Map<String, String> byName(String settings) {
    Map<String, String> byName = new LinkedHashMap<>();
    for (String line : settings.split("\n")) {
      int equals = line.indexOf('=');
      if (equals > 0) byName.put(line.substring(0, equals), line.substring(equals + 1));
    }
    return byName;
  }

  /**
   * Takes the saved snapshot (fetched with this instance's settings) when it is newer than the one
   * in force. A saved snapshot older than two intervals means that the instances whose turn it was
   * could not reload: shown as the last error, as a failed reload of this instance would be.
   */
  private void takeSaved(Optional<DictionarySnapshot> saved) {
    Optional<DictionarySnapshot> inForce = current;
    if (saved.isPresent()
        && (inForce.isEmpty() || saved.get().loadedAt().isAfter(inForce.get().loadedAt()))) {
      current = saved;
      lastError = Optional.empty();
      failing = false;
      log.info(
          "stage dictionary: took the snapshot of {} that another instance loaded from Xiaoman",
          saved.get().loadedAt());
      return;
    }
    inForce
        .filter(s -> s.loadedAt().isBefore(clock.instant().minus(interval.multipliedBy(2))))
        .ifPresent(
            s ->
                lastError =
                    Optional.of(
                        "no instance has reloaded from Xiaoman since "
                            + s.loadedAt()
                            + " (another instance's turn: see its log)"));
  }

  /**
   * One reload from Xiaoman, whoever's turn it is: on success, the snapshot in force and the saved
   * one are replaced.
   */
  public synchronized boolean reload() {
    DictionarySnapshot fresh;
    try {
      fresh = client.fetchDictionary(flowIds).withSettings(settings);
    } catch (RuntimeException e) {
      reloadCounts[ReloadOutcome.of(e).ordinal()].increment();
      lastError =
          Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      if (!failing)
        log.warn(
            "stage dictionary: reload from Xiaoman failed, keeping {}: {}",
            current.map(s -> "the snapshot of " + s.loadedAt()).orElse("no dictionary"),
            lastError.get());
      failing = true;
      return false;
    }
    reloadCounts[ReloadOutcome.SUCCESS.ordinal()].increment();
    current = Optional.of(fresh);
    lastError = Optional.empty();
    if (failing) log.info("stage dictionary: Xiaoman answers again");
    failing = false;
    logLoaded(fresh);
    try {
      snapshots.save(SOURCE, fresh);
    } catch (RuntimeException e) {
      log.warn("stage dictionary: the snapshot could not be saved: {}", e.getMessage());
    }
    return true;
  }

  private void logLoaded(DictionarySnapshot fresh) {
    String loaded =
        "stage dictionary: "
            + fresh.flows().size()
            + " flow(s), "
            + fresh.enabledStageCount()
            + " enabled stage(s) from Xiaoman";
    List<String> skipped = fresh.skipped();
    if (skipped.isEmpty()) {
      log.info(
          "{}{}",
          loaded,
          lastSkipped == null || lastSkipped.isEmpty() ? "" : "; nothing skipped any more");
    } else if (skipped.equals(lastSkipped)) {
      log.info(
          "{}; skipped the same {} item(s) as the reload before (see /health)",
          loaded,
          skipped.size());
    } else {
      log.warn("{}; skipped what cannot be used: {}", loaded, String.join("; ", skipped));
    }
    lastSkipped = skipped;
  }

  @Override
  public Optional<DictionarySnapshot> current() {
    return current;
  }

  @Override
  public String source() {
    return SOURCE;
  }

  /**
   * The last failed reload's reason, and (after it, "; ") that the saved snapshot is another
   * instance's, fetched with other settings, while it is.
   */
  @Override
  public Optional<String> lastError() {
    Optional<String> error = lastError;
    Optional<String> other = otherSettings;
    if (other.isEmpty()) return error;
    return Optional.of(error.map(e -> e + "; ").orElse("") + other.get());
  }

  /** Stops the background reloads. */
  @Override
  public void close() {
    reloads.shutdownNow();
  }
}

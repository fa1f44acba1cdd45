package cn.opportunity.integration.domain.dictionary;

import cn.opportunity.integration.domain.Nullable;
import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.Text;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The stage dictionary at one moment: the flows whose stages count, their stages, the lost reasons,
 * when it was loaded, what its source offered that it leaves out, and the settings it was fetched
 * with. Lookups are from memory and answer in constant time.
 */
public final class DictionarySnapshot {
  private final List<SalesFlow> flows;
  private final List<LostReason> lostReasons;
  private final Instant loadedAt;
  private final List<String> skipped;
  private final @Nullable String settings;
  private final Map<String, Stage> enabledByCode = new HashMap<>();
  private final Map<String, Stage> enabledByUniqueName = new HashMap<>();
  private final Map<String, LostReason> enabledReasonsById = new HashMap<>();
  private final Map<String, LostReason> enabledReasonsByUniqueName = new HashMap<>();
  private final int enabledStageCount;

  /**
   * A dictionary that leaves nothing of its source out.
   *
   * @throws IllegalArgumentException when two stages share a code, or two lost reasons an id: then
   *     neither could be told apart
   */
  public DictionarySnapshot(List<SalesFlow> flows, List<LostReason> lostReasons, Instant loadedAt) {
    this(flows, lostReasons, loadedAt, List.of());
  }

  /**
   * @param skipped the items of the source left out of this dictionary because they were unusable
   *     (a flow without stages, a stage of an unknown kind …), one readable line each, in the
   *     source's order; empty when nothing was left out
   * @throws IllegalArgumentException when two stages share a code, or two lost reasons an id: then
   *     neither could be told apart
   */
  public DictionarySnapshot(
      List<SalesFlow> flows, List<LostReason> lostReasons, Instant loadedAt, List<String> skipped) {
    this(flows, lostReasons, loadedAt, skipped, null);
  }

  /**
   * @param settings the settings of the source that decided what this dictionary holds (for
   *     Xiaoman: address, client, grant, scope, flows), one readable {@code NAME=value} line each,
   *     never a secret; null when not recorded
   * @throws IllegalArgumentException as {@link #DictionarySnapshot(List, List, Instant, List)}
   */
  public DictionarySnapshot(
      List<SalesFlow> flows,
      List<LostReason> lostReasons,
      Instant loadedAt,
      List<String> skipped,
      @Nullable String settings) {
    this.settings = settings;
    this.flows = List.copyOf(flows);
    this.lostReasons = List.copyOf(lostReasons);
    this.loadedAt = loadedAt;
    this.skipped = List.copyOf(skipped);
    Set<String> codes = new HashSet<>();
    Set<String> names = new HashSet<>();
    Set<String> sharedNames = new HashSet<>();
    for (SalesFlow flow : this.flows) {
      for (Stage stage : flow.stages()) {
        if (!codes.add(stage.code().value()))
          throw new IllegalArgumentException("stage code " + stage.code() + " appears twice");
        if (!stage.enabled()) continue;
        enabledByCode.put(stage.code().value(), stage);
        if (!names.add(stage.name())) sharedNames.add(stage.name());
      }
    }
    for (Stage stage : enabledByCode.values()) {
      if (!sharedNames.contains(stage.name())) enabledByUniqueName.put(stage.name(), stage);
    }
    this.enabledStageCount = enabledByCode.size();
    indexLostReasons();
  }

  /** As for stages: every id once; enabled reasons by id, and by name when no other shares it. */
  private void indexLostReasons() {
    Set<String> ids = new HashSet<>();
    Set<String> names = new HashSet<>();
    Set<String> sharedNames = new HashSet<>();
    for (LostReason reason : lostReasons) {
      if (!ids.add(reason.id()))
        throw new IllegalArgumentException("lost reason id " + reason.id() + " appears twice");
      if (!reason.enabled()) continue;
      enabledReasonsById.put(reason.id(), reason);
      if (!names.add(reason.name())) sharedNames.add(reason.name());
    }
    for (LostReason reason : enabledReasonsById.values()) {
      if (!sharedNames.contains(reason.name()))
        enabledReasonsByUniqueName.put(reason.name(), reason);
    }
  }

  /**
   * The enabled stage that {@code codeOrName} names: by code first, else by name when exactly one
   * enabled stage has that name. White space around it ({@link Text#trim}) is ignored.
   */
  public Optional<Stage> resolveStage(String codeOrName) {
    String key = Text.trim(codeOrName);
    Stage byCode = enabledByCode.get(key);
    return byCode != null ? Optional.of(byCode) : Optional.ofNullable(enabledByUniqueName.get(key));
  }

  /**
   * The enabled lost reason that {@code idOrName} names: by id first, else by name when exactly one
   * enabled lost reason has that name. White space around it ({@link Text#trim}) is ignored.
   */
  public Optional<LostReason> resolveLostReason(String idOrName) {
    String key = Text.trim(idOrName);
    LostReason byId = enabledReasonsById.get(key);
    return byId != null
        ? Optional.of(byId)
        : Optional.ofNullable(enabledReasonsByUniqueName.get(key));
  }

  /** The stage with {@code code}, enabled or not. */
  public Optional<Stage> stage(StageCode code) {
    return flows.stream()
        .flatMap(f -> f.stages().stream())
        .filter(s -> s.code().equals(code))
        .findFirst();
  }

  public List<SalesFlow> flows() {
    return flows;
  }

  public List<LostReason> lostReasons() {
    return lostReasons;
  }

  public Instant loadedAt() {
    return loadedAt;
  }

  /**
   * What the source offered that this dictionary leaves out, one readable line each; empty if
   * nothing.
   */
  public List<String> skipped() {
    return skipped;
  }

  /**
   * The settings of the source that decided what this dictionary holds, one {@code NAME=value} line
   * each, never a secret; empty when not recorded (a dictionary saved before they were, or a local
   * one).
   */
  public Optional<String> settings() {
    return Optional.ofNullable(settings);
  }

  /** This dictionary, recorded as fetched with {@code settings} ({@link #settings()}). */
  public DictionarySnapshot withSettings(String settings) {
    return new DictionarySnapshot(flows, lostReasons, loadedAt, skipped, settings);
  }

  /** How many stages an update may name. */
  public int enabledStageCount() {
    return enabledStageCount;
  }
}

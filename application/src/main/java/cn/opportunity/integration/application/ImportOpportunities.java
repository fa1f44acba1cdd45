package cn.opportunity.integration.application;

import cn.opportunity.integration.domain.DomainException;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.StaleVersionException;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import cn.opportunity.integration.domain.update.ImportedOpportunity;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads opportunities from lines: a code already stored is updated, a new one inserted, under the
 * rules of an update. All lines or none: any bad line is reported and nothing is imported. Lines
 * of the same code apply in order.
 */
public final class ImportOpportunities {
  /** Lines whose stored state is read in one call. */
  static final int CHUNK = 1_000;

  private final OpportunityStore store;
  private final FlowDictionary dictionary;
  private final UpdatePolicy policy;
  private final Clock clock;

  public ImportOpportunities(OpportunityStore store, FlowDictionary dictionary, UpdatePolicy policy, Clock clock) {
    this.store = store;
    this.dictionary = dictionary;
    this.policy = policy;
    this.clock = clock;
  }

  /**
   * @param lines read once per attempt (an attempt is repeated when a concurrent writer changed a
   *     stored opportunity meanwhile), so a file may stream its lines instead of holding them
   * @throws ImportRejectedException listing every bad line; nothing was imported
   */
  public ImportReport run(Iterable<ImportLine> lines) {
    for (int attempt = 1; ; attempt++) {
      try {
        return attempt(lines);
      } catch (StaleVersionException e) {
        if (attempt == ApplyIntegrationUpdate.ATTEMPTS) throw e;
      }
    }
  }

  /** A line that passed the rules of its own, waiting for the stored state of its code. */
  private record CheckedLine(int number, ImportedOpportunity imported) {}

  private ImportReport attempt(Iterable<ImportLine> lines) {
    Optional<DictionarySnapshot> snapshot = dictionary.current();
    Instant now = clock.instant();
    List<ImportRejectedException.LineError> errors = new ArrayList<>();
    Map<OpportunityCode, ImportedOpportunity> byCode = new LinkedHashMap<>();
    Map<OpportunityCode, Optional<Opportunity>> stored = new HashMap<>();
    List<CheckedLine> chunk = new ArrayList<>(CHUNK);
    int count = 0;
    for (ImportLine line : lines) {
      count++;
      try {
        if (line instanceof ImportLine.Unreadable unreadable) {
          errors.add(new ImportRejectedException.LineError(line.number(), unreadable.reason()));
          continue;
        }
        chunk.add(new CheckedLine(line.number(), policy.checkImportLine(((ImportLine.Parsed) line).fields(), snapshot)));
      } catch (DomainException e) {
        errors.add(new ImportRejectedException.LineError(line.number(), e.getMessage()));
      }
      if (chunk.size() == CHUNK) merge(chunk, stored, byCode, errors);
    }
    merge(chunk, stored, byCode, errors);
    if (!errors.isEmpty()) {
      errors.sort(Comparator.comparingInt(ImportRejectedException.LineError::line));
      throw new ImportRejectedException(errors);
    }
    List<NewOpportunity> created = new ArrayList<>();
    List<Opportunity> updated = new ArrayList<>();
    int unchanged = 0;
    for (ImportedOpportunity imported : byCode.values()) {
      Optional<Opportunity> current = stored.get(imported.patch().code());
      if (current.isEmpty()) {
        created.add(imported.toNew(now));
        continue;
      }
      Opportunity next = imported.applyTo(current.get(), now);
      if (next == current.get()) unchanged++;
      else updated.add(next);
    }
    store.importAll(created, updated);
    return new ImportReport(count, created.size(), updated.size(), unchanged);
  }

  /**
   * Reads the stored state of the chunk's new codes in one call, then merges its lines in order:
   * a stored final customer is never changed; later lines of a code win.
   */
  private void merge(List<CheckedLine> chunk, Map<OpportunityCode, Optional<Opportunity>> stored,
      Map<OpportunityCode, ImportedOpportunity> byCode, List<ImportRejectedException.LineError> errors) {
    List<OpportunityCode> unseen = chunk.stream().map(line -> line.imported().patch().code())
        .filter(code -> !stored.containsKey(code)).distinct().toList();
    Map<OpportunityCode, Opportunity> found = store.findAllByCode(unseen);
    for (OpportunityCode code : unseen) stored.put(code, Optional.ofNullable(found.get(code)));
    for (CheckedLine line : chunk) {
      try {
        ImportedOpportunity imported = line.imported();
        OpportunityCode code = imported.patch().code();
        stored.get(code).ifPresent(imported::checkFinalCustomerOf);
        ImportedOpportunity earlier = byCode.get(code);
        byCode.put(code, earlier == null ? imported : earlier.then(imported));
      } catch (DomainException e) {
        errors.add(new ImportRejectedException.LineError(line.number(), e.getMessage()));
      }
    }
    chunk.clear();
  }
}

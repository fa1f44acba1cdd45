package cn.opportunity.integration.application;

import cn.opportunity.integration.application.ImportRejectedException.LineError;
import cn.opportunity.integration.domain.DomainException;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Nullable;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Loads opportunities from lines: a code already stored is updated, a new one inserted, under the
 * rules of an update. All lines or none: any bad line is reported and nothing is imported. Each
 * line applies to the state the lines before it left, as an update would.
 *
 * <p>The lines stream through one transaction of the store ({@link
 * OpportunityStore#importInTransaction}) in chunks of at most {@link #CHUNK} lines: a chunk's
 * stored state is read in one call, its lines are checked and applied, and its writes go to the
 * store before the next chunk is read. A chunk holds each code once (a repeated code starts the
 * next chunk), so every write is one version ahead of what the chunk read. After a bad line the
 * good lines are still written, so that every later line is checked against the state the good
 * lines before it leave; the transaction is rolled back at the end.
 */
public final class ImportOpportunities {
  /** Lines whose stored state is read in one call and written in one call, at most. */
  static final int CHUNK = 1_000;

  private final OpportunityStore store;
  private final FlowDictionary dictionary;
  private final UpdatePolicy policy;
  private final Clock clock;

  public ImportOpportunities(
      OpportunityStore store, FlowDictionary dictionary, UpdatePolicy policy, Clock clock) {
    this.store = store;
    this.dictionary = dictionary;
    this.policy = policy;
    this.clock = clock;
  }

  /**
   * @param lines read once per attempt (an attempt is repeated when a concurrent writer changed a
   *     stored opportunity meanwhile), so a file may stream its lines instead of holding them
   * @param badLines told of every bad line as it is found, in line order (each line once, also when
   *     an attempt is repeated), so that no list of them grows in memory
   * @return the outcome of each line: the lines that inserted, updated or changed nothing
   * @throws ImportRejectedException when there was a bad line; nothing was imported
   */
  public ImportReport run(Iterable<ImportLine> lines, Consumer<LineError> badLines) {
    int[] reportedUpTo = {0};
    Consumer<LineError> onceEach =
        error -> {
          if (error.line() <= reportedUpTo[0]) return;
          reportedUpTo[0] = error.line();
          badLines.accept(error);
        };
    for (int attempt = 1; ; attempt++) {
      try {
        return store.importInTransaction(session -> new Attempt(session, onceEach).run(lines));
      } catch (StaleVersionException e) {
        if (attempt == ApplyIntegrationUpdate.ATTEMPTS) throw e;
      }
    }
  }

  /** A line that passed the rules of its own, waiting for the state of its code. */
  private record CheckedLine(int number, ImportedOpportunity imported) {}

  /** One pass over the lines inside one transaction. */
  private final class Attempt {
    private final OpportunityStore.ImportSession session;
    private final Consumer<LineError> badLines;
    private final Optional<DictionarySnapshot> snapshot = dictionary.current();
    private final Instant now = clock.instant();
    private final List<CheckedLine> chunk = new ArrayList<>(CHUNK);
    private final Set<OpportunityCode> chunkCodes = new HashSet<>();

    /** Bad lines found since the last chunk was written, told in line order when it is. */
    private final List<LineError> chunkErrors = new ArrayList<>();

    private int lines;
    private int inserted;
    private int updated;
    private int unchanged;
    private int bad;
    private @Nullable LineError firstBad;

    Attempt(OpportunityStore.ImportSession session, Consumer<LineError> badLines) {
      this.session = session;
      this.badLines = badLines;
    }

    ImportReport run(Iterable<ImportLine> source) {
      for (ImportLine line : source) {
        lines++;
        check(line)
            .ifPresent(
                checked -> {
                  if (!chunkCodes.add(checked.imported().patch().code())) {
                    writeChunk();
                    chunkCodes.add(checked.imported().patch().code());
                  }
                  chunk.add(checked);
                });
        if (chunk.size() + chunkErrors.size() >= CHUNK) writeChunk();
      }
      writeChunk();
      if (firstBad != null) throw new ImportRejectedException(bad, firstBad);
      return new ImportReport(lines, inserted, updated, unchanged);
    }

    /** The rules of the line alone: its JSON, its fields. */
    private Optional<CheckedLine> check(ImportLine line) {
      try {
        if (line instanceof ImportLine.Unreadable unreadable) {
          bad(line.number(), unreadable.reason());
          return Optional.empty();
        }
        ImportLine.Parsed parsed = (ImportLine.Parsed) line;
        return Optional.of(
            new CheckedLine(line.number(), policy.checkImportLine(parsed.fields(), snapshot)));
      } catch (DomainException e) {
        bad(line.number(), e.getMessage());
        return Optional.empty();
      }
    }

    /**
     * Reads the state of the chunk's codes, applies each line to its code's state (a stored final
     * customer never changes), writes the result and tells the bad lines found so far.
     */
    private void writeChunk() {
      List<NewOpportunity> created = new ArrayList<>();
      List<Opportunity> changed = new ArrayList<>();
      Map<OpportunityCode, Opportunity> current =
          chunk.isEmpty() ? Map.of() : session.findAllByCode(List.copyOf(chunkCodes));
      for (CheckedLine line : chunk) {
        ImportedOpportunity imported = line.imported();
        Opportunity stored = current.get(imported.patch().code());
        if (stored == null) {
          created.add(imported.toNew(now));
          inserted++;
          continue;
        }
        try {
          Opportunity next = imported.applyTo(stored, now);
          if (next.equals(stored)) {
            unchanged++;
          } else {
            changed.add(next);
            updated++;
          }
        } catch (DomainException e) {
          bad(line.number(), e.getMessage());
        }
      }
      if (!created.isEmpty() || !changed.isEmpty()) session.write(created, changed);
      chunk.clear();
      chunkCodes.clear();
      chunkErrors.sort(Comparator.comparingInt(LineError::line));
      chunkErrors.forEach(badLines);
      chunkErrors.clear();
    }

    private void bad(int line, String reason) {
      LineError error = new LineError(line, reason);
      chunkErrors.add(error);
      bad++;
      if (firstBad == null || line < firstBad.line()) firstBad = error;
    }
  }
}

package cn.opportunity.integration.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * The record of one change of an opportunity (CONTRACT.md §5.2): the version it made, when, who and
 * how, and what it changed. A store writes it in the same transaction as the change; the domain
 * makes it ({@link #of}, {@link #ofCreated}), the store only keeps it.
 *
 * @param requestId the request that carried the change; {@code null} for the import command
 */
public record HistoryEntry(
    Version version,
    Instant at,
    String caller,
    @Nullable String requestId,
    ChangeSource source,
    Changes changes) {

  public HistoryEntry {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(changes, "changes");
  }

  /**
   * The record of {@code before} becoming {@code after}, its next version: at its update time, with
   * every field that changed.
   *
   * @throws IllegalArgumentException unless {@code after} is the next version of {@code before}
   */
  public static HistoryEntry of(Opportunity before, Opportunity after, ChangeOrigin origin) {
    if (!after.id().equals(before.id()) || !after.version().equals(before.version().next()))
      throw new IllegalArgumentException(
          "opportunity " + after.id() + " at " + after.version() + " does not follow " + before);
    return new HistoryEntry(
        after.version(),
        after.updatedAt(),
        origin.caller(),
        origin.requestId(),
        origin.source(),
        Changes.between(before.details(), after.details()));
  }

  /** The record of a created opportunity: its first version, every value from {@code null}. */
  public static HistoryEntry ofCreated(NewOpportunity created, ChangeOrigin origin) {
    return new HistoryEntry(
        Version.FIRST,
        created.createdAt(),
        origin.caller(),
        origin.requestId(),
        origin.source(),
        Changes.created(created));
  }
}

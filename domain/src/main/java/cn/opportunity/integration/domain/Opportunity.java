package cn.opportunity.integration.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The aggregate: a deal with a customer (商机), found by its {@link OpportunityCode}. Immutable:
 * {@link #apply} returns the next state. Its final customer never changes; its version grows by one
 * with every change of at least one value, and {@code updatedAt} never goes back.
 */
public final class Opportunity {
  private final OpportunityId id;
  private final OpportunityCode code;
  private final @Nullable String finalCustomerName;
  private final OpportunityDetails details;
  private final Instant createdAt;
  private final Instant updatedAt;
  private final Version version;

  private Opportunity(
      OpportunityId id,
      OpportunityCode code,
      @Nullable String finalCustomerName,
      OpportunityDetails details,
      Instant createdAt,
      Instant updatedAt,
      Version version) {
    this.id = Objects.requireNonNull(id);
    this.code = Objects.requireNonNull(code);
    this.finalCustomerName = finalCustomerName;
    this.details = Objects.requireNonNull(details);
    this.createdAt = Objects.requireNonNull(createdAt);
    this.updatedAt = Objects.requireNonNull(updatedAt);
    this.version = Objects.requireNonNull(version);
    if (updatedAt.isBefore(createdAt))
      throw new IllegalArgumentException(
          "updatedAt " + updatedAt + " is before createdAt " + createdAt);
  }

  /**
   * The one door for stored state: what a store read back. {@code finalCustomerName} may be null.
   */
  public static Opportunity restore(
      OpportunityId id,
      OpportunityCode code,
      @Nullable String finalCustomerName,
      OpportunityDetails details,
      Instant createdAt,
      Instant updatedAt,
      Version version) {
    return new Opportunity(id, code, finalCustomerName, details, createdAt, updatedAt, version);
  }

  /** A new opportunity once its store has given it an id: version 1, created and updated now. */
  public static Opportunity created(OpportunityId id, NewOpportunity created) {
    return new Opportunity(
        id,
        created.code(),
        created.finalCustomerName().orElse(null),
        created.details(),
        created.createdAt(),
        created.createdAt(),
        Version.FIRST);
  }

  /**
   * The state after {@code patch}: this very instance when no value changes, otherwise the next
   * version, updated at {@code now} (or at the last update, if the clock went back).
   */
  public Opportunity apply(OpportunityPatch patch, Instant now) {
    if (!patch.code().equals(code))
      throw new IllegalArgumentException("patch for " + patch.code() + " applied to " + code);
    OpportunityDetails next = patch.applyTo(details);
    if (next.equals(details)) return this;
    Instant at = now.isAfter(updatedAt) ? now : updatedAt;
    return new Opportunity(id, code, finalCustomerName, next, createdAt, at, version.next());
  }

  public OpportunityId id() {
    return id;
  }

  public OpportunityCode code() {
    return code;
  }

  /** 最终客户: set when the opportunity was created, never changed by an update. */
  public Optional<String> finalCustomerName() {
    return Optional.ofNullable(finalCustomerName);
  }

  public OpportunityDetails details() {
    return details;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  public Version version() {
    return version;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Opportunity that
        && id.equals(that.id)
        && code.equals(that.code)
        && Objects.equals(finalCustomerName, that.finalCustomerName)
        && details.equals(that.details)
        && createdAt.equals(that.createdAt)
        && updatedAt.equals(that.updatedAt)
        && version.equals(that.version);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, code, version);
  }

  @Override
  public String toString() {
    return "Opportunity[id="
        + id
        + ", code="
        + code
        + ", version="
        + version
        + ", "
        + details
        + "]";
  }
}

package cn.opportunity.integration.domain.update;

import cn.opportunity.integration.domain.Nullable;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The members of one request body (or import line), as sent: each name with its value, in the order
 * sent. A {@code null} value means "not sent" and is dropped; a name given more than once is noted
 * as a duplicate (its first value is kept). Made by adapters from bytes, by embedding programs from
 * their own input.
 */
public final class SentFields {
  private final Map<String, SentValue> values;
  private final Set<String> duplicates;
  private final Set<String> given;

  private SentFields(Map<String, SentValue> values, Set<String> duplicates, Set<String> given) {
    this.values = Collections.unmodifiableMap(values);
    this.duplicates = Collections.unmodifiableSet(duplicates);
    this.given = Collections.unmodifiableSet(given);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The value sent for {@code name}; empty when not sent or sent as {@code null}. */
  public Optional<SentValue> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** The names sent with a non-null value, in the order sent. */
  public Set<String> names() {
    return values.keySet();
  }

  /** The names given more than once (with any values, {@code null} included), in the order seen. */
  public Set<String> duplicates() {
    return duplicates;
  }

  /**
   * The names sent with a non-null value or more than once, in the order first seen: a name first
   * sent as {@code null} and then again keeps its first place.
   */
  Set<String> given() {
    return given;
  }

  @Override
  public String toString() {
    return "SentFields"
        + values.keySet()
        + (duplicates.isEmpty() ? "" : " duplicates " + duplicates);
  }

  public static final class Builder {
    private final Map<String, SentValue> values = new LinkedHashMap<>();
    private final Set<String> seen = new LinkedHashSet<>();
    private final Set<String> duplicates = new LinkedHashSet<>();

    private Builder() {}

    /** Adds a member; {@code value} {@code null} records the name only (sent as JSON null). */
    public Builder put(String name, @Nullable SentValue value) {
      if (!seen.add(name)) {
        duplicates.add(name);
        return this;
      }
      if (value != null) values.put(name, value);
      return this;
    }

    public Builder text(String name, @Nullable String value) {
      return put(name, value == null ? null : SentValue.text(value));
    }

    public Builder number(String name, long value) {
      return put(name, SentValue.number(value));
    }

    public Builder number(String name, @Nullable BigDecimal value) {
      return put(name, value == null ? null : SentValue.number(value));
    }

    public Builder bool(String name, boolean value) {
      return put(name, SentValue.bool(value));
    }

    public SentFields build() {
      Set<String> given = new LinkedHashSet<>(seen);
      given.removeIf(name -> !values.containsKey(name) && !duplicates.contains(name));
      return new SentFields(new LinkedHashMap<>(values), new LinkedHashSet<>(duplicates), given);
    }
  }
}

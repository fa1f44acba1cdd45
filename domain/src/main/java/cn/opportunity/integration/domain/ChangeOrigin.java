package cn.opportunity.integration.domain;

import java.util.Objects;

/**
 * Who made a change and how: recorded with it in the history.
 *
 * @param caller the caller's name (never its secret), {@code import} for the import command
 * @param requestId the request that carried the change; {@code null} when none did (import)
 */
public record ChangeOrigin(String caller, @Nullable String requestId, ChangeSource source) {
  /** The caller name of the import command. */
  public static final String IMPORT_CALLER = "import";

  /** Every line of the import command. */
  public static final ChangeOrigin IMPORT =
      new ChangeOrigin(IMPORT_CALLER, null, ChangeSource.IMPORT);

  public ChangeOrigin {
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(source, "source");
  }
}

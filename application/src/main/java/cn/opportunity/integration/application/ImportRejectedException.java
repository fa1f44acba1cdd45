package cn.opportunity.integration.application;

/**
 * Some import lines are bad: how many, and the first. Each was told as it was found (see {@link
 * ImportOpportunities#run}). Nothing was imported.
 */
public final class ImportRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A bad line and why, in the contract's words. */
  public record LineError(int line, String reason) {}

  private final int count;
  private final LineError first;

  public ImportRejectedException(int count, LineError first) {
    super(
        count + " bad line(s), first at line " + first.line() + ": " + first.reason(),
        null,
        false,
        false);
    this.count = count;
    this.first = first;
  }

  /** How many lines were bad. */
  public int count() {
    return count;
  }

  /** The bad line with the lowest number. */
  public LineError first() {
    return first;
  }
}

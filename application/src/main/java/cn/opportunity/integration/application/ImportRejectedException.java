package cn.opportunity.integration.application;

import java.util.List;

/** Some import lines are bad: every one of them, by line number. Nothing was imported. */
public final class ImportRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A bad line and why, in the contract's words. */
  public record LineError(int line, String reason) {}

  private final List<LineError> errors;

  public ImportRejectedException(List<LineError> errors) {
    super(errors.size() + " bad line(s), first at line " + errors.get(0).line(), null, false, false);
    this.errors = List.copyOf(errors);
  }

  public List<LineError> errors() {
    return errors;
  }
}

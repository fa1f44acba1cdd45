package cn.opportunity.integration.domain;

/** The code of a stage of the stage dictionary: what an opportunity stores as its stage. */
public record StageCode(String value) {
  public StageCode {
    value = Text.trim(value);
    if (value.isEmpty()) throw new IllegalArgumentException("a stage code is not blank");
  }

  @Override
  public String toString() {
    return value;
  }
}

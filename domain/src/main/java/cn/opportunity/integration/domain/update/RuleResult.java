package cn.opportunity.integration.domain.update;

import cn.opportunity.integration.domain.Nullable;

/** What a field rule made of a sent value. */
sealed interface RuleResult {

  /** The value is good: {@code value} is its domain form ({@code null} clears the field). */
  record Accepted(@Nullable Object value) implements RuleResult {}

  /** The value breaks the rule: {@code message} says how, in the contract's words. */
  record Rejected(String message) implements RuleResult {}

  /**
   * The value can only be checked against a stage dictionary (stages, lost reasons), and none has
   * been loaded.
   */
  record NeedsDictionary() implements RuleResult {}
}

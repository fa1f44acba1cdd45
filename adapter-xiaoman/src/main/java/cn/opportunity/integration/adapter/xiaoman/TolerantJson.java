package cn.opportunity.integration.adapter.xiaoman;

import cn.opportunity.integration.domain.Text;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Reads Xiaoman's JSON as it comes: numbers sometimes as strings, members sometimes null. */
final class TolerantJson {
  private TolerantJson() {}

  /** A whole number given as a JSON number or as a string of digits. */
  static Optional<Long> longValue(JsonNode node) {
    if (node == null || node.isNull()) return Optional.empty();
    if (node.isIntegralNumber() && node.canConvertToLong()) return Optional.of(node.asLong());
    if (node.isTextual() && Text.trim(node.asText()).matches("-?[0-9]{1,18}"))
      return Optional.of(Long.parseLong(Text.trim(node.asText())));
    return Optional.empty();
  }

  /**
   * Non-blank text, trimmed as the domain trims ({@link Text#trim}), or a number written as text
   * (ids).
   */
  static Optional<String> text(JsonNode node) {
    if (node == null || node.isNull()) return Optional.empty();
    if (node.isTextual() && !Text.isBlank(node.asText()))
      return Optional.of(Text.trim(node.asText()));
    if (node.isIntegralNumber()) return Optional.of(node.asText());
    return Optional.empty();
  }
}

package cn.opportunity.integration.adapter.xiaoman;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Reads Xiaoman's JSON as it comes: numbers sometimes as strings, members sometimes null. */
final class TolerantJson {
  private TolerantJson() {}

  /** A whole number given as a JSON number or as a string of digits. */
  static Optional<Long> longValue(JsonNode node) {
    if (node == null || node.isNull()) return Optional.empty();
    if (node.isIntegralNumber() && node.canConvertToLong()) return Optional.of(node.asLong());
    if (node.isTextual() && node.asText().strip().matches("-?[0-9]{1,18}")) return Optional.of(Long.parseLong(node.asText().strip()));
    return Optional.empty();
  }

  /** Non-blank text, or a number written as text (ids). */
  static Optional<String> text(JsonNode node) {
    if (node == null || node.isNull()) return Optional.empty();
    if (node.isTextual() && !node.asText().isBlank()) return Optional.of(node.asText().strip());
    if (node.isIntegralNumber()) return Optional.of(node.asText());
    return Optional.empty();
  }
}

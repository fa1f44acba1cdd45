package cn.opportunity.integration.bootstrap;

import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import cn.opportunity.integration.domain.dictionary.LostReason;
import cn.opportunity.integration.domain.dictionary.SalesFlow;
import cn.opportunity.integration.domain.dictionary.Stage;
import java.util.ArrayList;
import java.util.List;

/** The stage dictionary as a table for a terminal, Chinese text aligned by its display width. */
final class DictionaryTable {
  private DictionaryTable() {}

  static String render(FlowDictionary dictionary) {
    StringBuilder out = new StringBuilder();
    if (dictionary.current().isEmpty()) {
      out.append("Stage dictionary (source ").append(dictionary.source()).append("): not loaded");
      dictionary.lastError().ifPresent(error -> out.append(" (").append(error).append(')'));
      return out.append('\n').toString();
    }
    DictionarySnapshot snapshot = dictionary.current().get();
    out.append("Stage dictionary (source ")
        .append(dictionary.source())
        .append(", loaded ")
        .append(snapshot.loadedAt())
        .append("): ")
        .append(snapshot.flows().size())
        .append(" flow(s), ")
        .append(snapshot.enabledStageCount())
        .append(" enabled stage(s)\n");
    for (SalesFlow flow : snapshot.flows()) {
      out.append("\nFlow ").append(flow.id()).append("  ").append(flow.name()).append('\n');
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("CODE", "NAME", "KIND", "ENABLED"));
      for (Stage stage : flow.stages()) {
        rows.add(
            List.of(
                stage.code().value(),
                stage.name(),
                stage.kind().code(),
                stage.enabled() ? "yes" : "no"));
      }
      table(out, rows);
    }
    out.append("\nLost reasons\n");
    if (snapshot.lostReasons().isEmpty()) out.append("  (none)\n");
    else {
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("ID", "NAME", "ENABLED"));
      for (LostReason reason : snapshot.lostReasons()) {
        rows.add(List.of(reason.id(), reason.name(), reason.enabled() ? "yes" : "no"));
      }
      table(out, rows);
    }
    if (!snapshot.skipped().isEmpty()) {
      out.append("\nSkipped (").append(snapshot.skipped().size()).append(")\n");
      snapshot.skipped().forEach(item -> out.append("  ").append(item).append('\n'));
    }
    return out.toString();
  }

  private static void table(StringBuilder out, List<List<String>> rows) {
    int[] widths = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++)
        widths[i] = Math.max(widths[i], displayWidth(row.get(i)));
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < row.size(); i++) {
        line.append(row.get(i));
        if (i < row.size() - 1) line.append(" ".repeat(widths[i] - displayWidth(row.get(i)) + 2));
      }
      out.append(line).append('\n');
    }
  }

  /** Columns a terminal gives the text: two for East Asian wide characters, one otherwise. */
  static int displayWidth(String text) {
    return text.codePoints().map(cp -> isWide(cp) ? 2 : 1).sum();
  }

  private static boolean isWide(int codePoint) {
    return (codePoint >= 0x1100 && codePoint <= 0x115F)
        || (codePoint >= 0x2E80 && codePoint <= 0xA4CF)
        || (codePoint >= 0xAC00 && codePoint <= 0xD7A3)
        || (codePoint >= 0xF900 && codePoint <= 0xFAFF)
        || (codePoint >= 0xFE30 && codePoint <= 0xFE4F)
        || (codePoint >= 0xFF00 && codePoint <= 0xFF60)
        || (codePoint >= 0xFFE0 && codePoint <= 0xFFE6)
        || (codePoint >= 0x1F300 && codePoint <= 0x1FAFF)
        || (codePoint >= 0x20000 && codePoint <= 0x3FFFD);
  }
}

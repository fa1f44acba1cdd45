package cn.opportunity.integration.adapter.http;

import cn.opportunity.integration.application.ReadHistory;
import cn.opportunity.integration.domain.HistoryEntry;
import cn.opportunity.integration.domain.HistoryPage;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET …/{opportunityCode}/history?limit=N&before=V} (CONTRACT.md §5.2): newest first, a page
 * at a time.
 */
final class HistoryEndpoint {
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");

  private final ReadHistory history;

  HistoryEndpoint(ReadHistory history) {
    this.history = history;
  }

  void get(Context ctx) {
    int limit = (int) parameter(ctx, "limit", ReadHistory.DEFAULT_LIMIT, 1, ReadHistory.MAX_LIMIT);
    long before = parameter(ctx, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    HistoryPage page = history.page(ctx.pathParam("opportunityCode"), before, limit);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("items", page.items().stream().map(HistoryEndpoint::item).toList());
    data.put("nextBefore", page.nextBefore().orElse(null));
    Envelope.success(ctx, data);
  }

  /**
   * A query parameter given once as a decimal integer within {@code min}–{@code max}; {@code
   * otherwise} when absent.
   *
   * @throws RequestRefused 400 {@code 分页参数无效} for anything else (empty, repeated, signed, …)
   */
  private static long parameter(Context ctx, String name, long otherwise, long min, long max) {
    List<String> sent = ctx.queryParams(name);
    if (sent.isEmpty()) return otherwise;
    if (sent.size() == 1 && DIGITS.matcher(sent.get(0)).matches()) {
      try {
        long value = Long.parseLong(sent.get(0));
        if (value >= min && value <= max) return value;
      } catch (NumberFormatException beyondLong) {
        // 19 digits above Long.MAX_VALUE: refused below
      }
    }
    throw new RequestRefused(400, HttpMessages.PAGING_INVALID);
  }

  private static Map<String, Object> item(HistoryEntry entry) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("version", entry.version().value());
    item.put("at", entry.at().toString());
    item.put("caller", entry.caller());
    item.put("requestId", entry.requestId());
    item.put("source", entry.source().code());
    item.put("changes", IntegrationEndpoints.changesView(entry.changes()));
    return item;
  }
}

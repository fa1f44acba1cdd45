package cn.opportunity.integration.adapter.http;

import io.javalin.http.Context;
import java.math.BigInteger;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The headers that change what an update does (CONTRACT.md §5.3, §5.4): {@code X-Dry-Run} and
 * {@code If-Match}, each sent at most once; a malformed one is refused before the body is read.
 */
final class UpdateHeaders {
  static final String DRY_RUN = "X-Dry-Run";
  static final String IF_MATCH = "If-Match";
  static final String ETAG = "ETag";

  private static final Pattern QUOTED_VERSION = Pattern.compile("\"([0-9]{1,100})\"");

  private UpdateHeaders() {}

  /**
   * @return whether {@code X-Dry-Run: true} was sent
   * @throws RequestRefused 400 for any other value, or the header sent twice
   */
  static boolean dryRun(Context ctx) {
    List<String> sent = all(ctx, DRY_RUN);
    if (sent.isEmpty()) return false;
    if (sent.size() == 1 && sent.get(0).strip().equals("true")) return true;
    throw new RequestRefused(400, HttpMessages.DRY_RUN_INVALID);
  }

  /**
   * The version {@code If-Match} names: empty when it is absent or {@code *} (any stored version);
   * a number beyond every version as {@link Long#MAX_VALUE}, which no opportunity reaches.
   *
   * @throws RequestRefused 400 unless it is {@code *} or one quoted decimal integer, sent once
   */
  static OptionalLong ifMatch(Context ctx) {
    List<String> sent = all(ctx, IF_MATCH);
    if (sent.isEmpty()) return OptionalLong.empty();
    String value = sent.size() == 1 ? sent.get(0).strip() : "";
    if (value.equals("*")) return OptionalLong.empty();
    var quoted = QUOTED_VERSION.matcher(value);
    if (!quoted.matches()) throw new RequestRefused(400, HttpMessages.IF_MATCH_INVALID);
    BigInteger version = new BigInteger(quoted.group(1));
    return OptionalLong.of(version.bitLength() < 64 ? version.longValue() : Long.MAX_VALUE);
  }

  /** Whether {@code If-Match} was sent at all. */
  static boolean hasIfMatch(Context ctx) {
    return ctx.req().getHeaders(IF_MATCH).hasMoreElements();
  }

  /** {@code ETag: "<version>"}. */
  static void etag(Context ctx, long version) {
    ctx.header(ETAG, "\"" + version + "\"");
  }

  private static List<String> all(Context ctx, String header) {
    return Collections.list(ctx.req().getHeaders(header));
  }
}

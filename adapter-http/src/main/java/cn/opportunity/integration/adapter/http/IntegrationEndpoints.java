package cn.opportunity.integration.adapter.http;

import cn.opportunity.integration.application.ApplyIntegrationUpdate;
import cn.opportunity.integration.application.GetOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.update.SentFields;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/** The two integration routes: the update (content type, size, strict JSON, use case) and the read. */
final class IntegrationEndpoints {
  /** Bodies above 64 KiB are refused with 413 without being read further. */
  static final int MAX_BODY_BYTES = 64 * 1024;
  /** How much of a refused request's body is still read (and dropped) so that the client gets its answer. */
  static final int DRAINED_BYTES = 1024 * 1024;
  /** {@code application/json}, optionally with {@code charset=utf-8}; case and spaces do not matter. */
  private static final Pattern JSON_TYPE = Pattern.compile(
      "\\s*application/json\\s*(;\\s*charset\\s*=\\s*(utf-8|\"utf-8\")\\s*)?", Pattern.CASE_INSENSITIVE);

  private final ApplyIntegrationUpdate update;
  private final GetOpportunity get;
  private final StrictJsonReader reader = new StrictJsonReader();

  IntegrationEndpoints(ApplyIntegrationUpdate update, GetOpportunity get) {
    this.update = update;
    this.get = get;
  }

  /** {@code PUT …/update}: steps 2–3 here (the secret was checked before), 4–8 in the use case. */
  void update(Context ctx) {
    requireJsonContentType(ctx.header("Content-Type"));   // 415
    byte[] body = readLimited(ctx);                        // 413
    SentFields sent = reader.read(body);                   // 400 请求体不是有效的 JSON 对象
    // Steps 4–6 throw here; the answer is written once the store has the change (7–8), and no
    // request thread waits for the commit meanwhile. A failure reaches the error table as thrown.
    CompletableFuture<Void> answered = update.applyLater(sent).toCompletableFuture()
        .thenAccept(id -> Envelope.success(ctx, id.value()));
    ctx.future(() -> answered);
  }

  /** {@code GET …/{opportunityCode}}: the opportunity in canonical form. */
  void get(Context ctx) {
    Envelope.success(ctx, view(get.byCode(ctx.pathParam("opportunityCode"))));
  }

  static void requireJsonContentType(String header) {
    if (header == null || !JSON_TYPE.matcher(header).matches())
      throw new RequestRefused(415, HttpMessages.UNSUPPORTED_MEDIA_TYPE);
  }

  /**
   * The body, refused with 413 past the limit whether or not a Content-Length announced it, and
   * with 400 {@code 请求无效} when it is not well-formed HTTP (a broken chunk, shorter than announced):
   * Jetty finds those only as the body is read, and they are the client's fault, not ours.
   */
  private static byte[] readLimited(Context ctx) {
    if (ctx.req().getContentLengthLong() > MAX_BODY_BYTES) throw new RequestRefused(413, HttpMessages.BODY_TOO_LARGE);
    try {
      byte[] body = ctx.req().getInputStream().readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) throw new RequestRefused(413, HttpMessages.BODY_TOO_LARGE);
      return body;
    } catch (IOException brokenBody) {
      throw new RequestRefused(400, HttpMessages.BAD_REQUEST);
    }
  }

  /**
   * Before a refusal: reads what is left of a body of at most {@link #DRAINED_BYTES} and drops it.
   * Many clients read the answer only once they have sent everything; a connection closed with
   * their body unread would show them a reset instead of the answer. A larger body is not read:
   * the connection closes as the answer leaves.
   */
  static void dropUnreadBody(Context ctx) {
    if (ctx.req().getContentLengthLong() > DRAINED_BYTES) return;
    try {
      InputStream in = ctx.req().getInputStream();
      byte[] dropped = new byte[8192];
      long left = DRAINED_BYTES;
      for (int read; left > 0 && (read = in.read(dropped, 0, (int) Math.min(dropped.length, left))) >= 0; ) left -= read;
    } catch (IOException | IllegalStateException gone) {
      // a broken body or a closed stream: nothing left to drop
    }
  }

  /** Every member, in the contract's order, each in its canonical JSON form; null when never set. */
  static Map<String, Object> view(Opportunity opportunity) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", opportunity.id().value());
    data.put(OpportunityField.CODE_NAME, opportunity.code().value());
    for (OpportunityField field : OpportunityField.values()) {
      data.put(field.jsonName(), field.canonicalValueIn(opportunity.details()));
    }
    data.put("finalCustomerName", opportunity.finalCustomerName().orElse(null));
    data.put("createdAt", opportunity.createdAt().toString());
    data.put("updatedAt", opportunity.updatedAt().toString());
    data.put("version", opportunity.version().value());
    return data;
  }
}

package cn.opportunity.integration.adapter.http;

import cn.opportunity.integration.application.ApplyIntegrationUpdate;
import cn.opportunity.integration.application.ApplyIntegrationUpdate.Rehearsal;
import cn.opportunity.integration.application.GetOpportunity;
import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.ChangeSource;
import cn.opportunity.integration.domain.Changes;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.update.SentFields;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The update (content type, size, headers, strict JSON, use case) and the read of one opportunity.
 */
final class IntegrationEndpoints {
  /** Bodies above 64 KiB are refused with 413 without being read further. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  /**
   * A body must arrive whole within this time of its request's start (at least 6.5 KB/s for the
   * largest): a slower one is refused with 408, so that no client holds the server's memory
   * forever.
   */
  static final Duration BODY_DEADLINE = Duration.ofSeconds(10);

  /**
   * {@code application/json}, optionally with {@code charset=utf-8}; case and spaces do not matter.
   */
  private static final Pattern JSON_TYPE =
      Pattern.compile(
          "\\s*application/json\\s*(;\\s*charset\\s*=\\s*(utf-8|\"utf-8\")\\s*)?",
          Pattern.CASE_INSENSITIVE);

  private final ApplyIntegrationUpdate update;
  private final GetOpportunity get;
  private final StrictJsonReader reader = new StrictJsonReader();

  IntegrationEndpoints(ApplyIntegrationUpdate update, GetOpportunity get) {
    this.update = update;
    this.get = get;
  }

  /**
   * {@code PUT …/update}: steps 2–3 here (the secret was checked before), with {@code X-Dry-Run}
   * and {@code If-Match} read between them; 4–8 in the use case. No request thread waits, neither
   * for the body nor for the commit: the body is read as it arrives ({@link BodyReader}), and the
   * answer is written once the store has the change. A failure reaches the error table as thrown.
   */
  void update(Context ctx) {
    requireJsonContentType(ctx.header("Content-Type")); // 415
    if (ctx.req().getContentLengthLong() > MAX_BODY_BYTES) // 413 as announced, nothing read
    throw new RequestRefused(413, HttpMessages.BODY_TOO_LARGE);
    boolean dryRun = UpdateHeaders.dryRun(ctx); // 400
    OptionalLong ifMatch = UpdateHeaders.ifMatch(ctx); // 400
    ChangeOrigin origin = HttpApi.origin(ctx, ChangeSource.UPDATE);
    ctx.future(
        () ->
            body(ctx, MAX_BODY_BYTES, BODY_DEADLINE) // 413 as sent, 400, 408
                .thenCompose(
                    body -> {
                      SentFields sent = reader.read(body); // 400 not JSON
                      if (dryRun) { // 4–7 and If-Match, nothing written
                        Rehearsal rehearsal = update.rehearse(sent, ifMatch);
                        UpdateHeaders.etag(ctx, rehearsal.stored().value()); // what If-Match needs
                        Envelope.success(ctx, rehearsalView(rehearsal));
                        return CompletableFuture.completedFuture(null);
                      }
                      return update
                          .applyLater(sent, origin, ifMatch) // 4–6 throw, 7–8 later
                          .thenAccept(
                              stored -> {
                                UpdateHeaders.etag(ctx, stored.version().value());
                                Envelope.success(ctx, stored.id().value());
                              });
                    }));
  }

  /**
   * The body of the request: at once when it came with the headers (as it usually does), else as it
   * arrives, within {@code deadline}.
   */
  static CompletableFuture<byte[]> body(Context ctx, int limit, Duration deadline) {
    return BodyReader.arrived(ctx.req())
        .map(CompletableFuture::completedFuture)
        .orElseGet(() -> BodyReader.read(ctx.req(), limit, deadline));
  }

  /** {@code GET …/{opportunityCode}}: the opportunity in canonical form, with its ETag. */
  void get(Context ctx) {
    Opportunity opportunity = get.byCode(ctx.pathParam("opportunityCode"));
    UpdateHeaders.etag(ctx, opportunity.version().value());
    Envelope.success(ctx, view(opportunity));
  }

  /** A dry run's data: the id, the version the opportunity would have, what would change. */
  static Map<String, Object> rehearsalView(Rehearsal rehearsal) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", rehearsal.id().value());
    data.put("version", rehearsal.version().value());
    data.put("changes", changesView(rehearsal.changes()));
    return data;
  }

  /** {@code {field: {"from": …, "to": …}}}, in the contract's order. */
  static Map<String, Object> changesView(Changes changes) {
    Map<String, Object> view = new LinkedHashMap<>();
    changes
        .byField()
        .forEach(
            (field, change) -> {
              Map<String, Object> fromTo = new LinkedHashMap<>();
              fromTo.put("from", change.from());
              fromTo.put("to", change.to());
              view.put(field, fromTo);
            });
    return view;
  }

  static void requireJsonContentType(String header) {
    if (header == null || !JSON_TYPE.matcher(header).matches())
      throw new RequestRefused(415, HttpMessages.UNSUPPORTED_MEDIA_TYPE);
  }

  /**
   * Every member, in the contract's order, each in its canonical JSON form; null when never set.
   */
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

package cn.opportunity.integration.adapter.http;

import cn.opportunity.integration.application.ApplyIntegrationUpdate;
import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.ChangeSource;
import cn.opportunity.integration.domain.update.SentFields;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * {@code PUT /api/opportunities/integration/batch-update} (CONTRACT.md §5.5): steps 1–3 for the
 * whole request, then each item checked and applied on its own, in order, exactly as the single
 * update would — one answer per item, and one item's refusal or failure never touches another. The
 * items are handed to the store one after the other without waiting, so that they ride the group
 * commit together.
 */
final class BatchEndpoint {
  static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
  static final int MAX_ITEMS = 500;

  /** A 4 MiB body must arrive within this time (≥ 140 KB/s), or the request is refused with 408. */
  static final Duration BODY_DEADLINE = Duration.ofSeconds(30);

  private final ApplyIntegrationUpdate update;
  private final StrictJsonReader reader = new StrictJsonReader();

  BatchEndpoint(ApplyIntegrationUpdate update) {
    this.update = update;
  }

  void update(Context ctx) {
    IntegrationEndpoints.requireJsonContentType(ctx.header("Content-Type")); // 415
    if (ctx.req().getContentLengthLong() > MAX_BODY_BYTES) // 413 as announced, nothing read
    throw new RequestRefused(413, HttpMessages.BODY_TOO_LARGE);
    boolean dryRun = UpdateHeaders.dryRun(ctx); // 400
    if (UpdateHeaders.hasIfMatch(ctx)) throw new RequestRefused(400, HttpMessages.BATCH_IF_MATCH);
    ChangeOrigin origin = HttpApi.origin(ctx, ChangeSource.BATCH);
    String requestId = HttpApi.requestId(ctx);
    ctx.future(
        () ->
            IntegrationEndpoints.body(ctx, MAX_BODY_BYTES, BODY_DEADLINE) // 413, 400, 408
                .thenCompose(body -> applyAll(items(body), origin, dryRun, requestId))
                .thenAccept(answers -> Envelope.success(ctx, Envelope.asData(answers))));
  }

  /** Step 3 for the whole body: one JSON array of 1 to 500 items. */
  private List<Optional<SentFields>> items(byte[] body) {
    List<Optional<SentFields>> items;
    try {
      items = reader.readArray(body);
    } catch (MalformedBodyException e) {
      throw new RequestRefused(400, HttpMessages.MALFORMED_ARRAY);
    }
    if (items.isEmpty() || items.size() > MAX_ITEMS)
      throw new RequestRefused(400, HttpMessages.BATCH_SIZE);
    return items;
  }

  /** Each item on its own, in order; completes once every item has its answer. */
  private CompletableFuture<List<Envelope>> applyAll(
      List<Optional<SentFields>> items, ChangeOrigin origin, boolean dryRun, String requestId) {
    List<CompletableFuture<Envelope>> answers = new ArrayList<>(items.size());
    for (Optional<SentFields> item : items) {
      answers.add(
          item.map(sent -> answer(sent, origin, dryRun, requestId))
              .orElseGet(
                  () ->
                      CompletableFuture.completedFuture(
                          new Envelope("-1", HttpMessages.MALFORMED_BODY, null))));
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(done -> answers.stream().map(CompletableFuture::join).toList());
  }

  /** What the single update answers for {@code sent}, as an envelope; never fails. */
  private CompletableFuture<Envelope> answer(
      SentFields sent, ChangeOrigin origin, boolean dryRun, String requestId) {
    try {
      if (dryRun)
        return CompletableFuture.completedFuture(
            Envelope.ok(
                IntegrationEndpoints.rehearsalView(update.rehearse(sent, OptionalLong.empty()))));
      return update
          .applyLater(sent, origin, OptionalLong.empty())
          .thenApply(stored -> Envelope.ok(stored.id().value()))
          .exceptionally(failure -> Refusal.of(failure, requestId).envelope())
          .toCompletableFuture();
    } catch (RuntimeException refused) { // steps 4–7 of this item
      return CompletableFuture.completedFuture(Refusal.of(refused, requestId).envelope());
    }
  }
}

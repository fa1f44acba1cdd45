package cn.opportunity.integration.adapter.http;

import cn.opportunity.integration.application.CheckHealth;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The health answers, no secret. {@code GET /health} (CONTRACT.md §3): for monitors; 503 when the
 * store is unusable, with {@code store.reason} saying why (a member only while the store is down).
 * {@code GET /health/live} and {@code GET /health/ready} (§6): for load balancers and
 * orchestrators.
 */
final class HealthEndpoint {
  static final String LIVE = "/health/live";
  static final String READY = "/health/ready";

  private final CheckHealth health;
  private final Readiness readiness;

  HealthEndpoint(CheckHealth health, Readiness readiness) {
    this.health = health;
    this.readiness = readiness;
  }

  void get(Context ctx) {
    CheckHealth.Health now = health.check();
    String status = now.isUp() ? "UP" : "DOWN";
    Map<String, Object> dictionary = new LinkedHashMap<>();
    dictionary.put("source", now.dictionary().source());
    dictionary.put("loaded", now.dictionary().loaded());
    dictionary.put("stages", now.dictionary().stages());
    dictionary.put("snapshotAgeSeconds", now.dictionary().snapshotAgeSeconds().orElse(null));
    dictionary.put("lastError", now.dictionary().lastError().orElse(null));
    dictionary.put("skipped", now.dictionary().skipped());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    Map<String, Object> store = new LinkedHashMap<>();
    store.put("status", now.storeUp() ? "UP" : "DOWN");
    now.storeDownReason().ifPresent(reason -> store.put("reason", reason));
    body.put("store", store);
    body.put("dictionary", dictionary);
    Envelope.write(ctx, now.isUp() ? 200 : 503, body);
  }

  /** 200 {@code {"status":"UP"}} whenever the process answers at all; it checks nothing else. */
  void live(Context ctx) {
    Envelope.write(ctx, 200, Map.of("status", "UP"));
  }

  /**
   * 200 {@code {"status":"UP"}} when the instance can serve updates; else 503 {@code
   * {"status":"DOWN","reason":…}}: {@code starting}, {@code stopping}, or {@code store: } and why
   * the store is unusable. The dictionary does not count: without one, only stage checks fail, and
   * every instance shares the same source.
   */
  void ready(Context ctx) {
    Optional<String> down = whyNotReady();
    if (down.isEmpty()) {
      Envelope.write(ctx, 200, Map.of("status", "UP"));
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "DOWN");
    body.put("reason", down.get());
    Envelope.write(ctx, 503, body);
  }

  private Optional<String> whyNotReady() {
    Readiness.Phase phase = readiness.phase();
    if (phase != Readiness.Phase.SERVING) return Optional.of(phase.name().toLowerCase(Locale.ROOT));
    return health.check().storeDownReason().map(reason -> "store: " + reason);
  }
}

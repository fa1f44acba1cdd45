package cn.opportunity.integration.adapter.http;

import cn.opportunity.integration.application.CheckHealth;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: for monitors, no secret; 503 when the store is unusable, with {@code
 * store.reason} saying why (a member only while the store is down).
 */
final class HealthEndpoint {
  private final CheckHealth health;

  HealthEndpoint(CheckHealth health) {
    this.health = health;
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
}

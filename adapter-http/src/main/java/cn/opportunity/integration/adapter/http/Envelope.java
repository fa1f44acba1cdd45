package cn.opportunity.integration.adapter.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every answer of the integration routes: {@code {"code":"0"|"-1","msg":…,"data":…}}, nothing more.
 */
record Envelope(String code, String msg, Object data) {
  static final String JSON_UTF8 = "application/json; charset=utf-8";
  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  static void success(Context ctx, Object data) {
    write(ctx, 200, new Envelope("0", "success", data));
  }

  static void refused(Context ctx, Refusal refusal) {
    ctx.attribute(HttpApi.OUTCOME, refusal.outcome()); // for the request metrics
    write(ctx, refusal.status(), refusal.envelope());
  }

  static Envelope ok(Object data) {
    return new Envelope("0", "success", data);
  }

  static void write(Context ctx, int status, Object body) {
    ctx.status(status).contentType(JSON_UTF8).result(json(body));
  }

  static byte[] json(Object body) {
    try {
      return JSON.writeValueAsBytes(body instanceof Envelope e ? e.asMap() : body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** The envelopes of a batch's items, as the data of its answer. */
  static List<Map<String, Object>> asData(List<Envelope> items) {
    return items.stream().map(Envelope::asMap).toList();
  }

  private Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("code", code);
    map.put("msg", msg);
    map.put("data", data);
    return map;
  }
}

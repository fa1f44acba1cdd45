package cn.opportunity.integration.adapter.http;

import cn.opportunity.integration.application.ReadStageDictionary;
import cn.opportunity.integration.domain.dictionary.LostReason;
import cn.opportunity.integration.domain.dictionary.SalesFlow;
import cn.opportunity.integration.domain.dictionary.Stage;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/opportunities/stages} (CONTRACT.md §5.7): the dictionary in force, so that an
 * integrator can check a stage or a lost reason before sending it; 503 while none is loaded.
 */
final class StagesEndpoint {
  private final ReadStageDictionary dictionary;

  StagesEndpoint(ReadStageDictionary dictionary) {
    this.dictionary = dictionary;
  }

  void get(Context ctx) {
    ReadStageDictionary.InForce now = dictionary.current();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("source", now.source());
    data.put("snapshotAgeSeconds", now.ageSeconds());
    data.put("flows", now.snapshot().flows().stream().map(StagesEndpoint::flow).toList());
    data.put(
        "lostReasons",
        now.snapshot().lostReasons().stream().map(StagesEndpoint::lostReason).toList());
    Envelope.success(ctx, data);
  }

  private static Map<String, Object> flow(SalesFlow flow) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", flow.id());
    view.put("name", flow.name());
    view.put("stages", flow.stages().stream().map(StagesEndpoint::stage).toList());
    return view;
  }

  private static Map<String, Object> stage(Stage stage) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("code", stage.code().value());
    view.put("name", stage.name());
    view.put("kind", stage.kind().code());
    view.put("rank", stage.rank());
    view.put("enabled", stage.enabled());
    return view;
  }

  private static Map<String, Object> lostReason(LostReason reason) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", reason.id());
    view.put("name", reason.name());
    view.put("enabled", reason.enabled());
    return view;
  }
}

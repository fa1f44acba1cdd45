package cn.opportunity.integration.adapter.xiaoman;

import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.LostReason;
import cn.opportunity.integration.domain.dictionary.SalesFlow;
import cn.opportunity.integration.domain.dictionary.Stage;
import cn.opportunity.integration.domain.dictionary.StageKind;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The Xiaoman (OKKI) open API, as far as the stage dictionary needs it: {@code GET
 * /v1/opportunity/fields/selector} for {@code sales_flow}, {@code stage_list} and {@code
 * fail_reason}. A data call answered 401 (or with an expired/invalid-token error) is retried once
 * with a new token; answers are read tolerantly, then checked before they become a snapshot.
 */
public final class XiaomanClient {
  private final XiaomanConfig config;
  private final XiaomanTokens tokens;
  private final XiaomanHttp http;
  private final Clock clock;

  public XiaomanClient(XiaomanConfig config, Clock clock) {
    this(config, httpClient(config), clock, wait -> Thread.sleep(wait.toMillis()), RandomGenerator.getDefault());
  }

  XiaomanClient(XiaomanConfig config, HttpClient client, Clock clock, XiaomanHttp.Sleeper sleeper, RandomGenerator random) {
    this.config = config;
    this.http = new XiaomanHttp(client, sleeper, random);
    this.tokens = new XiaomanTokens(config, http, clock);
    this.clock = clock;
  }

  /** The JDK client for Xiaoman: a short connect timeout, redirects never followed. */
  static HttpClient httpClient(XiaomanConfig config) {
    return HttpClient.newBuilder()
        .connectTimeout(config.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * The current dictionary: the usable flows (enabled and not disabled), or exactly {@code flowIds}
   * when given, each with its stages, and the lost reasons.
   *
   * @throws XiaomanException when a call fails, the whole takes longer than {@link
   *     XiaomanConfig#reloadBound()}, or an answer is not a usable dictionary (no flow, a flow
   *     without stages, missing or unknown values, a stage id twice)
   */
  public DictionarySnapshot fetchDictionary(List<String> flowIds) {
    XiaomanHttp.Deadline deadline = XiaomanHttp.Deadline.after(config.reloadBound());
    List<SalesFlow> flows = new ArrayList<>();
    for (JsonNode flow : chooseFlows(selector("sales_flow", Optional.empty(), deadline), flowIds)) {
      String id = required(TolerantJson.text(flow.get("flow_id")), "sales_flow", "flow_id");
      String name = required(TolerantJson.text(flow.get("name")), "sales_flow " + id, "name");
      List<Stage> stages = new ArrayList<>();
      for (JsonNode stage : selector("stage_list", Optional.of(id), deadline)) stages.add(stage(stage, id));
      if (stages.isEmpty()) throw rejected("stage_list of flow " + id + " is empty");
      flows.add(new SalesFlow(id, name, stages));
    }
    List<LostReason> lostReasons = new ArrayList<>();
    for (JsonNode reason : selector("fail_reason", Optional.empty(), deadline)) {
      String id = required(TolerantJson.text(reason.get("reason_id")), "fail_reason", "reason_id");
      lostReasons.add(new LostReason(id, required(TolerantJson.text(reason.get("name")), "fail_reason " + id, "name"),
          TolerantJson.longValue(reason.get("enable_flag")).orElse(1L) == 1));
    }
    try {
      return new DictionarySnapshot(flows, lostReasons, clock.instant());
    } catch (IllegalArgumentException e) {
      throw rejected("the dictionary is inconsistent: " + e.getMessage());
    }
  }

  private static List<JsonNode> chooseFlows(List<JsonNode> all, List<String> wanted) {
    List<JsonNode> chosen = new ArrayList<>();
    if (wanted.isEmpty()) {
      for (JsonNode flow : all) {
        boolean usable = TolerantJson.longValue(flow.get("enable_flag")).orElse(0L) == 1
            && TolerantJson.longValue(flow.get("disable_flag")).orElse(0L) == 0;
        if (usable) chosen.add(flow);
      }
    } else {
      for (String id : wanted) {
        chosen.add(all.stream().filter(f -> TolerantJson.text(f.get("flow_id")).orElse("").equals(id)).findFirst()
            .orElseThrow(() -> rejected("sales_flow has no flow " + id + " (XIAOMAN_FLOW_IDS)")));
      }
    }
    if (chosen.isEmpty()) throw rejected("sales_flow lists no usable flow");
    return chosen;
  }

  private static Stage stage(JsonNode stage, String flowId) {
    String where = "stage_list of flow " + flowId;
    String id = required(TolerantJson.text(stage.get("stage_id")), where, "stage_id");
    String name = required(TolerantJson.text(stage.get("stage_name")).or(() -> TolerantJson.text(stage.get("name"))), where, "stage_name");
    long type = required(TolerantJson.longValue(stage.get("type")), where, "type of stage " + id);
    StageKind kind = StageKind.ofXiaomanType((int) type).orElseThrow(() -> rejected(where + ": stage " + id + " has unknown type " + type));
    int rank = TolerantJson.longValue(stage.get("rank")).orElse(0L).intValue();
    boolean enabled = TolerantJson.longValue(stage.get("enable_flag")).orElse(0L) == 1;
    return new Stage(new StageCode(id), name, kind, rank, enabled);
  }

  /** The {@code data} list of one selector call; a refused token is renewed and the call made once more. */
  private List<JsonNode> selector(String field, Optional<String> flowId, XiaomanHttp.Deadline deadline) {
    String what = "GET selector field=" + field + flowId.map(id -> " flow_id=" + id).orElse("");
    URI uri = config.baseUrl().resolve("/v1/opportunity/fields/selector?field=" + encode(field)
        + flowId.map(id -> "&flow_id=" + encode(id)).orElse(""));
    for (int attempt = 1; ; attempt++) {
      String token = tokens.token(deadline);
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(config.requestTimeout()).header("Authorization", token).GET().build();
      XiaomanHttp.Reply reply = http.send(request, what, deadline);
      if (isTokenRefused(reply)) {
        tokens.invalidate(token);
        if (attempt == 2) throw new XiaomanException(XiaomanException.Kind.AUTHENTICATION, what + ": a new token was refused too");
        continue;
      }
      return data(reply, what);
    }
  }

  private static boolean isTokenRefused(XiaomanHttp.Reply reply) {
    if (reply.status() == 401 || TolerantJson.longValue(reply.body().get("code")).orElse(0L) == 401) return true;
    String message = message(reply.body()).toLowerCase(Locale.ROOT);
    return message.contains("token") && (message.contains("expire") || message.contains("invalid"))
        || message.contains("access_denied");
  }

  private static List<JsonNode> data(XiaomanHttp.Reply reply, String what) {
    long code = TolerantJson.longValue(reply.body().get("code")).orElse(-1L);
    if (reply.status() != 200 || (code != 200 && code != 0))
      throw rejected(what + ": HTTP " + reply.status() + ", " + message(reply.body()));
    JsonNode data = reply.body().get("data");
    List<JsonNode> items = new ArrayList<>();
    if (data == null || data.isNull()) return items;
    if (!data.isArray()) throw rejected(what + ": data is not a list");
    data.forEach(items::add);
    return items;
  }

  private static String message(JsonNode body) {
    return TolerantJson.text(body.get("message")).or(() -> TolerantJson.text(body.get("msg")))
        .or(() -> TolerantJson.text(body.get("error_description"))).orElse("no message");
  }

  private static <T> T required(Optional<T> value, String where, String what) {
    return value.orElseThrow(() -> rejected(where + ": missing " + what));
  }

  private static XiaomanException rejected(String message) {
    return new XiaomanException(XiaomanException.Kind.REJECTED, message);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}

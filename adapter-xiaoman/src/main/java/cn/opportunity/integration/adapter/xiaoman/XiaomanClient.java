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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * The Xiaoman (OKKI) open API, as far as the stage dictionary needs it: {@code GET
 * /v1/opportunity/fields/selector} for {@code sales_flow}, {@code stage_list} and {@code
 * fail_reason}. A data call answered 401 (or with an expired/invalid-token error) is retried once
 * with a new token; answers are read tolerantly, then checked before they become a snapshot: an
 * unusable item is skipped and named, an unusable answer refused whole.
 */
public final class XiaomanClient {
  /** At most this many skipped items are listed in a snapshot; a last line counts the rest. */
  static final int MAX_SKIPPED_LISTED = 50;

  /** Ids and names from Xiaoman in a skipped item are cut to this many characters. */
  static final int MAX_SHOWN_CHARS = 40;

  private final XiaomanConfig config;
  private final XiaomanTokens tokens;
  private final XiaomanHttp http;
  private final Clock clock;

  /**
   * How one HTTP exchange with Xiaoman ended, each attempt counted (retries too): the {@code
   * outcome} label of the Xiaoman call metrics (CONTRACT §6).
   */
  public enum CallOutcome {
    /** 2xx: an answer (whose content may still be an error of Xiaoman's). */
    SUCCESS,
    /** 3xx or 4xx other than 429: refused (a refused token, a redirect …). */
    REFUSED,
    /** 429. */
    THROTTLED,
    /** 5xx. */
    SERVER_ERROR,
    /** No answer within the timeout. */
    TIMEOUT,
    /** No connection, or it broke. */
    UNREACHABLE;

    static CallOutcome ofStatus(int status) {
      if (status == 429) return THROTTLED;
      if (status >= 500) return SERVER_ERROR;
      return status >= 200 && status < 300 ? SUCCESS : REFUSED;
    }
  }

  XiaomanConfig config() {
    return config;
  }

  /** Exchanges with Xiaoman (each attempt, retries included) that ended so, since the start. */
  public long calls(CallOutcome outcome) {
    return http.calls(outcome);
  }

  public XiaomanClient(XiaomanConfig config, Clock clock) {
    this(
        config,
        httpClient(config),
        clock,
        wait -> Thread.sleep(wait.toMillis()),
        RandomGenerator.getDefault());
  }

  XiaomanClient(
      XiaomanConfig config,
      HttpClient client,
      Clock clock,
      XiaomanHttp.Sleeper sleeper,
      RandomGenerator random) {
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
   * when given, each with its stages, and the lost reasons. An item that cannot be used (a flow
   * without stages, a stage of an unknown {@code type}, a missing id or name, a stage id listed
   * twice …) is left out and named in {@link DictionarySnapshot#skipped()}; the rest is kept.
   *
   * @throws XiaomanException when a call fails, the whole takes longer than {@link
   *     XiaomanConfig#reloadBound()}, or the answer as a whole is unusable: an error code, not
   *     JSON, over 1 MiB, a redirect, or no flow left with an enabled stage
   */
  public DictionarySnapshot fetchDictionary(List<String> flowIds) {
    XiaomanHttp.Deadline deadline = XiaomanHttp.Deadline.after(config.reloadBound());
    List<String> skipped = new ArrayList<>();
    Map<FlowHead, List<Stage>> stagesByFlow = new LinkedHashMap<>();
    for (FlowHead flow :
        chooseFlows(selector("sales_flow", Optional.empty(), deadline), flowIds, skipped)) {
      List<JsonNode> items = selector("stage_list", Optional.of(flow.id()), deadline);
      if (items.isEmpty()) {
        skipped.add(flow.label() + ": no stages");
        continue;
      }
      List<Stage> stages = new ArrayList<>();
      for (int i = 0; i < items.size(); i++)
        stage(items.get(i), i + 1, flow, skipped).ifPresent(stages::add);
      stagesByFlow.put(flow, stages);
    }
    List<SalesFlow> flows = withoutRepeatedStages(stagesByFlow, skipped);
    if (flows.stream().flatMap(flow -> flow.stages().stream()).noneMatch(Stage::enabled))
      throw rejected("no flow has an enabled stage" + summary(skipped));
    List<LostReason> lostReasons =
        lostReasons(selector("fail_reason", Optional.empty(), deadline), skipped);
    return new DictionarySnapshot(flows, lostReasons, clock.instant(), listed(skipped));
  }

  /** A flow of {@code sales_flow} with the id and name it needs. */
  private record FlowHead(String id, String name) {
    /** How a skipped item names the flow: {@code flow 3376272743 (test1)}. */
    String label() {
      return "flow " + shown(id) + " (" + shown(name) + ")";
    }
  }

  /**
   * The flows to load, each once; a flow without id or name, or named by XIAOMAN_FLOW_IDS but not
   * listed, is skipped.
   */
  private static List<FlowHead> chooseFlows(
      List<JsonNode> all, List<String> wanted, List<String> skipped) {
    List<FlowHead> chosen = new ArrayList<>();
    if (wanted.isEmpty()) {
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < all.size(); i++) {
        JsonNode flow = all.get(i);
        boolean usable =
            TolerantJson.longValue(flow.get("enable_flag")).orElse(0L) == 1
                && TolerantJson.longValue(flow.get("disable_flag")).orElse(0L) == 0;
        if (!usable) continue;
        head(flow, i + 1, skipped)
            .ifPresent(
                head -> {
                  if (ids.add(head.id())) chosen.add(head);
                  else skipped.add(head.label() + ": listed twice");
                });
      }
      if (chosen.isEmpty()) throw rejected("sales_flow lists no usable flow" + summary(skipped));
    } else {
      for (String id : new LinkedHashSet<>(wanted)) {
        Optional<JsonNode> flow =
            all.stream()
                .filter(f -> TolerantJson.text(f.get("flow_id")).orElse("").equals(id))
                .findFirst();
        if (flow.isEmpty())
          skipped.add("flow " + shown(id) + ": not in sales_flow (XIAOMAN_FLOW_IDS)");
        else head(flow.get(), all.indexOf(flow.get()) + 1, skipped).ifPresent(chosen::add);
      }
      if (chosen.isEmpty())
        throw rejected("sales_flow lists none of the flows of XIAOMAN_FLOW_IDS" + summary(skipped));
    }
    return chosen;
  }

  private static Optional<FlowHead> head(JsonNode flow, int position, List<String> skipped) {
    Optional<String> id = TolerantJson.text(flow.get("flow_id"));
    Optional<String> name = TolerantJson.text(flow.get("name"));
    if (id.isEmpty())
      skipped.add(
          "flow #"
              + position
              + name.map(n -> " (" + shown(n) + ")").orElse("")
              + " of sales_flow: no flow_id");
    else if (name.isEmpty()) skipped.add("flow " + shown(id.get()) + ": no name");
    else return Optional.of(new FlowHead(id.get(), name.get()));
    return Optional.empty();
  }

  /**
   * One stage of a stage list, or empty (and why, in {@code skipped}) when it lacks what a stage
   * needs.
   */
  private static Optional<Stage> stage(
      JsonNode stage, int position, FlowHead flow, List<String> skipped) {
    Optional<String> id = TolerantJson.text(stage.get("stage_id"));
    Optional<String> name =
        TolerantJson.text(stage.get("stage_name")).or(() -> TolerantJson.text(stage.get("name")));
    if (id.isEmpty()) {
      skipped.add(
          "stage #"
              + position
              + name.map(n -> " (" + shown(n) + ")").orElse("")
              + " of flow "
              + shown(flow.id())
              + ": no stage_id");
      return Optional.empty();
    }
    String what = "stage " + shown(id.get()) + " of flow " + shown(flow.id());
    JsonNode type = stage.get("type");
    Optional<StageKind> kind =
        TolerantJson.longValue(type)
            .filter(t -> t == t.intValue())
            .flatMap(t -> StageKind.ofXiaomanType(t.intValue()));
    if (name.isEmpty()) skipped.add(what + ": no stage_name");
    else if (type == null || type.isNull()) skipped.add(what + ": no type");
    else if (kind.isEmpty()) skipped.add(what + ": unknown type " + shown(type.toString()));
    else {
      int rank = TolerantJson.longValue(stage.get("rank")).orElse(0L).intValue();
      boolean enabled = TolerantJson.longValue(stage.get("enable_flag")).orElse(0L) == 1;
      return Optional.of(new Stage(new StageCode(id.get()), name.get(), kind.get(), rank, enabled));
    }
    return Optional.empty();
  }

  /**
   * The flows with their stages, less every stage whose id is listed more than once (in one flow or
   * in two): a code names one stage, and which of them Xiaoman means cannot be told. A flow left
   * without stages is skipped.
   */
  private static List<SalesFlow> withoutRepeatedStages(
      Map<FlowHead, List<Stage>> stagesByFlow, List<String> skipped) {
    Map<StageCode, List<String>> flowsByCode = new LinkedHashMap<>();
    stagesByFlow.forEach(
        (flow, stages) ->
            stages.forEach(
                stage ->
                    flowsByCode
                        .computeIfAbsent(stage.code(), code -> new ArrayList<>())
                        .add(shown(flow.id()))));
    flowsByCode.forEach(
        (code, flows) -> {
          if (flows.size() > 1)
            skipped.add(
                "stage "
                    + shown(code.value())
                    + ": listed "
                    + flows.size()
                    + " times (flows "
                    + String.join(", ", flows)
                    + ")");
        });
    List<SalesFlow> flows = new ArrayList<>();
    stagesByFlow.forEach(
        (flow, stages) -> {
          List<Stage> once =
              stages.stream().filter(stage -> flowsByCode.get(stage.code()).size() == 1).toList();
          if (once.isEmpty()) skipped.add(flow.label() + ": no usable stage");
          else flows.add(new SalesFlow(flow.id(), flow.name(), once));
        });
    return flows;
  }

  /**
   * The lost reasons with an id and a name, less every reason whose id is listed more than once.
   */
  private static List<LostReason> lostReasons(List<JsonNode> items, List<String> skipped) {
    List<LostReason> reasons = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonNode reason = items.get(i);
      Optional<String> id = TolerantJson.text(reason.get("reason_id"));
      Optional<String> name = TolerantJson.text(reason.get("name"));
      if (id.isEmpty())
        skipped.add(
            "lost reason #"
                + (i + 1)
                + name.map(n -> " (" + shown(n) + ")").orElse("")
                + " of fail_reason: no reason_id");
      else if (name.isEmpty()) skipped.add("lost reason " + shown(id.get()) + ": no name");
      else
        reasons.add(
            new LostReason(
                id.get(),
                name.get(),
                TolerantJson.longValue(reason.get("enable_flag")).orElse(1L) == 1));
    }
    Map<String, Long> counts =
        reasons.stream()
            .collect(
                Collectors.groupingBy(LostReason::id, LinkedHashMap::new, Collectors.counting()));
    counts.forEach(
        (id, count) -> {
          if (count > 1) skipped.add("lost reason " + shown(id) + ": listed " + count + " times");
        });
    return reasons.stream().filter(reason -> counts.get(reason.id()) == 1).toList();
  }

  /** Text from Xiaoman as a skipped item quotes it: cut short, so that /health stays small. */
  private static String shown(String text) {
    return text.codePointCount(0, text.length()) <= MAX_SHOWN_CHARS
        ? text
        : text.substring(0, text.offsetByCodePoints(0, MAX_SHOWN_CHARS)) + "…";
  }

  /**
   * The skipped items as the snapshot keeps them: at most {@link #MAX_SKIPPED_LISTED}, then a count
   * of the rest.
   */
  private static List<String> listed(List<String> skipped) {
    if (skipped.size() <= MAX_SKIPPED_LISTED) return skipped;
    List<String> listed = new ArrayList<>(skipped.subList(0, MAX_SKIPPED_LISTED));
    listed.add("… and " + (skipped.size() - MAX_SKIPPED_LISTED) + " more");
    return listed;
  }

  /** What a refusal adds about the items skipped on the way, if any. */
  private static String summary(List<String> skipped) {
    if (skipped.isEmpty()) return "";
    return " ("
        + skipped.size()
        + " item(s) skipped: "
        + skipped.get(0)
        + (skipped.size() > 1 ? "; …" : "")
        + ")";
  }

  /**
   * The {@code data} list of one selector call; a refused token is renewed and the call made once
   * more.
   */
  private List<JsonNode> selector(
      String field, Optional<String> flowId, XiaomanHttp.Deadline deadline) {
    String what = "GET selector field=" + field + flowId.map(id -> " flow_id=" + id).orElse("");
    URI uri =
        config
            .baseUrl()
            .resolve(
                "/v1/opportunity/fields/selector?field="
                    + encode(field)
                    + flowId.map(id -> "&flow_id=" + encode(id)).orElse(""));
    for (int attempt = 1; ; attempt++) {
      String token = tokens.token(deadline);
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .timeout(config.requestTimeout())
              .header("Authorization", token)
              .GET()
              .build();
      XiaomanHttp.Reply reply = http.send(request, what, deadline);
      if (isTokenRefused(reply)) {
        tokens.invalidate(token);
        if (attempt == 2)
          throw new XiaomanException(
              XiaomanException.Kind.AUTHENTICATION, what + ": a new token was refused too");
        continue;
      }
      return data(reply, what);
    }
  }

  private static boolean isTokenRefused(XiaomanHttp.Reply reply) {
    if (reply.status() == 401 || TolerantJson.longValue(reply.body().get("code")).orElse(0L) == 401)
      return true;
    String message = message(reply.body()).toLowerCase(Locale.ROOT);
    return (message.contains("token")
            && (message.contains("expire") || message.contains("invalid")))
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
    return TolerantJson.text(body.get("message"))
        .or(() -> TolerantJson.text(body.get("msg")))
        .or(() -> TolerantJson.text(body.get("error_description")))
        .orElse("no message");
  }

  private static XiaomanException rejected(String message) {
    return new XiaomanException(XiaomanException.Kind.REJECTED, message);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}

package cn.opportunity.integration.bootstrap;

import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.Text;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.dictionary.LostReason;
import cn.opportunity.integration.domain.dictionary.SalesFlow;
import cn.opportunity.integration.domain.dictionary.Stage;
import cn.opportunity.integration.domain.dictionary.StageKind;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code OPP_STAGES_FILE}, the JSON file that replaces the built-in local dictionary:
 *
 * <pre>{@code
 * {"flows": [{"id": "default", "name": "默认销售流程",
 *             "stages": [{"code": "discovery", "name": "发现商机", "kind": "in_progress"},
 *                        {"code": "won", "name": "赢单", "kind": "won", "enabled": true}]}],
 *  "lostReasons": [{"id": "price", "name": "价格"}]}
 * }</pre>
 *
 * {@code {"stages": […]}} alone is one flow named 默认销售流程. A stage's {@code kind} is {@code
 * in_progress}, {@code won} or {@code lost}; {@code enabled} defaults to true, {@code rank} to its
 * position in the flow. Without {@code "lostReasons"} the built-in lost reasons apply (CONTRACT
 * §5.6: price, competitor, budget, timing, other); {@code "lostReasons": []} means none, so that
 * every lost reason sent is refused. A lost reason's {@code enabled} defaults to true; two with one
 * id are refused, as two stages with one code are.
 */
final class StagesFile {
  private StagesFile() {}

  static DictionarySnapshot read(Path file, Instant loadedAt) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw invalid(file, "not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw invalid(file, "cannot be read (" + e.getMessage() + ")");
    }
    if (root == null || !root.isObject()) throw invalid(file, "the top level must be an object");
    try {
      List<SalesFlow> flows = new ArrayList<>();
      if (root.has("flows")) {
        for (JsonNode flow : array(root, "flows")) {
          flows.add(new SalesFlow(text(flow, "id"), text(flow, "name"), stages(flow)));
        }
      } else if (root.has("stages")) {
        flows.add(new SalesFlow("default", "默认销售流程", stages(root)));
      } else {
        throw new IllegalArgumentException("it needs \"flows\" or \"stages\"");
      }
      if (flows.stream().allMatch(flow -> flow.stages().isEmpty()))
        throw new IllegalArgumentException("it has no stage");
      List<LostReason> lostReasons = FixedFlowDictionary.builtInLostReasons();
      if (root.has("lostReasons")) {
        lostReasons = new ArrayList<>();
        for (JsonNode reason : array(root, "lostReasons")) {
          lostReasons.add(
              new LostReason(
                  text(reason, "id"),
                  text(reason, "name"),
                  reason.path("enabled").asBoolean(true)));
        }
      }
      return new DictionarySnapshot(flows, lostReasons, loadedAt);
    } catch (IllegalArgumentException e) {
      throw invalid(file, e.getMessage());
    }
  }

  private static List<Stage> stages(JsonNode flow) {
    List<Stage> stages = new ArrayList<>();
    for (JsonNode stage : array(flow, "stages")) {
      String code = text(stage, "code");
      String kind = text(stage, "kind");
      stages.add(
          new Stage(
              new StageCode(code),
              text(stage, "name"),
              StageKind.ofCode(kind)
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "stage "
                                  + code
                                  + ": kind must be in_progress, won or lost, not "
                                  + kind)),
              stage.path("rank").asInt(stages.size() + 1),
              stage.path("enabled").asBoolean(true)));
    }
    return stages;
  }

  private static Iterable<JsonNode> array(JsonNode parent, String name) {
    JsonNode node = parent.get(name);
    if (node == null || !node.isArray())
      throw new IllegalArgumentException("\"" + name + "\" must be an array");
    return node;
  }

  private static String text(JsonNode parent, String name) {
    JsonNode node = parent.get(name);
    if (node == null || !node.isValueNode() || Text.isBlank(node.asText()))
      throw new IllegalArgumentException("every entry needs a non-blank \"" + name + "\"");
    return node.asText();
  }

  private static AppConfig.InvalidConfigException invalid(Path file, String problem) {
    return new AppConfig.InvalidConfigException(
        List.of("OPP_STAGES_FILE: " + file + ": " + problem));
  }
}

package cn.opportunity.integration.domain.dictionary;

import cn.opportunity.integration.domain.StageCode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A dictionary that never changes: the built-in one, or one read from a file at start. */
public final class FixedFlowDictionary implements FlowDictionary {
  public static final String SOURCE = "local";

  private final DictionarySnapshot snapshot;

  public FixedFlowDictionary(DictionarySnapshot snapshot) {
    this.snapshot = snapshot;
  }

  /**
   * The contract's default dictionary: one flow of seven stages (CONTRACT.md §4) and five lost
   * reasons (§5.6).
   */
  public static FixedFlowDictionary builtIn(Instant loadedAt) {
    return new FixedFlowDictionary(
        new DictionarySnapshot(List.of(builtInFlow()), builtInLostReasons(), loadedAt));
  }

  /** The contract's default lost reasons (CONTRACT.md §5.6), all enabled. */
  public static List<LostReason> builtInLostReasons() {
    return List.of(
        new LostReason("price", "价格因素", true),
        new LostReason("competitor", "竞品胜出", true),
        new LostReason("budget", "预算取消", true),
        new LostReason("timing", "时机未到", true),
        new LostReason("other", "其他", true));
  }

  public static SalesFlow builtInFlow() {
    return new SalesFlow(
        "default",
        "默认销售流程",
        List.of(
            stage("discovery", "发现商机", StageKind.IN_PROGRESS, 1),
            stage("qualification", "需求确认", StageKind.IN_PROGRESS, 2),
            stage("solution", "方案交流", StageKind.IN_PROGRESS, 3),
            stage("bidding", "招投标", StageKind.IN_PROGRESS, 4),
            stage("negotiation", "商务谈判", StageKind.IN_PROGRESS, 5),
            stage("won", "赢单", StageKind.WON, 6),
            stage("lost", "输单", StageKind.LOST, 7)));
  }

  private static Stage stage(String code, String name, StageKind kind, int rank) {
    return new Stage(new StageCode(code), name, kind, rank, true);
  }

  @Override
  public Optional<DictionarySnapshot> current() {
    return Optional.of(snapshot);
  }

  @Override
  public String source() {
    return SOURCE;
  }

  @Override
  public Optional<String> lastError() {
    return Optional.empty();
  }
}

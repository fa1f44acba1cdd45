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

  /** The contract's default dictionary (CONTRACT.md §4): one flow of seven stages. */
  public static FixedFlowDictionary builtIn(Instant loadedAt) {
    return new FixedFlowDictionary(
        new DictionarySnapshot(List.of(builtInFlow()), List.of(), loadedAt));
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

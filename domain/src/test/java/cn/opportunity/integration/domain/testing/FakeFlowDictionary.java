package cn.opportunity.integration.domain.testing;

import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A dictionary a test controls: loaded or never loaded, replaced at will, failing on demand. */
public final class FakeFlowDictionary implements FlowDictionary {
  private volatile Optional<DictionarySnapshot> current;
  private volatile Optional<String> lastError = Optional.empty();
  private final String source;

  private FakeFlowDictionary(Optional<DictionarySnapshot> current, String source) {
    this.current = current;
    this.source = source;
  }

  /**
   * The built-in seven stages (discovery … lost) and five lost reasons (price … other), loaded at
   * {@code loadedAt}.
   */
  public static FakeFlowDictionary loaded(Instant loadedAt) {
    return new FakeFlowDictionary(
        Optional.of(
            new DictionarySnapshot(
                List.of(FixedFlowDictionary.builtInFlow()),
                FixedFlowDictionary.builtInLostReasons(),
                loadedAt)),
        "local");
  }

  public static FakeFlowDictionary loaded(DictionarySnapshot snapshot) {
    return new FakeFlowDictionary(Optional.of(snapshot), "local");
  }

  /** A remote dictionary that has never been reached. */
  public static FakeFlowDictionary neverLoaded() {
    return new FakeFlowDictionary(Optional.empty(), "xiaoman");
  }

  public void replace(DictionarySnapshot snapshot) {
    current = Optional.of(snapshot);
    lastError = Optional.empty();
  }

  public void failReload(String reason) {
    lastError = Optional.of(reason);
  }

  @Override
  public Optional<DictionarySnapshot> current() {
    return current;
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public Optional<String> lastError() {
    return lastError;
  }
}

package cn.opportunity.integration.application;

import cn.opportunity.integration.domain.DictionaryUnavailableException;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import java.time.Clock;
import java.time.Duration;

/** An integrator checks a stage or a lost reason before sending it: the dictionary in force. */
public final class ReadStageDictionary {
  private final FlowDictionary dictionary;
  private final Clock clock;

  public ReadStageDictionary(FlowDictionary dictionary, Clock clock) {
    this.dictionary = dictionary;
    this.clock = clock;
  }

  /**
   * The dictionary in force, where it comes from and how old it is.
   *
   * @param ageSeconds since it was loaded, never negative
   */
  public record InForce(String source, long ageSeconds, DictionarySnapshot snapshot) {}

  /**
   * @throws DictionaryUnavailableException while no dictionary has ever been loaded
   */
  public InForce current() {
    DictionarySnapshot snapshot =
        dictionary.current().orElseThrow(DictionaryUnavailableException::new);
    long age = Math.max(0, Duration.between(snapshot.loadedAt(), clock.instant()).toSeconds());
    return new InForce(dictionary.source(), age, snapshot);
  }
}

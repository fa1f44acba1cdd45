package cn.opportunity.integration.domain.dictionary;

import java.util.Optional;

/**
 * The CRM's current stage dictionary. Implementations answer from memory: the request path never
 * waits on a remote source.
 */
public interface FlowDictionary {

  /** The dictionary in force; empty while none has ever been loaded. */
  Optional<DictionarySnapshot> current();

  /** Where the dictionary comes from: {@code local} or {@code xiaoman}. */
  String source();

  /** Why the last reload failed, without any secret; empty when it succeeded (or none ran). */
  Optional<String> lastError();
}

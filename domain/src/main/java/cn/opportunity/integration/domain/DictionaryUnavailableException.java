package cn.opportunity.integration.domain;

/**
 * A stage (or a lost reason) was sent, but no stage dictionary has ever been loaded to check it
 * against.
 */
public final class DictionaryUnavailableException extends DomainException {
  private static final long serialVersionUID = 1L;

  public DictionaryUnavailableException() {
    super(Messages.DICTIONARY_UNAVAILABLE);
  }
}

package cn.opportunity.integration.domain;

/** No opportunity has the code. Updates never create one. */
public final class OpportunityNotFoundException extends DomainException {
  private static final long serialVersionUID = 1L;

  private final String code;

  public OpportunityNotFoundException(String code) {
    super(Messages.NOT_FOUND);
    this.code = code;
  }

  public String code() {
    return code;
  }
}

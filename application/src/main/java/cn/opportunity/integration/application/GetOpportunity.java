package cn.opportunity.integration.application;

import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.OpportunityStore;

/** An integrator checks what it wrote: the opportunity with a code, as stored. */
public final class GetOpportunity {
  private final OpportunityStore store;

  public GetOpportunity(OpportunityStore store) {
    this.store = store;
  }

  /**
   * @param code as the caller wrote it; white space around it is ignored ({@link
   *     OpportunityCode#parse})
   * @throws OpportunityNotFoundException when no opportunity has it (or it cannot be a code)
   */
  public Opportunity byCode(String code) {
    return OpportunityCode.parse(code)
        .flatMap(store::findByCode)
        .orElseThrow(() -> new OpportunityNotFoundException(code));
  }
}

package cn.opportunity.integration.domain.testing;

import cn.opportunity.integration.domain.OpportunityStore;

class InMemoryOpportunityStoreTest extends OpportunityStoreContract {
  @Override
  protected OpportunityStore newStore() {
    return new InMemoryOpportunityStore();
  }
}

package com.example.crm;

import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.testing.OpportunityStoreContract;

/** The CRM's store keeps every promise of the port: the domain's test-jar says which. */
class CrmOpportunityStoreTest extends OpportunityStoreContract {
  @Override
  protected OpportunityStore newStore() {
    return new CrmOpportunityStore();
  }
}

package cn.opportunity.integration.application;

import static cn.opportunity.integration.application.Fixtures.CODE;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cn.opportunity.integration.domain.Messages;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GetOpportunityTest {
  final InMemoryOpportunityStore store = new InMemoryOpportunityStore();
  final GetOpportunity useCase = new GetOpportunity(store);

  GetOpportunityTest() {
    store.importAll(List.of(anOpportunity().code(CODE).build()), List.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {CODE, "  " + CODE + " ", "\t" + CODE})
  void findsTheOpportunityIgnoringSurroundingSpaces(String code) {
    assertEquals(CODE, useCase.byCode(code).code().value());
    assertEquals("智慧园区二期", useCase.byCode(code).details().opportunityName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"OPP-20260401-002", "opp-20260401-001", "", "   ", "OPP-20260401-001-OPP-20260401-001-OPP-20260401-001-OPP-2026"})
  void answersNotFoundForUnknownBlankOrImpossibleCodes(String code) {
    OpportunityNotFoundException e = assertThrows(OpportunityNotFoundException.class, () -> useCase.byCode(code));
    assertEquals(Messages.NOT_FOUND, e.getMessage());
  }
}

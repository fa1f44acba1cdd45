package cn.opportunity.integration.application;

import static cn.opportunity.integration.application.Fixtures.CODE;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cn.opportunity.integration.domain.Messages;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GetOpportunityTest {
  /** The longest code there can be: 64 characters, the last an emoji (two UTF-16 units). */
  static final String LONGEST = "L".repeat(63) + "😀";

  final InMemoryOpportunityStore store = new InMemoryOpportunityStore();
  final GetOpportunity useCase = new GetOpportunity(store);

  GetOpportunityTest() {
    store.importAll(
        List.of(anOpportunity().code(CODE).build(), anOpportunity().code(LONGEST).build()),
        List.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {CODE, "  " + CODE + " ", "\t" + CODE, "\u3000" + CODE + "\n"})
  void findsTheOpportunityIgnoringSurroundingSpaces(String code) {
    Opportunity found = useCase.byCode(code);
    assertSame(store.findByCode(new OpportunityCode(CODE)).orElseThrow(), found);
    assertEquals(CODE, found.code().value());
    assertEquals("智慧园区二期", found.details().opportunityName());
  }

  @Test
  void findsACodeOf64Characters() {
    assertEquals(LONGEST, useCase.byCode(" " + LONGEST + " ").code().value());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"OPP-20260401-002", "opp-20260401-001", "OPP-20260401-00", "", "   ", "\u3000"})
  void answersNotFoundForUnknownOrBlankCodes(String code) {
    OpportunityNotFoundException e =
        assertThrows(OpportunityNotFoundException.class, () -> useCase.byCode(code));
    assertEquals(Messages.NOT_FOUND, e.getMessage());
    assertEquals(code, e.code());
  }

  @Test
  void answersNotFoundForACodeTooLongToExist() {
    String tooLong = LONGEST + "L";
    OpportunityNotFoundException e =
        assertThrows(OpportunityNotFoundException.class, () -> useCase.byCode(tooLong));
    assertEquals(Messages.NOT_FOUND, e.getMessage());
    assertEquals(2, store.size());
  }
}

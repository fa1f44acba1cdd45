package cn.opportunity.integration.application;

import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
import static cn.opportunity.integration.domain.testing.Opportunities.aFullOpportunity;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.UpdateRejectedException;
import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import cn.opportunity.integration.domain.testing.SentBodies;
import cn.opportunity.integration.domain.testing.SentBodies.Member;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The update use case over bodies no list of examples covers (docs/testing.md, "Property tests").
 */
class ApplyIntegrationUpdatePropertiesTest {
  static final Instant NOW = Instant.parse("2026-05-01T00:00:00Z");
  static final OpportunityCode CODE = new OpportunityCode(SentBodies.CODE);

  /**
   * A body with at least one member that breaks a rule (a bad value or type, an unknown or
   * final-customer name, a name twice), among any number of valid ones and in any order, is
   * refused, and the stored opportunity is exactly as before: no field, no version, no timestamp.
   */
  @Property(edgeCases = EdgeCasesMode.NONE)
  void aRefusedBodyNeverChangesTheOpportunity(
      @ForAll("refusedBodies") List<Member> body, @ForAll boolean fullBefore) {
    InMemoryOpportunityStore store = new InMemoryOpportunityStore();
    store.importAll(
        List.of((fullBefore ? aFullOpportunity() : anOpportunity()).code(CODE.value()).build()),
        List.of());
    Opportunity before = store.findByCode(CODE).orElseThrow();
    ApplyIntegrationUpdate useCase =
        new ApplyIntegrationUpdate(
            store,
            FakeFlowDictionary.loaded(NOW.minusSeconds(60)),
            new UpdatePolicy(SentBodies.ZONE),
            Clock.fixed(NOW, ZoneOffset.UTC));

    assertThrows(
        UpdateRejectedException.class, () -> useCase.apply(SentBodies.fields(body), ORIGIN));

    assertEquals(before, store.findByCode(CODE).orElseThrow());
  }

  @Provide
  Arbitrary<List<Member>> refusedBodies() {
    return SentBodies.refusedBody();
  }
}

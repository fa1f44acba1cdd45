package cn.opportunity.integration.domain.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cn.opportunity.integration.domain.Messages;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityId;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.UpdateRejectedException;
import cn.opportunity.integration.domain.Version;
import cn.opportunity.integration.domain.testing.Opportunities;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImportedOpportunityTest {
  static final OpportunityCode CODE = new OpportunityCode("OPP-1");
  static final Instant NOW = Instant.parse("2026-05-01T00:00:00Z");

  static ImportedOpportunity line(String name, String source, Optional<String> customer) {
    OpportunityPatch.Builder patch =
        OpportunityPatch.builder(CODE).set(OpportunityField.OPPORTUNITY_NAME, name);
    if (source != null) patch.set(OpportunityField.SOURCE, source);
    return new ImportedOpportunity(patch.build(), customer);
  }

  static Opportunity stored(String customer) {
    return Opportunity.created(
        new OpportunityId(1),
        Opportunities.anOpportunity().code("OPP-1").finalCustomerName(customer).build());
  }

  @Test
  void acceptsTheStoredFinalCustomerOrNone() {
    line("一", null, Optional.of("甲")).checkFinalCustomerOf(stored("甲"));
    line("一", null, Optional.empty()).checkFinalCustomerOf(stored("甲"));
    line("一", null, Optional.empty()).checkFinalCustomerOf(stored(null));
  }

  @Test
  void refusesAnotherFinalCustomerThanStored() {
    assertEquals(
        Messages.FINAL_CUSTOMER_IMMUTABLE,
        assertThrows(
                UpdateRejectedException.class,
                () -> line("一", null, Optional.of("乙")).checkFinalCustomerOf(stored("甲")))
            .getMessage());
    assertThrows(
        UpdateRejectedException.class,
        () -> line("一", null, Optional.of("乙")).applyTo(stored("甲"), NOW));
  }

  @Test
  void makesANewOpportunityOfExactlyTheLine() {
    NewOpportunity created = line("新商机", "官网", Optional.of("甲")).toNew(NOW);
    assertEquals(CODE, created.code());
    assertEquals(Optional.of("甲"), created.finalCustomerName());
    assertEquals("新商机", created.details().opportunityName());
    assertEquals("官网", created.details().source());
    assertEquals(null, created.details().amount());
    assertEquals(NOW, created.createdAt());
  }

  @Test
  void appliesTheLineToTheStoredOpportunity() {
    Opportunity current = stored("甲");
    Opportunity next = line("改名", null, Optional.of("甲")).applyTo(current, NOW);
    assertEquals("改名", next.details().opportunityName());
    assertEquals(new Version(2), next.version());
    assertSame(current, line("智慧园区二期", null, Optional.empty()).applyTo(current, NOW));
  }
}

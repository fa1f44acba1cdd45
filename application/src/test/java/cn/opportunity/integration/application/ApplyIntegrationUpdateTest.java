package cn.opportunity.integration.application;

import static cn.opportunity.integration.application.Fixtures.CLOCK;
import static cn.opportunity.integration.application.Fixtures.CODE;
import static cn.opportunity.integration.application.Fixtures.NOW;
import static cn.opportunity.integration.application.Fixtures.SHANGHAI;
import static cn.opportunity.integration.application.Fixtures.sent;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cn.opportunity.integration.domain.Amount;
import cn.opportunity.integration.domain.Confidence;
import cn.opportunity.integration.domain.DictionaryUnavailableException;
import cn.opportunity.integration.domain.Messages;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityId;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.OpportunityStatus;
import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.UpdateRejectedException;
import cn.opportunity.integration.domain.Version;
import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import cn.opportunity.integration.domain.testing.Opportunities;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplyIntegrationUpdateTest {
  final InMemoryOpportunityStore store = new InMemoryOpportunityStore();
  final FakeFlowDictionary dictionary = FakeFlowDictionary.loaded(NOW.minusSeconds(60));
  final ApplyIntegrationUpdate useCase =
      new ApplyIntegrationUpdate(store, dictionary, new UpdatePolicy(SHANGHAI), CLOCK);

  ApplyIntegrationUpdateTest() {
    store.importAll(List.of(anOpportunity().code(CODE).build()), List.of());
  }

  Opportunity stored() {
    return store.findByCode(new OpportunityCode(CODE)).orElseThrow();
  }

  @Test
  void storesTheValuesAndReturnsTheId() {
    OpportunityId id =
        useCase.apply(
            sent(
                "opportunityCode", " " + CODE + " ",
                "amount", "2800000",
                "stage", "赢单",
                "status", "WON",
                "confidencePct", "a",
                "expectedCloseDate", "2026-07-31",
                "omsPushTime", "2026-04-30T10:00:00",
                "projectLocation", "",
                "description", " 原样 "));
    Opportunity o = stored();
    assertEquals(o.id(), id);
    assertEquals(new Amount(new BigDecimal("2800000.00")), o.details().amount());
    assertEquals(new StageCode("won"), o.details().stage());
    assertEquals(OpportunityStatus.WON, o.details().status());
    assertEquals(Confidence.A, o.details().confidencePct());
    assertEquals(LocalDate.parse("2026-07-31"), o.details().expectedCloseDate());
    assertEquals(Instant.parse("2026-04-30T02:00:00Z"), o.details().omsPushTime());
    assertNull(o.details().projectLocation());
    assertEquals(" 原样 ", o.details().description());
    assertEquals("智慧园区二期", o.details().opportunityName());
    assertEquals(new Version(2), o.version());
    assertEquals(NOW, o.updatedAt());
    assertEquals(Opportunities.CREATED_AT, o.createdAt());
  }

  @Test
  void succeedsWithoutChangeWhenValuesAreAsStored() {
    Opportunity before = stored();
    OpportunityId id = useCase.apply(sent("opportunityCode", CODE, "amount", "1500000.00", "status", "ACTIVE", "stage", "商务谈判"));
    assertEquals(before.id(), id);
    assertSame(before, stored());
    assertEquals(Version.FIRST, stored().version());
    assertEquals(Opportunities.CREATED_AT, stored().updatedAt());
  }

  @Test
  void neverCreates() {
    OpportunityNotFoundException e =
        assertThrows(OpportunityNotFoundException.class, () -> useCase.apply(sent("opportunityCode", "NOPE", "source", "x")));
    assertEquals(Messages.NOT_FOUND, e.getMessage());
    assertEquals(1, store.size());
  }

  @Test
  void changesNothingWhenRefused() {
    Opportunity before = stored();
    UpdateRejectedException e =
        assertThrows(
            UpdateRejectedException.class,
            () -> useCase.apply(sent("opportunityCode", CODE, "source", "新来源", "amount", "-1", "customerName", "X")));
    assertEquals("商机金额必须大于 0；不支持更新商机的最终客户", e.getMessage());
    assertSame(before, stored());
  }

  @Test
  void reportsRuleViolationsBeforeAnUnknownCode() {
    assertThrows(UpdateRejectedException.class, () -> useCase.apply(sent("opportunityCode", "NOPE", "amount", 0L)));
    assertThrows(UpdateRejectedException.class, () -> useCase.apply(sent("opportunityCode", "NOPE")));
  }

  @Test
  void refusesAStageWhileNoDictionaryWasEverLoadedButAppliesOtherUpdates() {
    ApplyIntegrationUpdate withoutDictionary =
        new ApplyIntegrationUpdate(store, FakeFlowDictionary.neverLoaded(), new UpdatePolicy(SHANGHAI), CLOCK);
    assertThrows(
        DictionaryUnavailableException.class,
        () -> withoutDictionary.apply(sent("opportunityCode", CODE, "stage", "won", "source", "x")));
    assertEquals(Version.FIRST, stored().version());
    withoutDictionary.apply(sent("opportunityCode", CODE, "source", "官网"));
    assertEquals("官网", stored().details().source());
    assertEquals(new StageCode("negotiation"), stored().details().stage());
  }

  @Test
  void checksStagesAgainstTheDictionaryInForce() {
    assertEquals(
        "项目阶段无效: 101",
        assertThrows(UpdateRejectedException.class, () -> useCase.apply(sent("opportunityCode", CODE, "stage", "101")))
            .getMessage());
  }
}

package cn.opportunity.integration.application;

import static cn.opportunity.integration.application.Fixtures.CLOCK;
import static cn.opportunity.integration.application.Fixtures.CODE;
import static cn.opportunity.integration.application.Fixtures.NOW;
import static cn.opportunity.integration.application.Fixtures.SHANGHAI;
import static cn.opportunity.integration.application.Fixtures.sent;
import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
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
import cn.opportunity.integration.domain.OpportunityDetails;
import cn.opportunity.integration.domain.OpportunityId;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.OpportunityStatus;
import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.StaleVersionException;
import cn.opportunity.integration.domain.UpdateRejectedException;
import cn.opportunity.integration.domain.Version;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.SalesFlow;
import cn.opportunity.integration.domain.dictionary.Stage;
import cn.opportunity.integration.domain.dictionary.StageKind;
import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import cn.opportunity.integration.domain.testing.Opportunities;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
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
                "description", " 原样 "),
            ORIGIN);
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
    OpportunityId id =
        useCase.apply(
            sent(
                "opportunityCode",
                CODE,
                "amount",
                "1500000.00",
                "status",
                "ACTIVE",
                "stage",
                "商务谈判"),
            ORIGIN);
    assertEquals(before.id(), id);
    assertSame(before, stored());
    assertEquals(Version.FIRST, stored().version());
    assertEquals(Opportunities.CREATED_AT, stored().updatedAt());
  }

  @Test
  void neverCreates() {
    OpportunityNotFoundException e =
        assertThrows(
            OpportunityNotFoundException.class,
            () -> useCase.apply(sent("opportunityCode", "NOPE", "source", "x"), ORIGIN));
    assertEquals(Messages.NOT_FOUND, e.getMessage());
    assertEquals(1, store.size());
  }

  @Test
  void changesNothingWhenRefused() {
    Opportunity before = stored();
    UpdateRejectedException e =
        assertThrows(
            UpdateRejectedException.class,
            () ->
                useCase.apply(
                    sent(
                        "opportunityCode",
                        CODE,
                        "source",
                        "新来源",
                        "amount",
                        "-1",
                        "customerName",
                        "X"),
                    ORIGIN));
    assertEquals("商机金额必须大于 0；不支持更新商机的最终客户", e.getMessage());
    assertSame(before, stored());
  }

  @Test
  void reportsRuleViolationsBeforeAnUnknownCode() {
    assertEquals(
        List.of(Messages.AMOUNT_NOT_POSITIVE, "不支持的字段: foo"),
        assertThrows(
                UpdateRejectedException.class,
                () ->
                    useCase.apply(sent("opportunityCode", "NOPE", "amount", 0L, "foo", 1L), ORIGIN))
            .violations());
    assertEquals(
        Messages.NOTHING_TO_UPDATE,
        assertThrows(
                UpdateRejectedException.class,
                () -> useCase.apply(sent("opportunityCode", "NOPE"), ORIGIN))
            .getMessage());
    assertEquals(
        Messages.CODE_REQUIRED,
        assertThrows(
                UpdateRejectedException.class,
                () -> useCase.apply(sent("opportunityCode", " ", "source", "x"), ORIGIN))
            .getMessage());
    assertEquals(1, store.size());
  }

  @Test
  void storesEveryFieldOfTheTable() {
    useCase.apply(
        sent(
            "opportunityCode", CODE,
            "opportunityName", "新名称 😀",
            "projectLocation", "北京",
            "operatorName", "运作方",
            "amount", new BigDecimal("1e3"),
            "expectedCloseDate", "2028-02-29",
            "confidencePct", "c",
            "stage", " bidding ",
            "opportunityType", "改造",
            "productType", "硬件",
            "source", "展会",
            "salesExpansionId", 9223372036854775807L,
            "channelExpansionId", "+12",
            "preSalesId", " 7 ",
            "preSalesName", "售前",
            "competitorName", "竞品",
            "archived", true,
            "pushedToOms", false,
            "omsPushTime", "2026-04-30T02:00:00.5Z",
            "status", "Lost",
            "description", "第一行\n第二行"),
        ORIGIN);
    OpportunityDetails expected =
        OpportunityDetails.builder()
            .opportunityName("新名称 😀")
            .projectLocation("北京")
            .operatorName("运作方")
            .amount(new Amount(new BigDecimal("1000.00")))
            .expectedCloseDate(LocalDate.of(2028, 2, 29))
            .confidencePct(Confidence.C)
            .stage(new StageCode("bidding"))
            .opportunityType("改造")
            .productType("硬件")
            .source("展会")
            .salesExpansionId(Long.MAX_VALUE)
            .channelExpansionId(12L)
            .preSalesId(7L)
            .preSalesName("售前")
            .competitorName("竞品")
            .archived(true)
            .pushedToOms(false)
            .omsPushTime(Instant.parse("2026-04-30T02:00:00.5Z"))
            .status(OpportunityStatus.LOST)
            .description("第一行\n第二行")
            .build();
    assertEquals(expected, stored().details());
    assertEquals(new Version(2), stored().version());
    assertEquals(Optional.of("华东电网有限公司"), stored().finalCustomerName());
  }

  @Test
  void neverMovesUpdatedAtBackWhenTheClockIsBehind() {
    Instant future = NOW.plusSeconds(3600);
    store.importAll(List.of(anOpportunity().code("LATE-1").createdAt(future).build()), List.of());
    useCase.apply(sent("opportunityCode", "LATE-1", "source", "官网"), ORIGIN);
    Opportunity late = store.findByCode(new OpportunityCode("LATE-1")).orElseThrow();
    assertEquals(future, late.updatedAt());
    assertEquals(new Version(2), late.version());
    assertEquals("官网", late.details().source());
  }

  @Test
  void growsTheVersionByOnePerChangingUpdate() {
    useCase.apply(sent("opportunityCode", CODE, "source", "一"), ORIGIN);
    useCase.apply(sent("opportunityCode", CODE, "source", "一"), ORIGIN);
    useCase.apply(sent("opportunityCode", CODE, "source", "二", "archived", true), ORIGIN);
    assertEquals(new Version(3), stored().version());
    assertEquals("二", stored().details().source());
  }

  @Test
  void reportsOtherViolationsRatherThanTheMissingDictionary() {
    ApplyIntegrationUpdate withoutDictionary =
        new ApplyIntegrationUpdate(
            store, FakeFlowDictionary.neverLoaded(), new UpdatePolicy(SHANGHAI), CLOCK);
    assertEquals(
        "商机金额必须大于 0",
        assertThrows(
                UpdateRejectedException.class,
                () ->
                    withoutDictionary.apply(
                        sent("opportunityCode", CODE, "stage", "won", "amount", "0"), ORIGIN))
            .getMessage());
    assertEquals(
        Messages.DICTIONARY_UNAVAILABLE,
        assertThrows(
                DictionaryUnavailableException.class,
                () ->
                    withoutDictionary.apply(
                        sent("opportunityCode", "NOPE", "stage", "won"), ORIGIN))
            .getMessage());
    assertEquals(Version.FIRST, stored().version());
  }

  @Test
  void reAppliesTheUpdateToTheFreshStateWhenAnotherWriterWon() {
    RacingOpportunityStore racing = new RacingOpportunityStore(ApplyIntegrationUpdate.ATTEMPTS - 1);
    racing.delegate.importAll(List.of(anOpportunity().code(CODE).build()), List.of());
    ApplyIntegrationUpdate update =
        new ApplyIntegrationUpdate(racing, dictionary, new UpdatePolicy(SHANGHAI), CLOCK);
    OpportunityId id = update.apply(sent("opportunityCode", CODE, "source", "官网"), ORIGIN);
    Opportunity result = racing.findByCode(new OpportunityCode(CODE)).orElseThrow();
    assertEquals(result.id(), id);
    assertEquals("官网", result.details().source());
    assertEquals("对手-" + (ApplyIntegrationUpdate.ATTEMPTS - 1), result.details().competitorName());
    assertEquals(new Version(ApplyIntegrationUpdate.ATTEMPTS + 1), result.version());
    assertEquals(ApplyIntegrationUpdate.ATTEMPTS, racing.writeAttempts);
  }

  @Test
  void givesUpAfterLosingEveryAttempt() {
    RacingOpportunityStore racing = new RacingOpportunityStore(ApplyIntegrationUpdate.ATTEMPTS);
    racing.delegate.importAll(List.of(anOpportunity().code(CODE).build()), List.of());
    ApplyIntegrationUpdate update =
        new ApplyIntegrationUpdate(racing, dictionary, new UpdatePolicy(SHANGHAI), CLOCK);
    assertThrows(
        StaleVersionException.class,
        () -> update.apply(sent("opportunityCode", CODE, "source", "官网"), ORIGIN));
    Opportunity result = racing.findByCode(new OpportunityCode(CODE)).orElseThrow();
    assertEquals(null, result.details().source());
    assertEquals(ApplyIntegrationUpdate.ATTEMPTS, racing.writeAttempts);
    assertEquals(ApplyIntegrationUpdate.ATTEMPTS, racing.rivalWrites());
  }

  @Test
  void refusesAStageWhileNoDictionaryWasEverLoadedButAppliesOtherUpdates() {
    ApplyIntegrationUpdate withoutDictionary =
        new ApplyIntegrationUpdate(
            store, FakeFlowDictionary.neverLoaded(), new UpdatePolicy(SHANGHAI), CLOCK);
    assertThrows(
        DictionaryUnavailableException.class,
        () ->
            withoutDictionary.apply(
                sent("opportunityCode", CODE, "stage", "won", "source", "x"), ORIGIN));
    assertEquals(Version.FIRST, stored().version());
    withoutDictionary.apply(sent("opportunityCode", CODE, "source", "官网"), ORIGIN);
    assertEquals("官网", stored().details().source());
    assertEquals(new StageCode("negotiation"), stored().details().stage());
  }

  @Test
  void checksStagesAgainstTheDictionaryInForce() {
    assertEquals(
        "项目阶段无效: 101",
        assertThrows(
                UpdateRejectedException.class,
                () -> useCase.apply(sent("opportunityCode", CODE, "stage", "101"), ORIGIN))
            .getMessage());
    dictionary.replace(
        new DictionarySnapshot(
            List.of(
                new SalesFlow(
                    "9",
                    "小满流程",
                    List.of(
                        new Stage(new StageCode("101"), "初步接洽", StageKind.IN_PROGRESS, 1, true)))),
            List.of(),
            NOW));
    useCase.apply(sent("opportunityCode", CODE, "stage", "初步接洽"), ORIGIN);
    assertEquals(new StageCode("101"), stored().details().stage());
    assertEquals(
        "项目阶段无效: won",
        assertThrows(
                UpdateRejectedException.class,
                () -> useCase.apply(sent("opportunityCode", CODE, "stage", "won"), ORIGIN))
            .getMessage());
    assertEquals(new StageCode("101"), stored().details().stage());
  }
}

package cn.opportunity.integration.application;

import static cn.opportunity.integration.application.Fixtures.CLOCK;
import static cn.opportunity.integration.application.Fixtures.NOW;
import static cn.opportunity.integration.application.Fixtures.SHANGHAI;
import static cn.opportunity.integration.application.Fixtures.sent;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.application.ImportRejectedException.LineError;
import cn.opportunity.integration.domain.Amount;
import cn.opportunity.integration.domain.LostReasonId;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityDetails;
import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.StaleVersionException;
import cn.opportunity.integration.domain.Version;
import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class ImportOpportunitiesTest {
  final InMemoryOpportunityStore store = new InMemoryOpportunityStore();
  final ImportOpportunities useCase =
      new ImportOpportunities(
          store, FakeFlowDictionary.loaded(NOW), new UpdatePolicy(SHANGHAI), CLOCK);

  ImportOpportunitiesTest() {
    store.importAll(
        List.of(anOpportunity().code("OLD-1").build(), anOpportunity().code("OLD-2").build()),
        List.of());
  }

  static ImportLine line(int number, Object... pairs) {
    return new ImportLine.Parsed(number, sent(pairs));
  }

  Opportunity stored(String code) {
    return store.findByCode(new OpportunityCode(code)).orElseThrow();
  }

  /** The bad lines an import told, in the order told. */
  final List<LineError> told = new ArrayList<>();

  ImportReport run(List<ImportLine> lines) {
    return useCase.run(lines, told::add);
  }

  /**
   * Runs an import that must be rejected; returns the bad lines it told, checking the exception's
   * count and first.
   */
  List<LineError> rejected(ImportOpportunities importer, List<ImportLine> lines) {
    told.clear();
    ImportRejectedException e =
        assertThrows(ImportRejectedException.class, () -> importer.run(lines, told::add));
    assertEquals(told.size(), e.count());
    assertEquals(told.get(0), e.first());
    return List.copyOf(told);
  }

  List<LineError> rejected(List<ImportLine> lines) {
    return rejected(useCase, lines);
  }

  @Test
  void insertsUpdatesAndCountsUnchanged() {
    ImportReport report =
        run(
            List.of(
                line(
                    1,
                    "opportunityCode",
                    "NEW-1",
                    "opportunityName",
                    "新商机",
                    "finalCustomerName",
                    "甲公司",
                    "amount",
                    "10"),
                line(2, "opportunityCode", "OLD-1", "opportunityName", "改名"),
                line(
                    3,
                    "opportunityCode",
                    "OLD-2",
                    "opportunityName",
                    "智慧园区二期",
                    "stage",
                    "negotiation")));
    assertEquals(new ImportReport(3, 1, 1, 1), report);
    Opportunity created = stored("NEW-1");
    assertEquals(Optional.of("甲公司"), created.finalCustomerName());
    assertEquals(new Amount(new BigDecimal("10")), created.details().amount());
    assertEquals(Version.FIRST, created.version());
    assertEquals(NOW, created.createdAt());
    assertEquals("改名", stored("OLD-1").details().opportunityName());
    assertEquals(new Version(2), stored("OLD-1").version());
    assertEquals(NOW, stored("OLD-1").updatedAt());
    assertEquals(Version.FIRST, stored("OLD-2").version());
    assertEquals(List.of(), told);
  }

  @Test
  void reportsEveryBadLineSortedAndImportsNothing() {
    Opportunity before = stored("OLD-1");
    assertEquals(
        List.of(
            new LineError(2, "商机名称不能为空"),
            new LineError(4, "opportunityCode 不能为空"),
            new LineError(5, "不是有效的 JSON 对象"),
            new LineError(6, "商机金额必须大于 0；不支持的字段: customerName"),
            new LineError(7, "不支持更新商机的最终客户")),
        rejected(
            List.of(
                line(1, "opportunityCode", "NEW-1", "opportunityName", "好"),
                new ImportLine.Unreadable(5, "不是有效的 JSON 对象"),
                line(2, "opportunityCode", "NEW-2", "amount", "5"),
                line(3, "opportunityCode", "OLD-1", "opportunityName", "改名"),
                line(4, "opportunityName", "无编号"),
                line(
                    6,
                    "opportunityCode",
                    "NEW-3",
                    "opportunityName",
                    "x",
                    "amount",
                    "-1",
                    "customerName",
                    "乙"),
                line(
                    7,
                    "opportunityCode",
                    "OLD-1",
                    "opportunityName",
                    "x",
                    "finalCustomerName",
                    "别家"))));
    assertEquals(2, store.size());
    assertSame(before, stored("OLD-1"));
  }

  @Test
  void reportsOnlyUnreadableLines() {
    assertEquals(
        List.of(new LineError(1, "空行"), new LineError(2, "坏行")),
        rejected(List.of(new ImportLine.Unreadable(2, "坏行"), new ImportLine.Unreadable(1, "空行"))));
  }

  @Test
  void appliesEachLineToTheStateTheLinesBeforeItLeft() {
    ImportReport report =
        run(
            List.of(
                line(
                    1,
                    "opportunityCode",
                    "NEW-1",
                    "opportunityName",
                    "一",
                    "source",
                    "官网",
                    "finalCustomerName",
                    "甲"),
                line(2, "opportunityCode", " NEW-1 ", "opportunityName", "二", "stage", "won"),
                line(3, "opportunityCode", "OLD-1", "opportunityName", "甲名", "amount", "1"),
                line(4, "opportunityCode", "OLD-1", "opportunityName", "乙名"),
                line(
                    5,
                    "opportunityCode",
                    "NEW-1",
                    "opportunityName",
                    "二",
                    "finalCustomerName",
                    "甲")));
    assertEquals(new ImportReport(5, 1, 3, 1), report);
    Opportunity created = stored("NEW-1");
    assertEquals("二", created.details().opportunityName());
    assertEquals("官网", created.details().source());
    assertEquals(new StageCode("won"), created.details().stage());
    assertEquals(Optional.of("甲"), created.finalCustomerName());
    assertEquals(new Version(2), created.version());
    assertEquals("乙名", stored("OLD-1").details().opportunityName());
    assertEquals(new Amount(new BigDecimal("1")), stored("OLD-1").details().amount());
    assertEquals(new Version(3), stored("OLD-1").version());
  }

  /** CONTRACT §5.6 in an import line: the rules of an update, the id stored. */
  @Test
  void importsALostReasonByNameAsItsIdAndRefusesAnUnknownOne() {
    assertEquals(
        List.of(new LineError(2, "输单原因无效: 价格")),
        rejected(
            List.of(
                line(1, "opportunityCode", "NEW-1", "opportunityName", "一", "lostReason", "价格因素"),
                line(2, "opportunityCode", "OLD-1", "opportunityName", "甲", "lostReason", "价格"))));
    assertTrue(store.findByCode(new OpportunityCode("NEW-1")).isEmpty(), "nothing imported");
    run(
        List.of(
            line(1, "opportunityCode", "NEW-1", "opportunityName", "一", "lostReason", "价格因素"),
            line(2, "opportunityCode", "OLD-1", "opportunityName", "甲", "lostReason", " other ")));
    assertEquals(new LostReasonId("price"), stored("NEW-1").details().lostReason());
    assertEquals(new LostReasonId("other"), stored("OLD-1").details().lostReason());
  }

  @Test
  void countsALineThatChangesBackWhatAnEarlierLineChangedAsAnUpdate() {
    ImportReport report =
        run(
            List.of(
                line(1, "opportunityCode", "OLD-1", "opportunityName", "临时名", "source", "官网"),
                line(2, "opportunityCode", "OLD-1", "opportunityName", "智慧园区二期", "source", "")));
    assertEquals(new ImportReport(2, 0, 2, 0), report);
    assertEquals("智慧园区二期", stored("OLD-1").details().opportunityName());
    assertEquals(null, stored("OLD-1").details().source());
    assertEquals(new Version(3), stored("OLD-1").version());
  }

  @Test
  void refusesTwoLinesNamingDifferentFinalCustomers() {
    assertEquals(
        List.of(new LineError(2, "不支持更新商机的最终客户")),
        rejected(
            List.of(
                line(
                    1,
                    "opportunityCode",
                    "NEW-1",
                    "opportunityName",
                    "一",
                    "finalCustomerName",
                    "甲"),
                line(
                    2,
                    "opportunityCode",
                    "NEW-1",
                    "opportunityName",
                    "二",
                    "finalCustomerName",
                    "乙"))));
    assertEquals(2, store.size());
  }

  @Test
  void refusesAFinalCustomerForAnOpportunityAnEarlierLineCreatedWithoutOne() {
    assertEquals(
        List.of(new LineError(2, "不支持更新商机的最终客户")),
        rejected(
            List.of(
                line(1, "opportunityCode", "NEW-1", "opportunityName", "一"),
                line(
                    2,
                    "opportunityCode",
                    "NEW-1",
                    "opportunityName",
                    "二",
                    "finalCustomerName",
                    "甲"))));
    assertEquals(2, store.size());
  }

  @Test
  void acceptsTheStoredFinalCustomer() {
    assertEquals(
        new ImportReport(1, 0, 0, 1),
        run(
            List.of(
                line(
                    1,
                    "opportunityCode",
                    "OLD-1",
                    "opportunityName",
                    "智慧园区二期",
                    "finalCustomerName",
                    "华东电网有限公司"))));
  }

  @Test
  void reportsAStageWithoutDictionaryAsABadLine() {
    ImportOpportunities withoutDictionary =
        new ImportOpportunities(
            store, FakeFlowDictionary.neverLoaded(), new UpdatePolicy(SHANGHAI), CLOCK);
    assertEquals(
        List.of(new LineError(1, "项目阶段字典暂不可用")),
        rejected(
            withoutDictionary,
            List.of(line(1, "opportunityCode", "NEW-1", "opportunityName", "一", "stage", "won"))));
    assertEquals(
        new ImportReport(1, 1, 0, 0),
        withoutDictionary.run(
            List.of(line(1, "opportunityCode", "NEW-1", "opportunityName", "一")), told::add));
  }

  @Test
  void refusesAnotherFinalCustomerThanStored() {
    store.importAll(
        List.of(anOpportunity().code("NOBODY-1").finalCustomerName(null).build()), List.of());
    Opportunity before = stored("OLD-1");
    assertEquals(
        List.of(new LineError(1, "不支持更新商机的最终客户"), new LineError(2, "不支持更新商机的最终客户")),
        rejected(
            List.of(
                line(
                    1,
                    "opportunityCode",
                    "OLD-1",
                    "opportunityName",
                    "改名",
                    "finalCustomerName",
                    "华东电网"),
                line(
                    2,
                    "opportunityCode",
                    "NOBODY-1",
                    "opportunityName",
                    "改名",
                    "finalCustomerName",
                    "新客户"),
                line(
                    3,
                    "opportunityCode",
                    "OLD-1",
                    "opportunityName",
                    "改名",
                    "finalCustomerName",
                    "华东电网有限公司"))));
    assertSame(before, stored("OLD-1"));
    assertEquals(Optional.empty(), stored("NOBODY-1").finalCustomerName());
  }

  @Test
  void clearsOptionalTextAndKeepsFreeTextAsSent() {
    run(
        List.of(
            line(
                1,
                "opportunityCode",
                "OLD-1",
                "opportunityName",
                " 改名 ",
                "projectLocation",
                "",
                "description",
                "  备注  ")));
    Opportunity changed = stored("OLD-1");
    assertEquals(" 改名 ", changed.details().opportunityName());
    assertEquals(null, changed.details().projectLocation());
    assertEquals("  备注  ", changed.details().description());
    assertEquals(new Amount(new BigDecimal("1500000")), changed.details().amount());
  }

  @Test
  void createsOpportunitiesWithExactlyTheirLinesValues() {
    run(List.of(line(1, "opportunityCode", " NEW-9 ", "opportunityName", "只有名字")));
    Opportunity created = stored("NEW-9");
    assertEquals(OpportunityDetails.builder().opportunityName("只有名字").build(), created.details());
    assertEquals(Optional.empty(), created.finalCustomerName());
    assertEquals(NOW, created.createdAt());
    assertEquals(NOW, created.updatedAt());
  }

  @Test
  void reportsEveryViolationOfALineInTheContractsOrder() {
    assertEquals(
        List.of(
            new LineError(
                3,
                "商机名称不能为空；商机金额最多保留两位小数；项目阶段无效: nope；商机状态仅支持 active、closed、won、lost；不支持的字段: zzz")),
        rejected(
            List.of(
                line(
                    3,
                    "zzz",
                    1L,
                    "status",
                    "open",
                    "stage",
                    "nope",
                    "opportunityName",
                    "",
                    "amount",
                    "0.001",
                    "opportunityCode",
                    "NEW-1"))));
  }

  /** Lines {@code 1..count} of {@code line(n)}. */
  static List<ImportLine> lines(int count, IntFunction<ImportLine> line) {
    List<ImportLine> lines = new ArrayList<>();
    for (int n = 1; n <= count; n++) lines.add(line.apply(n));
    return lines;
  }

  @Test
  void appliesLinesOfOneCodeInOrderAcrossChunks() {
    int count = 2 * ImportOpportunities.CHUNK + 500; // codes C-0 … C-999, each every 1,000 lines
    ImportReport report =
        run(
            lines(
                count,
                n -> line(n, "opportunityCode", "C-" + (n % 1_000), "opportunityName", "名" + n)));
    assertEquals(new ImportReport(count, 1_000, count - 1_000, 0), report);
    assertEquals("名2500", stored("C-500").details().opportunityName());
    assertEquals(new Version(3), stored("C-500").version());
    assertEquals("名1501", stored("C-501").details().opportunityName());
    assertEquals(new Version(2), stored("C-501").version());
  }

  @Test
  void appliesEveryLineOfACodeRepeatedOnEveryLine() {
    int count = 3_000;
    ImportReport report =
        run(lines(count, n -> line(n, "opportunityCode", "OLD-1", "opportunityName", "名" + n)));
    assertEquals(new ImportReport(count, 0, count, 0), report);
    assertEquals("名3000", stored("OLD-1").details().opportunityName());
    assertEquals(new Version(1 + count), stored("OLD-1").version());
  }

  @Test
  void tellsEachBadLineOnceInLineOrderLongBeforeTheEnd() {
    int count = 5 * ImportOpportunities.CHUNK;
    int[] read = {0};
    List<Integer> readWhenTold = new ArrayList<>();
    Iterable<ImportLine> source =
        () ->
            lines(
                    count,
                    n ->
                        n % 700 == 0
                            ? new ImportLine.Unreadable(n, "坏行")
                            : line(
                                n,
                                "opportunityCode",
                                "S-" + (n % 1_500),
                                "opportunityName",
                                "名" + n,
                                "finalCustomerName",
                                n % 1_500 == 7 && n > 1_500 ? "别家" : "甲"))
                .stream()
                .peek(line -> read[0]++)
                .iterator();
    ImportRejectedException e =
        assertThrows(
            ImportRejectedException.class,
            () ->
                useCase.run(
                    source,
                    error -> {
                      told.add(error);
                      readWhenTold.add(read[0]);
                    }));
    List<LineError> expected = new ArrayList<>();
    for (int n = 1; n <= count; n++) {
      if (n % 700 == 0) expected.add(new LineError(n, "坏行"));
      else if (n % 1_500 == 7 && n > 1_500) expected.add(new LineError(n, "不支持更新商机的最终客户"));
    }
    assertEquals(expected, told);
    assertEquals(new LineError(700, "坏行"), e.first());
    assertEquals(expected.size(), e.count());
    assertTrue(
        readWhenTold.get(0) <= 2 * ImportOpportunities.CHUNK,
        "the first bad line was told after " + readWhenTold.get(0) + " lines");
  }

  @Test
  void importsNothingWhenTheLastOfManyLinesIsBad() {
    List<Opportunity> before = List.of(stored("OLD-1"), stored("OLD-2"));
    int count = 3 * ImportOpportunities.CHUNK;
    List<ImportLine> lines =
        lines(
            count,
            n ->
                n == count
                    ? new ImportLine.Unreadable(n, "坏行")
                    : line(
                        n,
                        "opportunityCode",
                        n % 2 == 0 ? "OLD-" + (1 + n % 4 / 2) : "NEW-" + n,
                        "opportunityName",
                        "名" + n));
    assertEquals(List.of(new LineError(count, "坏行")), rejected(lines));
    assertEquals(2, store.size());
    assertEquals(before, List.of(stored("OLD-1"), stored("OLD-2")));
  }

  @Test
  void reAppliesTheLinesToTheFreshStateWhenAnotherWriterWon() {
    RacingOpportunityStore racing = new RacingOpportunityStore(1);
    racing.delegate.importAll(List.of(anOpportunity().code("OLD-1").build()), List.of());
    ImportOpportunities importer =
        new ImportOpportunities(
            racing, FakeFlowDictionary.loaded(NOW), new UpdatePolicy(SHANGHAI), CLOCK);
    ImportReport report =
        importer.run(
            List.of(
                line(1, "opportunityCode", "OLD-1", "opportunityName", "改名"),
                line(2, "opportunityCode", "NEW-1", "opportunityName", "新")),
            told::add);
    assertEquals(new ImportReport(2, 1, 1, 0), report);
    Opportunity changed = racing.findByCode(new OpportunityCode("OLD-1")).orElseThrow();
    assertEquals("改名", changed.details().opportunityName());
    assertEquals("对手-1", changed.details().competitorName());
    assertEquals(new Version(3), changed.version());
    assertEquals(2, racing.delegate.size());
    assertEquals(2, racing.writeAttempts);
  }

  @Test
  void importsNothingWhenEveryAttemptLosesTheRace() {
    RacingOpportunityStore racing = new RacingOpportunityStore(ApplyIntegrationUpdate.ATTEMPTS);
    racing.delegate.importAll(List.of(anOpportunity().code("OLD-1").build()), List.of());
    ImportOpportunities importer =
        new ImportOpportunities(
            racing, FakeFlowDictionary.loaded(NOW), new UpdatePolicy(SHANGHAI), CLOCK);
    assertThrows(
        StaleVersionException.class,
        () ->
            importer.run(
                List.of(
                    line(1, "opportunityCode", "OLD-1", "opportunityName", "改名"),
                    line(2, "opportunityCode", "NEW-1", "opportunityName", "新")),
                told::add));
    assertEquals(1, racing.delegate.size());
    assertEquals(
        "智慧园区二期",
        racing.findByCode(new OpportunityCode("OLD-1")).orElseThrow().details().opportunityName());
    assertEquals(ApplyIntegrationUpdate.ATTEMPTS, racing.writeAttempts);
  }

  @Test
  void importsNothingFromNoLines() {
    assertEquals(new ImportReport(0, 0, 0, 0), run(List.of()));
  }
}

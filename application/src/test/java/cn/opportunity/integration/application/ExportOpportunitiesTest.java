package cn.opportunity.integration.application;

import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
import static cn.opportunity.integration.domain.testing.Opportunities.aBareOpportunity;
import static cn.opportunity.integration.domain.testing.Opportunities.aFullOpportunity;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import java.math.BigDecimal;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExportOpportunitiesTest {
  final InMemoryOpportunityStore store = new InMemoryOpportunityStore();

  void insert(NewOpportunity opportunity) {
    store.importAll(List.of(opportunity), List.of());
  }

  List<Map<String, Object>> export(int pageSize) {
    List<Map<String, Object>> lines = new ArrayList<>();
    long count = new ExportOpportunities(store, pageSize).run(lines::add);
    assertEquals(lines.size(), count);
    return lines;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 6, 7, 1000})
  void givesEveryOpportunityOnceInCodeOrderWhateverThePageSize(int pageSize) {
    for (String code : List.of("C", "A", "E", "B", "F", "D"))
      insert(anOpportunity().code(code).build());
    assertEquals(
        List.of("A", "B", "C", "D", "E", "F"),
        export(pageSize).stream().map(line -> line.get("opportunityCode")).toList());
  }

  @Test
  void givesNothingForAnEmptyStore() {
    assertEquals(List.of(), export(ExportOpportunities.PAGE_SIZE));
  }

  @Test
  void writesEverySetFieldInCanonicalFormAfterCodeNameAndFinalCustomer() {
    insert(aFullOpportunity().code("FULL-1").build());
    Map<String, Object> line = export(10).get(0);
    assertEquals(
        List.<Map.Entry<String, Object>>of(
            new SimpleEntry<>("opportunityCode", "FULL-1"),
            new SimpleEntry<>("opportunityName", "全字段商机 😀"),
            new SimpleEntry<>("finalCustomerName", "华东电网有限公司"),
            new SimpleEntry<>("projectLocation", "北京市海淀区"),
            new SimpleEntry<>("operatorName", "运作方甲"),
            new SimpleEntry<>("amount", new BigDecimal("99999999999999.99")),
            new SimpleEntry<>("expectedCloseDate", "2027-02-28"),
            new SimpleEntry<>("confidencePct", "C"),
            new SimpleEntry<>("stage", "bidding"),
            new SimpleEntry<>("opportunityType", "新建"),
            new SimpleEntry<>("productType", "软件"),
            new SimpleEntry<>("source", "招标网"),
            new SimpleEntry<>("salesExpansionId", Long.MAX_VALUE),
            new SimpleEntry<>("channelExpansionId", 1L),
            new SimpleEntry<>("preSalesId", 42L),
            new SimpleEntry<>("preSalesName", "售前乙"),
            new SimpleEntry<>("competitorName", "竞品丙"),
            new SimpleEntry<>("archived", true),
            new SimpleEntry<>("pushedToOms", false),
            new SimpleEntry<>("omsPushTime", "2026-04-30T02:00:00.123456789Z"),
            new SimpleEntry<>("status", "lost"),
            new SimpleEntry<>("lostReason", "competitor"),
            new SimpleEntry<>("description", "备注\n第二行\t制表")),
        List.copyOf(line.entrySet()));
  }

  @Test
  void leavesOutWhatIsNotSet() {
    insert(aBareOpportunity().code("BARE-1").finalCustomerName(null).build());
    assertEquals(
        List.<Map.Entry<String, Object>>of(
            new SimpleEntry<>("opportunityCode", "BARE-1"),
            new SimpleEntry<>("opportunityName", "空白商机")),
        List.copyOf(export(10).get(0).entrySet()));
  }

  @Test
  void givesEachOpportunityInTheStateStoredWhenItsPageWasRead() {
    for (String code : List.of("A", "B", "C")) insert(anOpportunity().code(code).build());
    Opportunity c = store.findByCode(new OpportunityCode("C")).orElseThrow();
    List<Object> names = new ArrayList<>();
    new ExportOpportunities(store, 2)
        .run(
            line -> {
              names.add(line.get("opportunityName"));
              if (line.get("opportunityCode").equals("A")) // C's page has not been read yet
              store.update(
                    c.code(),
                    ORIGIN,
                    current ->
                        current.apply(
                            OpportunityPatch.builder(c.code())
                                .set(OpportunityField.OPPORTUNITY_NAME, "改名")
                                .build(),
                            current.updatedAt().plusSeconds(1)));
            });
    assertEquals(List.of("智慧园区二期", "智慧园区二期", "改名"), names);
  }

  @Test
  void refusesAPageSizeBelowOne() {
    assertThrows(IllegalArgumentException.class, () -> new ExportOpportunities(store, 0));
  }
}

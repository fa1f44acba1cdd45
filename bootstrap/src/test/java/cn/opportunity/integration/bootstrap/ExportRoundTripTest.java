package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import cn.opportunity.integration.adapter.persistence.SqliteDatabase;
import cn.opportunity.integration.domain.Amount;
import cn.opportunity.integration.domain.LostReasonId;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.Version;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export} from one store and {@code import} into a fresh one give back every field of the
 * update endpoint and the final customer (CONTRACT.md §6), edge values included; real SQLite files.
 */
class ExportRoundTripTest {
  static final String LONGEST_CODE = "L".repeat(63) + "😀";
  static final String DESCRIPTION =
      "第一行\n第二行\t制表 \"引号\" \\反斜杠 \u0001控制 \u2028分隔 😀 e\u0301 " + "长".repeat(1950);

  @TempDir Path dir;
  ServiceHarness source;
  ServiceHarness target;

  @BeforeEach
  void stores() throws Exception {
    source = new ServiceHarness(Files.createDirectories(dir.resolve("source")));
    target = new ServiceHarness(Files.createDirectories(dir.resolve("target")));
  }

  @AfterEach
  void stop() {
    source.close();
    target.close();
  }

  static String json(String text) {
    StringBuilder out = new StringBuilder("\"");
    text.codePoints()
        .forEach(
            c -> {
              if (c == '"' || c == '\\') out.append('\\').appendCodePoint(c);
              else if (c < 0x20) out.append(String.format("\\u%04x", c));
              else out.appendCodePoint(c);
            });
    return out.append('"').toString();
  }

  @Test
  void importingTheExportIntoAFreshStoreGivesBackEveryFieldAndTheFinalCustomer() throws Exception {
    source.importLines(
        "{\"opportunityCode\":\"RT-全字段-😀\",\"opportunityName\":\"  名称 两边有空格  \","
            + "\"finalCustomerName\":"
            + json("华东电网 \"引号\" \\ 反斜杠 ")
            + ",\"projectLocation\":\"北京\u2028第二段\",\"operatorName\":\"运作方 e\u0301\","
            + "\"amount\":\"999999999999999.99\",\"expectedCloseDate\":\"2024-02-29\","
            + "\"confidencePct\":\"a\",\"stage\":\"招投标\",\"opportunityType\":\"新建\","
            + "\"productType\":\"软件\",\"source\":\"招标网\",\"salesExpansionId\":9223372036854775807,"
            + "\"channelExpansionId\":\"1\",\"preSalesId\":42,\"preSalesName\":\"售前乙\","
            + "\"competitorName\":\"ٱلْعَرَبِيَّة\",\"archived\":true,\"pushedToOms\":true,"
            + "\"omsPushTime\":\"2026-04-30T10:00:00.123456789+08:00\",\"status\":\"LOST\","
            + "\"lostReason\":\"价格因素\",\"description\":"
            + json(DESCRIPTION)
            + "}",
        "{\"opportunityCode\":\"RT-MIN\",\"opportunityName\":\"最少\"}",
        "{\"opportunityCode\":\"RT-SMALL\",\"opportunityName\":\"小额\",\"amount\":0.01,"
            + "\"archived\":false,\"pushedToOms\":false,\"omsPushTime\":\"2026-04-30T10:00:00\","
            + "\"expectedCloseDate\":\"9999-12-31\",\"finalCustomerName\":\"\uD83C\uDFE2 客户\"}",
        "{\"opportunityCode\":\""
            + LONGEST_CODE
            + "\",\"opportunityName\":\"将被清空\",\"projectLocation\":\"临时\","
            + "\"lostReason\":\"timing\",\"status\":\"lost\",\"description\":\"临时备注\","
            + "\"stage\":\"won\",\"finalCustomerName\":\"客户丙\"}",
        "{\"opportunityCode\":\""
            + LONGEST_CODE
            + "\",\"opportunityName\":\"已清空\",\"projectLocation\":\"\",\"lostReason\":\"\","
            + "\"description\":\"\"}",
        "{\"opportunityCode\":\"  RT-TRIM  \",\"opportunityName\":\"两边空格的编号\","
            + "\"confidencePct\":\"B\",\"status\":\"won\",\"stage\":\"won\"}");
    List<Opportunity> exported = everyOpportunity(source);
    checkTheEdgesAreThere(exported);

    Path file = dir.resolve("export.jsonl");
    assertEquals(Main.OK, source.command("export", file.toString()).status());
    ServiceHarness.CommandResult imported = target.command("import", file.toString());
    assertEquals(Main.OK, imported.status(), imported.err());

    List<Opportunity> reimported = everyOpportunity(target);
    assertEquals(codes(exported), codes(reimported));
    for (int i = 0; i < exported.size(); i++) {
      Opportunity before = exported.get(i);
      Opportunity after = reimported.get(i);
      for (OpportunityField field : OpportunityField.values())
        assertEquals(
            field.valueIn(before.details()),
            field.valueIn(after.details()),
            before.code() + " " + field.jsonName());
      assertEquals(before.details(), after.details(), before.code().value());
      assertEquals(before.finalCustomerName(), after.finalCustomerName(), before.code().value());
      assertEquals(Version.FIRST, after.version(), "history stays behind");
    }

    Path again = dir.resolve("again.jsonl");
    assertEquals(Main.OK, target.command("export", again.toString()).status());
    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again), "the same lines");
  }

  /** The source really holds the edge values, so that the round trip is tested on them. */
  private static void checkTheEdgesAreThere(List<Opportunity> stored) {
    assertEquals(
        List.of(LONGEST_CODE, "RT-MIN", "RT-SMALL", "RT-TRIM", "RT-全字段-😀"), codes(stored));
    Opportunity full = stored.get(4);
    assertEquals(new Amount(new BigDecimal("999999999999999.99")), full.details().amount());
    assertEquals(Long.MAX_VALUE, full.details().salesExpansionId());
    assertEquals(Instant.parse("2026-04-30T02:00:00.123456789Z"), full.details().omsPushTime());
    assertEquals(new LostReasonId("price"), full.details().lostReason());
    assertEquals(DESCRIPTION, full.details().description());
    assertEquals("  名称 两边有空格  ", full.details().opportunityName());
    assertEquals(Optional.of("华东电网 \"引号\" \\ 反斜杠 "), full.finalCustomerName());
    Opportunity small = stored.get(2);
    assertEquals(new Amount(new BigDecimal("0.01")), small.details().amount());
    assertEquals(Boolean.FALSE, small.details().pushedToOms());
    Opportunity cleared = stored.get(0);
    assertEquals(Version.FIRST.next(), cleared.version());
    assertNull(cleared.details().projectLocation());
    assertNull(cleared.details().lostReason());
    assertNull(cleared.details().description());
    assertEquals(Optional.empty(), stored.get(1).finalCustomerName());
  }

  private static List<String> codes(List<Opportunity> opportunities) {
    return opportunities.stream().map(o -> o.code().value()).toList();
  }

  /** Every opportunity of the harness's store, in code order, read through the store itself. */
  private static List<Opportunity> everyOpportunity(ServiceHarness service) {
    List<Opportunity> all = new ArrayList<>();
    try (SqliteDatabase database = SqliteDatabase.open(service.environment.get("OPP_DB_URL"))) {
      Optional<OpportunityCode> after = Optional.empty();
      while (true) {
        List<Opportunity> page = database.opportunityStore().findPage(after, 2);
        all.addAll(page);
        if (page.size() < 2) return all;
        after = Optional.of(page.get(1).code());
      }
    }
  }
}

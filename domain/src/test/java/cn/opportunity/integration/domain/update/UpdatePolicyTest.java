package cn.opportunity.integration.domain.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.Amount;
import cn.opportunity.integration.domain.Confidence;
import cn.opportunity.integration.domain.DictionaryUnavailableException;
import cn.opportunity.integration.domain.LostReasonId;
import cn.opportunity.integration.domain.Messages;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.OpportunityStatus;
import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.UpdateRejectedException;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.dictionary.LostReason;
import cn.opportunity.integration.domain.dictionary.SalesFlow;
import cn.opportunity.integration.domain.dictionary.Stage;
import cn.opportunity.integration.domain.dictionary.StageKind;
import cn.opportunity.integration.domain.testing.WhiteSpace;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Steps 4–6 of CONTRACT.md §1: every rule, message and boundary of an integration update. */
class UpdatePolicyTest {
  static final String CODE = "OPP-20260401-001";
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  static final Optional<DictionarySnapshot> BUILT_IN =
      FixedFlowDictionary.builtIn(Instant.parse("2026-04-01T00:00:00Z")).current();
  static final UpdatePolicy POLICY = new UpdatePolicy(SHANGHAI);
  static final SentValue COMPOSITE = new SentValue.Composite();

  // ---- helpers ---------------------------------------------------------------------------

  /**
   * Name/value pairs, in the order sent: String → text, Long/Integer → number, … null → JSON null.
   */
  static SentFields sent(Object... pairs) {
    SentFields.Builder builder = SentFields.builder();
    for (int i = 0; i < pairs.length; i += 2) {
      String name = (String) pairs[i];
      Object value = pairs[i + 1];
      if (value == null) builder.put(name, null);
      else if (value instanceof String s) builder.text(name, s);
      else if (value instanceof Integer n) builder.number(name, n.longValue());
      else if (value instanceof Long n) builder.number(name, n);
      else if (value instanceof BigDecimal n) builder.number(name, n);
      else if (value instanceof Boolean b) builder.bool(name, b);
      else if (value instanceof SentValue v) builder.put(name, v);
      else throw new IllegalArgumentException(String.valueOf(value));
    }
    return builder.build();
  }

  static SentFields update(String field, Object value) {
    return sent("opportunityCode", CODE, field, value);
  }

  static OpportunityPatch accepted(SentFields sent) {
    return POLICY.check(sent, BUILT_IN);
  }

  static Object acceptedValue(String field, Object value) {
    OpportunityPatch patch = accepted(update(field, value));
    OpportunityField f = OpportunityField.byJsonName(field).orElseThrow();
    assertTrue(patch.changes().containsKey(f), "patch sets " + field);
    return patch.changes().get(f);
  }

  static List<String> violations(SentFields sent) {
    return assertThrows(UpdateRejectedException.class, () -> POLICY.check(sent, BUILT_IN))
        .violations();
  }

  static void rejectedWith(String field, Object value, String message) {
    assertEquals(List.of(message), violations(update(field, value)), field + " = " + value);
  }

  static String repeat(String s, int times) {
    return s.repeat(times);
  }

  static Numeric num(String literal) {
    return new Numeric(literal);
  }

  /** A JSON number literal, parsed as an adapter would. */
  record Numeric(String literal) {
    SentValue value() {
      return SentValue.number(new BigDecimal(literal));
    }
  }

  static Object v(Object value) {
    return value instanceof Numeric n ? n.value() : value;
  }

  // ---- step 4: the code ------------------------------------------------------------------

  @Nested
  class Step4Code {
    static Stream<SentFields> withoutCode() {
      return Stream.of(
          sent("amount", -1L, "foo", "x"),
          sent("opportunityCode", null, "amount", -1L, "customerName", "x"),
          sent("opportunityCode", "", "amount", -1L),
          sent("opportunityCode", "   ", "stage", "nope"),
          sent("opportunityCode", "\u3000\t", "opportunityName", ""),
          sent());
    }

    @ParameterizedTest
    @MethodSource("withoutCode")
    void refusesMissingOrBlankCodeAlone(SentFields sent) {
      assertEquals(List.of(Messages.CODE_REQUIRED), violations(sent));
      assertEquals(
          Messages.CODE_REQUIRED,
          assertThrows(UpdateRejectedException.class, () -> POLICY.check(sent, Optional.empty()))
              .getMessage());
    }

    @Test
    void refusesMissingCodeBeforeDictionaryIsNeeded() {
      assertEquals(
          Messages.CODE_REQUIRED,
          assertThrows(
                  UpdateRejectedException.class,
                  () -> POLICY.check(sent("stage", "won"), Optional.empty()))
              .getMessage());
    }

    @Test
    void trimsTheCode() {
      assertEquals(
          new OpportunityCode(CODE),
          accepted(sent("opportunityCode", "  " + CODE + " ", "source", "x")).code());
    }

    @Test
    void acceptsCodeOf64CharactersAndRefuses65() {
      assertEquals(
          64,
          accepted(sent("opportunityCode", repeat("C", 64), "source", "x"))
              .code()
              .value()
              .length());
      assertEquals(
          List.of("字段过长: opportunityCode（最多 64 个字符）"),
          violations(sent("opportunityCode", repeat("C", 65), "source", "x")));
    }

    @Test
    void countsCodeLengthInCodePoints() {
      accepted(sent("opportunityCode", repeat("😀", 64), "source", "x"));
      accepted(sent("opportunityCode", repeat("商", 64), "source", "x"));
      assertEquals(
          List.of("字段过长: opportunityCode（最多 64 个字符）"),
          violations(sent("opportunityCode", repeat("😀", 65), "source", "x")));
    }

    @Test
    void refusesCodeOfWrongTypeInStep6() {
      assertEquals(
          List.of("字段类型错误: opportunityCode"),
          violations(sent("opportunityCode", 123L, "source", "x")));
      assertEquals(
          List.of("字段类型错误: opportunityCode"),
          violations(sent("opportunityCode", true, "source", "x")));
      assertEquals(
          List.of("字段类型错误: opportunityCode"),
          violations(sent("opportunityCode", COMPOSITE, "source", "x")));
    }

    @Test
    void refusesDuplicatedCode() {
      assertEquals(
          List.of("字段重复: opportunityCode"),
          violations(sent("opportunityCode", CODE, "source", "x", "opportunityCode", "OTHER")));
      assertEquals(
          List.of("字段重复: opportunityCode", Messages.AMOUNT_NOT_POSITIVE),
          violations(sent("opportunityCode", null, "amount", -1L, "opportunityCode", CODE)));
    }
  }

  // ---- step 5: at least one field ---------------------------------------------------------

  @Nested
  class Step5AField {
    @Test
    void refusesCodeAlone() {
      assertEquals(List.of(Messages.NOTHING_TO_UPDATE), violations(sent("opportunityCode", CODE)));
    }

    @Test
    void treatsNullMembersAsNotSent() {
      assertEquals(
          List.of(Messages.NOTHING_TO_UPDATE),
          violations(
              sent(
                  "opportunityCode",
                  CODE,
                  "amount",
                  null,
                  "stage",
                  null,
                  "customerName",
                  null,
                  "foo",
                  null)));
    }

    @Test
    void failsAloneEvenWhenTheCodeIsTooLong() {
      assertEquals(
          List.of(Messages.NOTHING_TO_UPDATE),
          violations(sent("opportunityCode", repeat("C", 65))));
    }

    @Test
    void countsAFinalCustomerMember() {
      assertEquals(
          List.of(Messages.FINAL_CUSTOMER_IMMUTABLE),
          violations(sent("opportunityCode", "X", "customerName", "Y")));
    }

    @Test
    void countsAnUnknownMember() {
      assertEquals(List.of("不支持的字段: foo"), violations(sent("opportunityCode", "X", "foo", 1L)));
    }

    @Test
    void ignoresNullMembersBesideRealOnes() {
      OpportunityPatch patch =
          accepted(sent("opportunityCode", CODE, "amount", null, "source", "官网", "foo", null));
      assertEquals(Map.of(OpportunityField.SOURCE, "官网"), patch.changes());
    }
  }

  // ---- free text ------------------------------------------------------------------------

  static final List<String> SHORT_TEXTS =
      List.of(
          "projectLocation",
          "operatorName",
          "opportunityType",
          "productType",
          "source",
          "preSalesName",
          "competitorName");

  static Stream<Arguments> limitedTexts() {
    return Stream.concat(
        Stream.concat(SHORT_TEXTS.stream(), Stream.of("opportunityName"))
            .map(n -> Arguments.of(n, 200)),
        Stream.of(Arguments.of("description", 2000)));
  }

  @Nested
  class FreeText {
    @ParameterizedTest(name = "{0} ≤ {1}")
    @MethodSource("cn.opportunity.integration.domain.update.UpdatePolicyTest#limitedTexts")
    void acceptsTextAtTheLimitAndRefusesOneMore(String field, int limit) {
      for (String unit : List.of("a", "商", "😀")) {
        assertEquals(repeat(unit, limit), acceptedValue(field, repeat(unit, limit)));
        rejectedWith(field, repeat(unit, limit + 1), "字段过长: " + field + "（最多 " + limit + " 个字符）");
      }
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "projectLocation",
          "operatorName",
          "opportunityType",
          "productType",
          "source",
          "preSalesName",
          "competitorName",
          "description"
        })
    void clearsOptionalTextWithTheEmptyString(String field) {
      OpportunityPatch patch = accepted(update(field, ""));
      OpportunityField f = OpportunityField.byJsonName(field).orElseThrow();
      assertTrue(patch.changes().containsKey(f));
      assertEquals(null, patch.changes().get(f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"opportunityName", "projectLocation", "description", "competitorName"})
    void storesFreeTextAsSent(String field) {
      assertEquals("  上海 \t😀 ", acceptedValue(field, "  上海 \t😀 "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"   ", " \u3000\n"})
    void keepsBlankOptionalTextAsSent(String blank) {
      assertEquals(blank, acceptedValue("source", blank));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\u3000", "\t\n"})
    void refusesBlankName(String blank) {
      rejectedWith("opportunityName", blank, Messages.NAME_REQUIRED);
    }
  }

  // ---- amount ----------------------------------------------------------------------------

  static Stream<Arguments> goodAmounts() {
    return Stream.of(
        Arguments.of(num("1"), "1.00"),
        Arguments.of(num("0.01"), "0.01"),
        Arguments.of(num("7.5"), "7.50"),
        Arguments.of(num("7.50"), "7.50"),
        Arguments.of(num("7.500000"), "7.50"),
        Arguments.of(num("1e3"), "1000.00"),
        Arguments.of(num("1E+3"), "1000.00"),
        Arguments.of(num("2.5e-1"), "0.25"),
        Arguments.of(num("2800000"), "2800000.00"),
        Arguments.of(num("999999999999999.99"), "999999999999999.99"),
        Arguments.of(123L, "123.00"),
        Arguments.of("7.5", "7.50"),
        Arguments.of(" 2800000.00 ", "2800000.00"),
        Arguments.of("0.01", "0.01"),
        Arguments.of("999999999999999.99", "999999999999999.99"),
        Arguments.of("0012.30", "12.30"));
  }

  static Stream<Arguments> badAmounts() {
    return Stream.of(
        Arguments.of(num("0"), Messages.AMOUNT_NOT_POSITIVE),
        Arguments.of(num("-0"), Messages.AMOUNT_NOT_POSITIVE),
        Arguments.of(num("0.00"), Messages.AMOUNT_NOT_POSITIVE),
        Arguments.of(num("-1"), Messages.AMOUNT_NOT_POSITIVE),
        Arguments.of(num("-0.001"), Messages.AMOUNT_NOT_POSITIVE),
        Arguments.of(num("-1e1000000000"), Messages.AMOUNT_NOT_POSITIVE),
        Arguments.of(num("0.001"), Messages.AMOUNT_TOO_MANY_DECIMALS),
        Arguments.of(num("7.505"), Messages.AMOUNT_TOO_MANY_DECIMALS),
        Arguments.of(num("1e-400"), Messages.AMOUNT_TOO_MANY_DECIMALS),
        Arguments.of(num("999999999999999.999"), Messages.AMOUNT_TOO_MANY_DECIMALS),
        Arguments.of(num("1e15"), Messages.AMOUNT_TOO_LARGE),
        Arguments.of(num("1000000000000000"), Messages.AMOUNT_TOO_LARGE),
        Arguments.of(num("1000000000000000.001"), Messages.AMOUNT_TOO_LARGE),
        Arguments.of(num("1e308"), Messages.AMOUNT_TOO_LARGE),
        Arguments.of(num("1" + "0".repeat(39)), Messages.AMOUNT_TOO_LARGE),
        Arguments.of(num("1e1000000000"), Messages.AMOUNT_TOO_LARGE),
        Arguments.of("0", Messages.AMOUNT_NOT_POSITIVE),
        Arguments.of("-0", Messages.AMOUNT_NOT_POSITIVE),
        Arguments.of("-1", Messages.AMOUNT_NOT_POSITIVE),
        Arguments.of("0.001", Messages.AMOUNT_TOO_MANY_DECIMALS),
        Arguments.of("1000000000000000", Messages.AMOUNT_TOO_LARGE),
        Arguments.of("1" + "0".repeat(39), Messages.AMOUNT_TOO_LARGE),
        Arguments.of("1e3", "字段类型错误: amount"),
        Arguments.of("+5", "字段类型错误: amount"),
        Arguments.of("1.", "字段类型错误: amount"),
        Arguments.of(".5", "字段类型错误: amount"),
        Arguments.of("1,000", "字段类型错误: amount"),
        Arguments.of("abc", "字段类型错误: amount"),
        Arguments.of("", "字段类型错误: amount"),
        Arguments.of("  ", "字段类型错误: amount"),
        Arguments.of("NaN", "字段类型错误: amount"),
        Arguments.of("١٢", "字段类型错误: amount"),
        Arguments.of(true, "字段类型错误: amount"),
        Arguments.of(COMPOSITE, "字段类型错误: amount"));
  }

  @Nested
  class AmountRule {
    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("cn.opportunity.integration.domain.update.UpdatePolicyTest#goodAmounts")
    void acceptsAmountsExactlyWithTwoDecimals(Object sent, String stored) {
      Amount amount = (Amount) acceptedValue("amount", v(sent));
      assertEquals(new BigDecimal(stored), amount.value());
      assertEquals(2, amount.value().scale());
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("cn.opportunity.integration.domain.update.UpdatePolicyTest#badAmounts")
    @Timeout(5)
    void refusesBadAmounts(Object sent, String message) {
      rejectedWith("amount", v(sent), message);
    }

    @Test
    void treats7Point5And7Point50AsTheSameAmount() {
      assertEquals(acceptedValue("amount", num("7.5").value()), acceptedValue("amount", "7.50"));
    }

    @Test
    @Timeout(30) // expanding 1e1000000000 would take minutes or all memory: no tight bound
    void refusesHugeExponentQuickly() {
      rejectedWith("amount", num("1e1000000000").value(), Messages.AMOUNT_TOO_LARGE);
      rejectedWith("amount", num("1e-1000000000").value(), Messages.AMOUNT_TOO_MANY_DECIMALS);
    }

    /** A 64 KiB body can hold a 60,000-digit string: it is answered in well under a second. */
    @Test
    @Timeout(30) // a quadratic parse of 60,000 digits would take minutes: no tight bound
    void answersLongPlainDecimalStringsQuickly() {
      String zeros = "0".repeat(60_000);
      assertEquals(new Amount(new BigDecimal("1.00")), acceptedValue("amount", "1." + zeros));
      rejectedWith("amount", "1." + zeros + "1", Messages.AMOUNT_TOO_MANY_DECIMALS);
      rejectedWith("amount", "1" + zeros, Messages.AMOUNT_TOO_LARGE);
      rejectedWith("amount", "0." + zeros, Messages.AMOUNT_NOT_POSITIVE);
      assertEquals(
          new Amount(new BigDecimal("7.50")), acceptedValue("amount", num("7.5" + zeros).value()));
      rejectedWith("amount", num("7.505" + zeros).value(), Messages.AMOUNT_TOO_MANY_DECIMALS);
    }
  }

  // ---- dates -----------------------------------------------------------------------------

  @Nested
  class ExpectedCloseDate {
    @ParameterizedTest
    @CsvSource({
      "2028-02-29,2028-02-29",
      "2026-12-31,2026-12-31",
      "'  2026-06-30 ',2026-06-30",
      "2000-02-29,2000-02-29"
    })
    void acceptsRealCalendarDays(String sent, String stored) {
      assertEquals(LocalDate.parse(stored), acceptedValue("expectedCloseDate", sent));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "2026-02-29",
          "1900-02-29",
          "2026-04-31",
          "2026-13-01",
          "2026-00-10",
          "2026-01-00",
          "2026-6-30",
          "26-06-30",
          "2026/06/30",
          "20260630",
          "2026-06-30T00:00",
          "2026-06-30Z",
          "",
          " ",
          "tomorrow",
          "+2026-06-30",
          "２０２６-０６-３０"
        })
    void refusesAnythingButARealDayWrittenYyyyMmDd(String sent) {
      rejectedWith("expectedCloseDate", sent, Messages.DATE_FORMAT);
    }

    @Test
    void refusesANumberAsDate() {
      rejectedWith("expectedCloseDate", 20260630L, "字段类型错误: expectedCloseDate");
    }
  }

  // ---- confidence and status -------------------------------------------------------------

  @Nested
  class ConfidenceAndStatus {
    @ParameterizedTest
    @CsvSource({"A,A", "a,A", "B,B", "b,B", "c,C", "' c ',C"})
    void acceptsConfidenceInAnyCaseStoredUpperCase(String sent, Confidence stored) {
      assertEquals(stored, acceptedValue("confidencePct", sent));
    }

    @ParameterizedTest
    @ValueSource(strings = {"D", "AB", "", " ", "high", "50", "Ａ"})
    void refusesOtherConfidence(String sent) {
      rejectedWith("confidencePct", sent, "项目把握度仅支持A、B、C");
    }

    @ParameterizedTest
    @CsvSource({
      "active,ACTIVE",
      "ACTIVE,ACTIVE",
      "Closed,CLOSED",
      "won,WON",
      "WoN,WON",
      "' lost ',LOST",
      "LOST,LOST"
    })
    void acceptsStatusInAnyCaseStoredLowerCase(String sent, OpportunityStatus stored) {
      assertEquals(stored, acceptedValue("status", sent));
      assertEquals(stored.name().toLowerCase(), OpportunityField.canonical(stored));
    }

    @ParameterizedTest
    @ValueSource(strings = {"open", "", "  ", "已赢单", "activ", "wins"})
    void refusesOtherStatus(String sent) {
      rejectedWith("status", sent, "商机状态仅支持 active、closed、won、lost");
    }

    @Test
    void refusesWrongTypes() {
      rejectedWith("confidencePct", 1L, "字段类型错误: confidencePct");
      rejectedWith("status", false, "字段类型错误: status");
    }

    @Test
    void keepsStatusAndStageIndependent() {
      OpportunityPatch patch =
          accepted(sent("opportunityCode", CODE, "stage", "lost", "status", "won"));
      assertEquals(new StageCode("lost"), patch.changes().get(OpportunityField.STAGE));
      assertEquals(OpportunityStatus.WON, patch.changes().get(OpportunityField.STATUS));
    }
  }

  // ---- stage -----------------------------------------------------------------------------

  static Stage stage(String code, String name, boolean enabled) {
    return new Stage(new StageCode(code), name, StageKind.IN_PROGRESS, 1, enabled);
  }

  /** Two flows: 谈判 named twice (ambiguous), 旧阶段 disabled, 立项 enabled once and disabled once. */
  static final Optional<DictionarySnapshot> TWO_FLOWS =
      Optional.of(
          new DictionarySnapshot(
              List.of(
                  new SalesFlow(
                      "1",
                      "流程一",
                      List.of(
                          stage("101", "谈判", true),
                          stage("102", "旧阶段", false),
                          stage("103", "立项", true))),
                  new SalesFlow(
                      "2", "流程二", List.of(stage("201", "谈判", true), stage("202", "立项", false)))),
              List.of(),
              Instant.parse("2026-04-01T00:00:00Z")));

  static Object stageIn(Optional<DictionarySnapshot> dictionary, String sent) {
    return POLICY.check(update("stage", sent), dictionary).changes().get(OpportunityField.STAGE);
  }

  static List<String> stageViolations(Optional<DictionarySnapshot> dictionary, Object sent) {
    return assertThrows(
            UpdateRejectedException.class, () -> POLICY.check(update("stage", sent), dictionary))
        .violations();
  }

  @Nested
  class StageRule {
    @ParameterizedTest
    @CsvSource({
      "won,won",
      "赢单,won",
      "' bidding ',bidding",
      "发现商机,discovery",
      "' 输单',lost",
      "negotiation,negotiation"
    })
    void acceptsEnabledStageByCodeOrNameStoredAsCode(String sent, String code) {
      assertEquals(new StageCode(code), stageIn(BUILT_IN, sent));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"WON", "Won", "unknown", "赢", "发现 商机", "赢单 won", " nope ", "discovery\u00a0x"})
    void refusesUnknownStagesCaseSensitivelyWithTheValueAsSent(String sent) {
      assertEquals(List.of("项目阶段无效: " + sent), stageViolations(BUILT_IN, sent));
    }

    @ParameterizedTest
    @ValueSource(strings = {"102", "旧阶段", " 102 ", "202"})
    void refusesDisabledStagesByCodeOrName(String sent) {
      assertEquals(List.of("项目阶段无效: " + sent), stageViolations(TWO_FLOWS, sent));
    }

    @Test
    void refusesANameThatTwoEnabledStagesShare() {
      assertEquals(List.of("项目阶段无效: 谈判"), stageViolations(TWO_FLOWS, "谈判"));
      assertEquals(new StageCode("101"), stageIn(TWO_FLOWS, "101"));
    }

    @Test
    void resolvesANameEnabledOnceAlthoughADisabledStageSharesIt() {
      assertEquals(new StageCode("103"), stageIn(TWO_FLOWS, "立项"));
      assertEquals(new StageCode("201"), stageIn(TWO_FLOWS, "201"));
      assertEquals(List.of("项目阶段无效: 202"), stageViolations(TWO_FLOWS, "202"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void refusesBlankStage(String sent) {
      assertEquals(List.of("项目阶段无效: " + sent), stageViolations(BUILT_IN, sent));
      assertEquals(List.of("项目阶段无效: " + sent), stageViolations(Optional.empty(), sent));
    }

    @Test
    void refusesStageOfWrongType() {
      assertEquals(List.of("字段类型错误: stage"), stageViolations(BUILT_IN, 6L));
      assertEquals(List.of("字段类型错误: stage"), stageViolations(Optional.empty(), COMPOSITE));
    }

    @Test
    void answersDictionaryUnavailableWhenStageIsOtherwiseGood() {
      assertThrows(
          DictionaryUnavailableException.class,
          () -> POLICY.check(update("stage", "won"), Optional.empty()));
      assertEquals(
          Messages.DICTIONARY_UNAVAILABLE,
          assertThrows(
                  DictionaryUnavailableException.class,
                  () ->
                      POLICY.check(
                          sent("opportunityCode", CODE, "stage", "anything", "amount", 5L),
                          Optional.empty()))
              .getMessage());
    }

    @Test
    void reportsOtherViolationsRatherThanMissingDictionary() {
      UpdateRejectedException e =
          assertThrows(
              UpdateRejectedException.class,
              () ->
                  POLICY.check(
                      sent("opportunityCode", CODE, "stage", "won", "amount", -5L, "foo", 1L),
                      Optional.empty()));
      assertEquals(List.of(Messages.AMOUNT_NOT_POSITIVE, "不支持的字段: foo"), e.violations());
    }

    @Test
    void checksOtherFieldsWithoutDictionary() {
      OpportunityPatch patch =
          POLICY.check(sent("opportunityCode", CODE, "status", "won"), Optional.empty());
      assertEquals(Map.of(OpportunityField.STATUS, OpportunityStatus.WON), patch.changes());
    }
  }

  // ---- lost reason (CONTRACT §5.6) -------------------------------------------------------

  /** 价格 shared by two enabled reasons, 旧原因 disabled, 竞品 enabled once and disabled once. */
  static final Optional<DictionarySnapshot> REASONS =
      Optional.of(
          new DictionarySnapshot(
              List.of(new SalesFlow("1", "流程一", List.of(stage("101", "谈判", true)))),
              List.of(
                  new LostReason("1101043686", "价格", true),
                  new LostReason("1101043685", "价格", true),
                  new LostReason("3", "旧原因", false),
                  new LostReason("4", "竞品", true),
                  new LostReason("5", "竞品", false)),
              Instant.parse("2026-04-01T00:00:00Z")));

  static Object lostReasonIn(Optional<DictionarySnapshot> dictionary, String sent) {
    OpportunityPatch patch = POLICY.check(update("lostReason", sent), dictionary);
    assertTrue(patch.changes().containsKey(OpportunityField.LOST_REASON), "patch sets lostReason");
    return patch.changes().get(OpportunityField.LOST_REASON);
  }

  static List<String> lostReasonViolations(Optional<DictionarySnapshot> dictionary, Object sent) {
    return assertThrows(
            UpdateRejectedException.class,
            () -> POLICY.check(update("lostReason", sent), dictionary))
        .violations();
  }

  @Nested
  class LostReasonRule {
    @ParameterizedTest
    @CsvSource({
      "price,price",
      "价格因素,price",
      "' competitor ',competitor",
      "预算取消,budget",
      "'\u3000timing',timing",
      "其他,other"
    })
    void acceptsEnabledLostReasonByIdOrNameStoredAsId(String sent, String id) {
      assertEquals(new LostReasonId(id), lostReasonIn(BUILT_IN, sent));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"PRICE", "Price", "价格", "nope", " nope ", "price other", "lost", "输单", "0"})
    void refusesUnknownLostReasonsCaseSensitivelyWithTheValueAsSent(String sent) {
      assertEquals(List.of("输单原因无效: " + sent), lostReasonViolations(BUILT_IN, sent));
    }

    @Test
    void acceptsALostReasonById() {
      assertEquals(new LostReasonId("1101043686"), lostReasonIn(REASONS, "1101043686"));
      assertEquals(new LostReasonId("1101043685"), lostReasonIn(REASONS, " 1101043685 "));
    }

    @Test
    void refusesANameThatTwoEnabledLostReasonsShare() {
      assertEquals(List.of("输单原因无效: 价格"), lostReasonViolations(REASONS, "价格"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3", "旧原因", " 3 ", "5"})
    void refusesDisabledLostReasonsByIdOrName(String sent) {
      assertEquals(List.of("输单原因无效: " + sent), lostReasonViolations(REASONS, sent));
    }

    @Test
    void resolvesANameEnabledOnceAlthoughADisabledLostReasonSharesIt() {
      assertEquals(new LostReasonId("4"), lostReasonIn(REASONS, "竞品"));
    }

    @Test
    void refusesTheBuiltInLostReasonsInAnotherDictionary() {
      assertEquals(List.of("输单原因无效: price"), lostReasonViolations(REASONS, "price"));
      assertEquals(List.of("输单原因无效: 其他"), lostReasonViolations(TWO_FLOWS, "其他"));
    }

    @Test
    void clearsTheLostReasonWithTheEmptyStringWithOrWithoutDictionary() {
      for (Optional<DictionarySnapshot> dictionary :
          List.<Optional<DictionarySnapshot>>of(BUILT_IN, REASONS, Optional.empty())) {
        OpportunityPatch patch = POLICY.check(update("lostReason", ""), dictionary);
        Map<OpportunityField, Object> cleared = new HashMap<>();
        cleared.put(OpportunityField.LOST_REASON, null);
        assertEquals(cleared, patch.changes());
      }
    }

    /**
     * §5.6 names {@code ""} alone as clearing; text of only white space is not a lost reason of any
     * dictionary, so it is refused (also without one) rather than read as "clear".
     */
    @ParameterizedTest
    @ValueSource(strings = {" ", "  ", "\t", "\u3000", "\u00A0\uFEFF"})
    void refusesLostReasonOfOnlyWhiteSpace(String sent) {
      assertEquals(List.of("输单原因无效: " + sent), lostReasonViolations(BUILT_IN, sent));
      assertEquals(List.of("输单原因无效: " + sent), lostReasonViolations(Optional.empty(), sent));
    }

    @Test
    void refusesLostReasonOfWrongType() {
      assertEquals(List.of("字段类型错误: lostReason"), lostReasonViolations(BUILT_IN, 3L));
      assertEquals(List.of("字段类型错误: lostReason"), lostReasonViolations(BUILT_IN, false));
      assertEquals(List.of("字段类型错误: lostReason"), lostReasonViolations(Optional.empty(), 3L));
      assertEquals(
          List.of("字段类型错误: lostReason"), lostReasonViolations(Optional.empty(), COMPOSITE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"price", "anything", "其他"})
    void answersDictionaryUnavailableForALostReasonWithoutDictionary(String sent) {
      DictionaryUnavailableException e =
          assertThrows(
              DictionaryUnavailableException.class,
              () ->
                  POLICY.check(
                      sent("opportunityCode", CODE, "lostReason", sent, "status", "lost"),
                      Optional.empty()));
      assertEquals(Messages.DICTIONARY_UNAVAILABLE, e.getMessage());
    }

    @Test
    void reportsOtherViolationsRatherThanMissingDictionary() {
      assertEquals(
          List.of(Messages.AMOUNT_NOT_POSITIVE),
          assertThrows(
                  UpdateRejectedException.class,
                  () ->
                      POLICY.check(
                          sent("opportunityCode", CODE, "lostReason", "price", "amount", -5L),
                          Optional.empty()))
              .violations());
    }

    @Test
    void keepsLostReasonIndependentOfStatusAndStage() {
      OpportunityPatch active =
          accepted(sent("opportunityCode", CODE, "status", "active", "lostReason", "budget"));
      assertEquals(OpportunityStatus.ACTIVE, active.changes().get(OpportunityField.STATUS));
      assertEquals(new LostReasonId("budget"), active.changes().get(OpportunityField.LOST_REASON));
      OpportunityPatch won =
          accepted(sent("opportunityCode", CODE, "stage", "won", "lostReason", "timing"));
      assertEquals(new StageCode("won"), won.changes().get(OpportunityField.STAGE));
      assertEquals(new LostReasonId("timing"), won.changes().get(OpportunityField.LOST_REASON));
      OpportunityPatch lost = accepted(sent("opportunityCode", CODE, "status", "lost"));
      assertEquals(Map.of(OpportunityField.STATUS, OpportunityStatus.LOST), lost.changes());
    }

    @Test
    void refusesALostReasonGivenTwice() {
      assertEquals(
          List.of("字段重复: lostReason"),
          violations(sent("opportunityCode", CODE, "lostReason", "price", "lostReason", null)));
    }
  }

  // ---- ids -------------------------------------------------------------------------------

  static final Map<String, String> ID_MESSAGES =
      Map.of(
          "salesExpansionId", "销售拓展 ID 必须大于 0",
          "channelExpansionId", "渠道拓展 ID 必须大于 0",
          "preSalesId", "售前 ID 必须大于 0");

  static Stream<Arguments> goodIds() {
    return Stream.of(
        Arguments.of(1L, 1L),
        Arguments.of(Long.MAX_VALUE, Long.MAX_VALUE),
        Arguments.of(num("42"), 42L),
        Arguments.of(num("9223372036854775807"), Long.MAX_VALUE),
        Arguments.of("1", 1L),
        Arguments.of("+7", 7L),
        Arguments.of(" 42 ", 42L),
        Arguments.of("007", 7L),
        Arguments.of("9223372036854775807", Long.MAX_VALUE));
  }

  static Stream<Arguments> badIds() {
    String idMessage = "ID";
    String type = "TYPE";
    return Stream.of(
        Arguments.of(0L, idMessage),
        Arguments.of(-1L, idMessage),
        Arguments.of(Long.MIN_VALUE, idMessage),
        Arguments.of(num("-0"), idMessage),
        Arguments.of(num("9223372036854775808"), idMessage),
        Arguments.of(num("1" + "0".repeat(39)), idMessage),
        Arguments.of("0", idMessage),
        Arguments.of("-1", idMessage),
        Arguments.of("-0", idMessage),
        Arguments.of("9223372036854775808", idMessage),
        Arguments.of("1" + "0".repeat(39), idMessage),
        Arguments.of(num("1.5"), type),
        Arguments.of(num("1.0"), type),
        Arguments.of(num("1e3"), type),
        Arguments.of(num("10E+1"), type),
        Arguments.of("1.5", type),
        Arguments.of("1.0", type),
        Arguments.of("1e3", type),
        Arguments.of("abc", type),
        Arguments.of("", type),
        Arguments.of(" ", type),
        Arguments.of("٣", type),
        Arguments.of(true, type),
        Arguments.of(COMPOSITE, type));
  }

  static Stream<Arguments> idFields(Stream<Arguments> cases) {
    List<Arguments> all = cases.toList();
    return ID_MESSAGES.keySet().stream()
        .sorted()
        .flatMap(f -> all.stream().map(a -> Arguments.of(f, a.get()[0], a.get()[1])));
  }

  static Stream<Arguments> goodIdsPerField() {
    return idFields(goodIds());
  }

  static Stream<Arguments> badIdsPerField() {
    return idFields(badIds());
  }

  @Nested
  class Ids {
    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("cn.opportunity.integration.domain.update.UpdatePolicyTest#goodIdsPerField")
    void acceptsPositiveIntegersBelow2To63(String field, Object sent, Long stored) {
      assertEquals(stored, acceptedValue(field, v(sent)));
    }

    @ParameterizedTest(name = "{0} = {1} → {2}")
    @MethodSource("cn.opportunity.integration.domain.update.UpdatePolicyTest#badIdsPerField")
    void refusesOtherIds(String field, Object sent, String kind) {
      String message = kind.equals("ID") ? ID_MESSAGES.get(field) : "字段类型错误: " + field;
      rejectedWith(field, v(sent), message);
    }

    /**
     * What an adapter reads from a JSON token: {@code 1.2e1} is a float token, though its value is
     * 12.
     */
    @ParameterizedTest
    @ValueSource(strings = {"salesExpansionId", "channelExpansionId", "preSalesId"})
    void decidesByTheTokenNotTheValue(String field) {
      rejectedWith(
          field, new SentValue.Numeric(new BigDecimal("1.2e1"), false), "字段类型错误: " + field);
      rejectedWith(field, new SentValue.Numeric(new BigDecimal("12"), false), "字段类型错误: " + field);
      assertEquals(12L, acceptedValue(field, new SentValue.Numeric(new BigDecimal("12"), true)));
    }
  }

  // ---- booleans --------------------------------------------------------------------------

  @Nested
  class Flags {
    @ParameterizedTest
    @CsvSource({"archived,true", "archived,false", "pushedToOms,true", "pushedToOms,false"})
    void acceptsBooleans(String field, boolean value) {
      assertEquals(value, acceptedValue(field, value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"archived", "pushedToOms"})
    void refusesAnythingButABoolean(String field) {
      for (Object sent : List.of("yes", "true", "", 1L, num("0").value(), COMPOSITE))
        rejectedWith(field, sent, "字段类型错误: " + field);
    }
  }

  // ---- omsPushTime -----------------------------------------------------------------------

  @Nested
  class OmsPushTime {
    @ParameterizedTest
    @CsvSource({
      "2026-04-30T10:00:00+08:00,2026-04-30T02:00:00Z",
      "2026-04-30T02:00:00Z,2026-04-30T02:00:00Z",
      "2026-04-30T10:00:00,2026-04-30T02:00:00Z",
      "2026-04-30T10:00,2026-04-30T02:00:00Z",
      "2026-04-30T10:00:00.123456789+08:00,2026-04-30T02:00:00.123456789Z",
      "2026-04-29T20:00:00-06:00,2026-04-30T02:00:00Z",
      "'  2026-04-30T02:00:00Z ',2026-04-30T02:00:00Z",
      "2028-02-29T08:00:00,2028-02-29T00:00:00Z"
    })
    void acceptsIsoDateTimesWithOrWithoutOffset(String sent, String stored) {
      assertEquals(Instant.parse(stored), acceptedValue("omsPushTime", sent));
    }

    @Test
    void readsLocalDateTimesInThePolicyZone() {
      OpportunityPatch patch =
          new UpdatePolicy(ZoneOffset.UTC)
              .check(update("omsPushTime", "2026-04-30T10:00:00"), BUILT_IN);
      assertEquals(
          Instant.parse("2026-04-30T10:00:00Z"),
          patch.changes().get(OpportunityField.OMS_PUSH_TIME));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "2026-04-30",
          "2026-02-29T10:00:00Z",
          "2026-04-30 10:00:00",
          "2026-04-30T25:00:00Z",
          "1714442400",
          "",
          "  ",
          "garbage",
          "2026-04-30T10:00:00+08:00[Asia/Shanghai]",
          "2026-04-30T10:00:00 +08:00"
        })
    void refusesOtherTimesWithTheValueAsSent(String sent) {
      rejectedWith("omsPushTime", sent, "推送 OMS 时间格式无效: " + sent);
    }

    @Test
    void refusesANumber() {
      rejectedWith("omsPushTime", 1714442400L, "字段类型错误: omsPushTime");
    }

    @ParameterizedTest
    @CsvSource({
      "0001-01-01T00:00:00Z,0001-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999999999Z,9999-12-31T23:59:59.999999999Z",
      "9999-12-31T23:59:59+00:00,9999-12-31T23:59:59Z"
    })
    void acceptsInstantsOfTheYears0001To9999(String sent, String stored) {
      assertEquals(Instant.parse(stored), acceptedValue("omsPushTime", sent));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "0000-12-31T23:59:59Z", "-0001-06-01T00:00:00Z", "+10000-01-01T00:00:00Z",
              "+2026-04-30T10:00:00Z",
          "2026-04-30T24:00:00Z", "2026-04-30T10:60:00Z", "2026-04-30T10:00:00.1234567891Z",
              "2026-04-30T10:00:00+19:00",
          "2026-04-30T10:00:00+0800", "2026-04-30T10Z"
        })
    void refusesTimesOutsideTheYears0001To9999OrNotIsoWithTheValueAsSent(String sent) {
      rejectedWith("omsPushTime", sent, "推送 OMS 时间格式无效: " + sent);
    }
  }

  // ---- types -----------------------------------------------------------------------------

  @Nested
  class Types {
    @ParameterizedTest
    @EnumSource(OpportunityField.class)
    void refusesAnObjectOrArrayForEveryField(OpportunityField field) {
      rejectedWith(field.jsonName(), COMPOSITE, "字段类型错误: " + field.jsonName());
    }

    @ParameterizedTest
    @EnumSource(
        value = OpportunityField.class,
        names = {
          "OPPORTUNITY_NAME", "PROJECT_LOCATION", "OPERATOR_NAME", "OPPORTUNITY_TYPE",
              "PRODUCT_TYPE", "SOURCE",
          "PRE_SALES_NAME", "COMPETITOR_NAME", "DESCRIPTION", "EXPECTED_CLOSE_DATE",
              "CONFIDENCE_PCT", "STAGE",
          "OMS_PUSH_TIME", "STATUS", "LOST_REASON"
        })
    void refusesNumbersAndBooleansForTextFields(OpportunityField field) {
      rejectedWith(field.jsonName(), 12L, "字段类型错误: " + field.jsonName());
      rejectedWith(field.jsonName(), num("1.5").value(), "字段类型错误: " + field.jsonName());
      rejectedWith(field.jsonName(), true, "字段类型错误: " + field.jsonName());
    }
  }

  // ---- final customer, unknown, duplicates, order ------------------------------------------

  @Nested
  class RefusedNamesAndOrder {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "finalCustomer",
          "finalCustomerId",
          "finalCustomerName",
          "customerId",
          "customerName"
        })
    void refusesEveryFinalCustomerName(String name) {
      assertEquals(
          List.of(Messages.FINAL_CUSTOMER_IMMUTABLE),
          violations(sent("opportunityCode", CODE, "source", "x", name, "A")));
      assertEquals(
          List.of(Messages.FINAL_CUSTOMER_IMMUTABLE),
          violations(sent("opportunityCode", CODE, name, COMPOSITE)));
    }

    @Test
    void reportsTheFinalCustomerOnceForSeveralNames() {
      assertEquals(
          List.of(Messages.FINAL_CUSTOMER_IMMUTABLE),
          violations(
              sent(
                  "opportunityCode",
                  CODE,
                  "customerName",
                  "A",
                  "finalCustomerId",
                  5L,
                  "finalCustomer",
                  COMPOSITE)));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "foo",
          "OpportunityName",
          "amount ",
          "stageName",
          "id",
          "version",
          "FinalCustomerName",
          ""
        })
    void refusesUnknownNamesNeverDroppingThem(String name) {
      assertEquals(
          List.of("不支持的字段: " + name),
          violations(sent("opportunityCode", CODE, "source", "x", name, "v")));
    }

    @Test
    void refusesUnknownNamesInTheOrderOfTheirTextWhateverTheOrderSent() {
      assertEquals(
          List.of("不支持的字段: alpha", "不支持的字段: mid", "不支持的字段: zeta"),
          violations(sent("opportunityCode", CODE, "zeta", 1L, "alpha", "x", "mid", true)));
    }

    @Test
    void refusesAnUnknownNameAtItsFirstPlaceWhenFirstSentAsNull() {
      assertEquals(
          List.of("不支持的字段: bar", "不支持的字段: foo"),
          violations(sent("opportunityCode", CODE, "foo", null, "bar", 1L, "foo", 2L)));
    }

    @Test
    void ignoresFinalCustomerAndUnknownNamesSentAsNull() {
      OpportunityPatch patch =
          accepted(
              sent(
                  "customerName",
                  null,
                  "finalCustomer",
                  null,
                  "finalCustomerId",
                  null,
                  "finalCustomerName",
                  null,
                  "customerId",
                  null,
                  "colour",
                  null,
                  "opportunityCode",
                  CODE,
                  "source",
                  "官网"));
      assertEquals(Map.of(OpportunityField.SOURCE, "官网"), patch.changes());
    }

    @Test
    void refusesAFinalCustomerNameGivenTwiceAsTheFinalCustomer() {
      assertEquals(
          List.of(Messages.FINAL_CUSTOMER_IMMUTABLE, "不支持的字段: foo"),
          violations(
              sent("opportunityCode", CODE, "foo", 1L, "customerName", "A", "customerName", "B")));
    }

    @Test
    void checksNoValueOfADuplicatedField() {
      assertEquals(
          List.of("字段重复: amount", "字段重复: omsPushTime"),
          violations(
              sent(
                  "opportunityCode",
                  CODE,
                  "omsPushTime",
                  "never",
                  "amount",
                  -1L,
                  "amount",
                  COMPOSITE,
                  "omsPushTime",
                  5L)));
    }

    @Test
    void refusesDuplicatedFieldAtItsPosition() {
      assertEquals(
          List.of(Messages.NAME_REQUIRED, "字段重复: amount", Messages.DATE_FORMAT),
          violations(
              sent(
                  "opportunityCode",
                  CODE,
                  "expectedCloseDate",
                  "x",
                  "amount",
                  5L,
                  "opportunityName",
                  "",
                  "amount",
                  5L)));
    }

    @Test
    void refusesDuplicateEvenWhenOneValueIsNull() {
      assertEquals(
          List.of("字段重复: amount"),
          violations(sent("opportunityCode", CODE, "amount", null, "amount", 5L)));
      assertEquals(
          List.of("字段重复: stage"),
          violations(sent("opportunityCode", CODE, "stage", "won", "stage", null)));
      assertEquals(
          List.of("字段重复: status"),
          violations(sent("opportunityCode", CODE, "status", null, "status", null)));
    }

    @Test
    void reportsEveryViolationInContractOrder() {
      SentFields sent =
          sent(
              "zzz", 1L,
              "description", repeat("长", 2001),
              "lostReason", "WON",
              "customerName", "某客户",
              "status", "open",
              "omsPushTime", "soon",
              "archived", "yes",
              "preSalesId", 0L,
              "channelExpansionId", "abc",
              "salesExpansionId", -3L,
              "source", 7L,
              "stage", "WON",
              "confidencePct", "D",
              "expectedCloseDate", "2026-02-29",
              "amount", -1L,
              "operatorName", repeat("😀", 201),
              "finalCustomerId", 9L,
              "opportunityName", " ",
              "aaa", "x",
              "opportunityCode", repeat("C", 65));
      List<String> expected =
          List.of(
              "字段过长: opportunityCode（最多 64 个字符）",
              "商机名称不能为空",
              "字段过长: operatorName（最多 200 个字符）",
              "商机金额必须大于 0",
              "预计结单日期格式应为 YYYY-MM-DD",
              "项目把握度仅支持A、B、C",
              "项目阶段无效: WON",
              "字段类型错误: source",
              "销售拓展 ID 必须大于 0",
              "字段类型错误: channelExpansionId",
              "售前 ID 必须大于 0",
              "字段类型错误: archived",
              "推送 OMS 时间格式无效: soon",
              "商机状态仅支持 active、closed、won、lost",
              "输单原因无效: WON",
              "字段过长: description（最多 2000 个字符）",
              "不支持更新商机的最终客户",
              "不支持的字段: aaa",
              "不支持的字段: zzz");
      UpdateRejectedException e =
          assertThrows(UpdateRejectedException.class, () -> POLICY.check(sent, BUILT_IN));
      assertEquals(expected, e.violations());
      assertEquals(String.join("；", expected), e.getMessage());
    }
  }

  // ---- a good request --------------------------------------------------------------------

  @Test
  void turnsAGoodRequestIntoATypedPatchInTableOrder() {
    OpportunityPatch patch =
        accepted(
            sent(
                "description", "备注",
                "lostReason", "竞品胜出",
                "status", "WON",
                "omsPushTime", "2026-04-30T10:00:00+08:00",
                "pushedToOms", true,
                "archived", false,
                "competitorName", "竞品",
                "preSalesName", "售前",
                "preSalesId", "3",
                "channelExpansionId", 2L,
                "salesExpansionId", 1L,
                "source", "官网",
                "productType", "软件",
                "opportunityType", "新建",
                "stage", "招投标",
                "confidencePct", "a",
                "expectedCloseDate", "2026-06-30",
                "amount", "2800000",
                "operatorName", "运作方",
                "projectLocation", "上海",
                "opportunityName", "智慧园区",
                "opportunityCode", " " + CODE));
    Map<OpportunityField, Object> expected = new HashMap<>();
    expected.put(OpportunityField.OPPORTUNITY_NAME, "智慧园区");
    expected.put(OpportunityField.PROJECT_LOCATION, "上海");
    expected.put(OpportunityField.OPERATOR_NAME, "运作方");
    expected.put(OpportunityField.AMOUNT, new Amount(new BigDecimal("2800000.00")));
    expected.put(OpportunityField.EXPECTED_CLOSE_DATE, LocalDate.parse("2026-06-30"));
    expected.put(OpportunityField.CONFIDENCE_PCT, Confidence.A);
    expected.put(OpportunityField.STAGE, new StageCode("bidding"));
    expected.put(OpportunityField.OPPORTUNITY_TYPE, "新建");
    expected.put(OpportunityField.PRODUCT_TYPE, "软件");
    expected.put(OpportunityField.SOURCE, "官网");
    expected.put(OpportunityField.SALES_EXPANSION_ID, 1L);
    expected.put(OpportunityField.CHANNEL_EXPANSION_ID, 2L);
    expected.put(OpportunityField.PRE_SALES_ID, 3L);
    expected.put(OpportunityField.PRE_SALES_NAME, "售前");
    expected.put(OpportunityField.COMPETITOR_NAME, "竞品");
    expected.put(OpportunityField.ARCHIVED, false);
    expected.put(OpportunityField.PUSHED_TO_OMS, true);
    expected.put(OpportunityField.OMS_PUSH_TIME, Instant.parse("2026-04-30T02:00:00Z"));
    expected.put(OpportunityField.STATUS, OpportunityStatus.WON);
    expected.put(OpportunityField.LOST_REASON, new LostReasonId("competitor"));
    expected.put(OpportunityField.DESCRIPTION, "备注");
    assertEquals(new OpportunityCode(CODE), patch.code());
    assertEquals(expected, patch.changes());
    assertEquals(List.of(OpportunityField.values()), List.copyOf(patch.changes().keySet()));
  }

  // ---- Unicode white space around codes and checked values ---------------------------------

  /** A field the contract trims, a value as a tidy client sends it, and what it becomes. */
  record Trimmed(String field, String sent, Object stored) {
    @Override
    public String toString() {
      return field + " " + sent;
    }
  }

  static final List<Trimmed> TRIMMED =
      List.of(
          new Trimmed("amount", "2800000.5", new Amount(new BigDecimal("2800000.50"))),
          new Trimmed("expectedCloseDate", "2026-06-30", LocalDate.parse("2026-06-30")),
          new Trimmed("confidencePct", "a", Confidence.A),
          new Trimmed("stage", "bidding", new StageCode("bidding")),
          new Trimmed("stage", "招投标", new StageCode("bidding")),
          new Trimmed("salesExpansionId", "42", 42L),
          new Trimmed("channelExpansionId", "+43", 43L),
          new Trimmed("preSalesId", "9223372036854775807", Long.MAX_VALUE),
          new Trimmed(
              "omsPushTime", "2026-04-30T10:00:00+08:00", Instant.parse("2026-04-30T02:00:00Z")),
          new Trimmed("omsPushTime", "2026-04-30T10:00:00", Instant.parse("2026-04-30T02:00:00Z")),
          new Trimmed("status", "Won", OpportunityStatus.WON),
          new Trimmed("lostReason", "price", new LostReasonId("price")),
          new Trimmed("lostReason", "预算取消", new LostReasonId("budget")));

  static Stream<Arguments> everyWhiteSpaceAroundEveryTrimmedValue() {
    return WhiteSpace.UNICODE.stream()
        .flatMap(
            space ->
                TRIMMED.stream().map(value -> Arguments.of(WhiteSpace.name(space), value, space)));
  }

  /**
   * CONTRACT §1: "codes and the checked values are trimmed first" — of Unicode white space (the
   * no-break spaces a spreadsheet or a web page brings along included) and U+FEFF; free text is
   * stored as sent, and white space inside a value is part of it.
   */
  @Nested
  class UnicodeWhiteSpace {
    @ParameterizedTest(name = "{0} around {1}")
    @MethodSource(
        "cn.opportunity.integration.domain.update.UpdatePolicyTest#everyWhiteSpaceAroundEveryTrimmedValue")
    void trimsItAroundEveryCheckedValue(String name, Trimmed value, String space) {
      assertEquals(value.stored(), acceptedValue(value.field(), space + value.sent()), "before");
      assertEquals(value.stored(), acceptedValue(value.field(), value.sent() + space), "after");
      assertEquals(
          value.stored(),
          acceptedValue(value.field(), space + space + value.sent() + space),
          "around");
    }

    @ParameterizedTest
    @MethodSource("cn.opportunity.integration.domain.testing.WhiteSpace#unicode")
    void trimsItAroundTheCode(String space) {
      assertEquals(
          new OpportunityCode(CODE),
          accepted(sent("opportunityCode", space + CODE, "source", "x")).code());
      assertEquals(
          new OpportunityCode(CODE),
          accepted(sent("opportunityCode", CODE + space + space, "source", "x")).code());
      assertEquals(
          List.of("字段过长: opportunityCode（最多 64 个字符）"),
          violations(sent("opportunityCode", space + repeat("C", 65) + space, "source", "x")));
      assertEquals(
          64,
          accepted(sent("opportunityCode", space + repeat("C", 64) + space, "source", "x"))
              .code()
              .value()
              .length());
    }

    @ParameterizedTest
    @MethodSource("cn.opportunity.integration.domain.testing.WhiteSpace#unicode")
    void refusesACodeOfOnlyWhiteSpaceAlone(String space) {
      for (SentFields sent :
          List.of(
              sent("opportunityCode", space, "source", "x"),
              sent("opportunityCode", space + space + space, "amount", -1L, "stage", "nope"))) {
        assertEquals(List.of(Messages.CODE_REQUIRED), violations(sent));
        assertEquals(
            List.of(Messages.CODE_REQUIRED),
            assertThrows(UpdateRejectedException.class, () -> POLICY.check(sent, Optional.empty()))
                .violations());
      }
    }

    @Test
    void readsAConfidenceWithANoBreakSpace() {
      assertEquals(Confidence.A, acceptedValue("confidencePct", "A\u00A0"));
    }

    @ParameterizedTest
    @MethodSource("cn.opportunity.integration.domain.testing.WhiteSpace#unicode")
    void refusesCheckedValuesOfOnlyWhiteSpace(String space) {
      rejectedWith("confidencePct", space, "项目把握度仅支持A、B、C");
      rejectedWith("status", space + space, "商机状态仅支持 active、closed、won、lost");
      rejectedWith("expectedCloseDate", space, Messages.DATE_FORMAT);
      rejectedWith("omsPushTime", space, "推送 OMS 时间格式无效: " + space);
      rejectedWith("amount", space, "字段类型错误: amount");
      rejectedWith("preSalesId", space, "字段类型错误: preSalesId");
      assertEquals(List.of("项目阶段无效: " + space), stageViolations(BUILT_IN, space));
      assertEquals(List.of("项目阶段无效: " + space), stageViolations(Optional.empty(), space));
      assertEquals(List.of("输单原因无效: " + space), lostReasonViolations(BUILT_IN, space));
      assertEquals(
          List.of("输单原因无效: " + space + space),
          lostReasonViolations(Optional.empty(), space + space));
    }

    @ParameterizedTest
    @MethodSource("cn.opportunity.integration.domain.testing.WhiteSpace#noBreak")
    void keepsItInsideAValue(String space) {
      assertEquals(
          new OpportunityCode("OPP" + space + "1"),
          accepted(sent("opportunityCode", "OPP" + space + "1", "source", "x")).code());
      assertEquals(
          List.of("项目阶段无效: 招投" + space + "标"), stageViolations(BUILT_IN, "招投" + space + "标"));
      assertEquals(
          List.of("项目阶段无效: " + space + "bid" + space + "ding"),
          stageViolations(BUILT_IN, space + "bid" + space + "ding"));
      rejectedWith("confidencePct", "A" + space + "B", "项目把握度仅支持A、B、C");
      rejectedWith("status", "w" + space + "on", "商机状态仅支持 active、closed、won、lost");
      rejectedWith("amount", "7" + space + "5", "字段类型错误: amount");
      rejectedWith("expectedCloseDate", "2026-06-30" + space + "x", Messages.DATE_FORMAT);
    }

    @Test
    void findsAStageWhoseNameHasANoBreakSpaceInsideOnlyByThatName() {
      Optional<DictionarySnapshot> pasted =
          Optional.of(
              new DictionarySnapshot(
                  List.of(new SalesFlow("1", "流程一", List.of(stage("101", "方案\u00A0交流", true)))),
                  List.of(),
                  Instant.parse("2026-04-01T00:00:00Z")));
      assertEquals(new StageCode("101"), stageIn(pasted, "方案\u00A0交流"));
      assertEquals(new StageCode("101"), stageIn(pasted, "\uFEFF方案\u00A0交流\u202F"));
      assertEquals(List.of("项目阶段无效: 方案交流"), stageViolations(pasted, "方案交流"));
      assertEquals(List.of("项目阶段无效: 方案 交流"), stageViolations(pasted, "方案 交流"));
    }

    @ParameterizedTest
    @MethodSource("cn.opportunity.integration.domain.testing.WhiteSpace#unicode")
    void storesFreeTextWithItsWhiteSpaceAsSent(String space) {
      for (String field :
          List.of(
              "opportunityName", "projectLocation", "description", "competitorName", "source")) {
        assertEquals(space + "上海" + space, acceptedValue(field, space + "上海" + space), field);
      }
      assertEquals(space, acceptedValue("source", space), "blank optional text is stored as sent");
    }

    /** "Not blank when given": a name of only no-break spaces shows nothing, so it is blank. */
    @ParameterizedTest
    @MethodSource("cn.opportunity.integration.domain.testing.WhiteSpace#unicode")
    void refusesANameOfOnlyWhiteSpace(String space) {
      rejectedWith("opportunityName", space, Messages.NAME_REQUIRED);
      rejectedWith("opportunityName", space + " " + space, Messages.NAME_REQUIRED);
    }
  }

  // ---- import lines ----------------------------------------------------------------------

  static ImportedOpportunity importLine(SentFields sent) {
    return POLICY.checkImportLine(sent, BUILT_IN);
  }

  static List<String> importViolations(SentFields sent) {
    return assertThrows(UpdateRejectedException.class, () -> importLine(sent)).violations();
  }

  @Nested
  class ImportLines {
    @Test
    void acceptsCodeAndNameAlone() {
      ImportedOpportunity line = importLine(sent("opportunityCode", CODE, "opportunityName", "商机"));
      assertEquals(Map.of(OpportunityField.OPPORTUNITY_NAME, "商机"), line.patch().changes());
      assertEquals(Optional.empty(), line.finalCustomerName());
    }

    @Test
    void requiresTheName() {
      assertEquals(
          List.of(Messages.NAME_REQUIRED),
          importViolations(sent("opportunityCode", CODE, "amount", 5L)));
      assertEquals(
          List.of(Messages.NAME_REQUIRED),
          importViolations(sent("opportunityCode", CODE, "opportunityName", null)));
      assertEquals(
          List.of(Messages.NAME_REQUIRED),
          importViolations(sent("opportunityCode", CODE, "opportunityName", "  ")));
      assertEquals(
          List.of(Messages.NAME_REQUIRED, Messages.AMOUNT_NOT_POSITIVE),
          importViolations(sent("opportunityCode", CODE, "amount", 0L)));
    }

    @Test
    void refusesACodeAloneForLackOfAName() {
      assertEquals(
          List.of(Messages.NAME_REQUIRED), importViolations(sent("opportunityCode", CODE)));
    }

    @Test
    void treatsAFinalCustomerNameSentAsNullAsNotSent() {
      assertEquals(
          Optional.empty(),
          importLine(
                  sent("opportunityCode", CODE, "finalCustomerName", null, "opportunityName", "商机"))
              .finalCustomerName());
    }

    @Test
    void requiresTheCode() {
      assertEquals(
          List.of(Messages.CODE_REQUIRED), importViolations(sent("opportunityName", "商机")));
      assertEquals(
          List.of(Messages.CODE_REQUIRED),
          importViolations(sent("opportunityCode", " ", "opportunityName", "商机")));
    }

    @Test
    void acceptsTheFinalCustomerName() {
      ImportedOpportunity line =
          importLine(
              sent("opportunityCode", CODE, "finalCustomerName", "华东电网", "opportunityName", "商机"));
      assertEquals(Optional.of("华东电网"), line.finalCustomerName());
      assertEquals(
          Optional.empty(),
          importLine(
                  sent("opportunityCode", CODE, "opportunityName", "商机", "finalCustomerName", ""))
              .finalCustomerName());
    }

    @Test
    void checksTheFinalCustomerName() {
      assertEquals(
          List.of("字段类型错误: finalCustomerName"),
          importViolations(
              sent("opportunityCode", CODE, "opportunityName", "商机", "finalCustomerName", 5L)));
      assertEquals(
          List.of("字段过长: finalCustomerName（最多 200 个字符）"),
          importViolations(
              sent(
                  "opportunityCode",
                  CODE,
                  "opportunityName",
                  "商机",
                  "finalCustomerName",
                  repeat("客", 201))));
      assertEquals(
          List.of("字段重复: finalCustomerName"),
          importViolations(
              sent(
                  "opportunityCode",
                  CODE,
                  "opportunityName",
                  "商机",
                  "finalCustomerName",
                  "A",
                  "finalCustomerName",
                  "A")));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"finalCustomer", "finalCustomerId", "customerId", "customerName", "foo"})
    void refusesOtherCustomerNamesAsUnknown(String name) {
      assertEquals(
          List.of("不支持的字段: " + name),
          importViolations(sent("opportunityCode", CODE, "opportunityName", "商机", name, "x")));
    }

    @ParameterizedTest
    @MethodSource("cn.opportunity.integration.domain.testing.WhiteSpace#noBreak")
    void trimsCodesAndCheckedValuesAndKeepsFreeTextAsSent(String space) {
      ImportedOpportunity line =
          importLine(
              sent(
                  "opportunityCode",
                  space + CODE + space,
                  "opportunityName",
                  space + "商机",
                  "finalCustomerName",
                  "华东电网" + space,
                  "confidencePct",
                  "b" + space,
                  "stage",
                  space + "赢单"));
      assertEquals(new OpportunityCode(CODE), line.patch().code());
      assertEquals(space + "商机", line.patch().changes().get(OpportunityField.OPPORTUNITY_NAME));
      assertEquals(Optional.of("华东电网" + space), line.finalCustomerName());
      assertEquals(Confidence.B, line.patch().changes().get(OpportunityField.CONFIDENCE_PCT));
      assertEquals(new StageCode("won"), line.patch().changes().get(OpportunityField.STAGE));
      assertEquals(
          List.of(Messages.CODE_REQUIRED),
          importViolations(sent("opportunityCode", space, "opportunityName", "商机")));
      assertEquals(
          List.of(Messages.NAME_REQUIRED),
          importViolations(sent("opportunityCode", CODE, "opportunityName", space)));
    }

    @Test
    void appliesTheRulesOfAnUpdate() {
      assertEquals(
          List.of(
              "字段过长: opportunityCode（最多 64 个字符）",
              Messages.AMOUNT_TOO_MANY_DECIMALS,
              "项目阶段无效: nope"),
          importViolations(
              sent(
                  "opportunityCode",
                  repeat("C", 65),
                  "stage",
                  "nope",
                  "amount",
                  "0.001",
                  "opportunityName",
                  "商机")));
      assertThrows(
          DictionaryUnavailableException.class,
          () ->
              POLICY.checkImportLine(
                  sent("opportunityCode", CODE, "opportunityName", "商机", "stage", "won"),
                  Optional.empty()));
    }

    @Test
    void checksTheLostReasonOfALine() {
      assertEquals(
          new LostReasonId("competitor"),
          importLine(sent("opportunityCode", CODE, "opportunityName", "商机", "lostReason", "竞品胜出"))
              .patch()
              .changes()
              .get(OpportunityField.LOST_REASON));
      assertEquals(
          List.of("输单原因无效: 竞品"),
          importViolations(
              sent("opportunityCode", CODE, "opportunityName", "商机", "lostReason", "竞品")));
      assertThrows(
          DictionaryUnavailableException.class,
          () ->
              POLICY.checkImportLine(
                  sent("opportunityCode", CODE, "opportunityName", "商机", "lostReason", "price"),
                  Optional.empty()));
      assertEquals(
          Optional.empty(),
          Optional.ofNullable(
              POLICY
                  .checkImportLine(
                      sent("opportunityCode", CODE, "opportunityName", "商机", "lostReason", ""),
                      Optional.empty())
                  .patch()
                  .changes()
                  .get(OpportunityField.LOST_REASON)));
    }
  }
}

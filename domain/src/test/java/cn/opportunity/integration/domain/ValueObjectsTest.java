package cn.opportunity.integration.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.WhiteSpace;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueObjectsTest {

  @ParameterizedTest
  @CsvSource({
    "7.5,7.50",
    "7.50,7.50",
    "7.500,7.50",
    "1E+3,1000.00",
    "0.01,0.01",
    "999999999999999.99,999999999999999.99"
  })
  void normalisesAmountsToTwoDecimals(String given, String normalised) {
    Amount amount = new Amount(new BigDecimal(given));
    assertEquals(new BigDecimal(normalised), amount.value());
    assertEquals(normalised, amount.toString());
  }

  @Test
  void treats7Point5And7Point50AsEqualAmounts() {
    assertEquals(new Amount(new BigDecimal("7.5")), new Amount(new BigDecimal("7.50")));
    assertEquals(
        new Amount(new BigDecimal("7.5")).hashCode(),
        new Amount(new BigDecimal("7.50")).hashCode());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "-0",
        "-1",
        "0.001",
        "1E+15",
        "1000000000000000",
        "1e-400",
        "1e1000000000",
        "-1e1000000000"
      })
  void refusesInvalidAmountsInTheConstructor(String value) {
    assertThrows(IllegalArgumentException.class, () -> new Amount(new BigDecimal(value)));
  }

  @ParameterizedTest
  @CsvSource({
    "7.5,true",
    "7.50,true",
    "7.500000,true",
    "123.4500,true",
    "0.010,true",
    "1E+3,true",
    "100E-4,true",
    "0.00,true",
    "0.001,false",
    "7.505,false",
    "-0.005,false",
    "1E-400,false",
    "1.0000000000000000000000000000001,false"
  })
  void tellsWhetherAnAmountHasAtMostTwoDecimals(String value, boolean atMostTwo) {
    assertEquals(atMostTwo, Amount.hasAtMostTwoDecimals(new BigDecimal(value)));
  }

  @Test
  @Timeout(30) // expanding 1e1000000000 would take minutes or all memory: no tight bound
  void checksHugeAndLongAmountsQuickly() {
    String zeros = "0".repeat(60_000);
    assertEquals(true, Amount.hasAtMostTwoDecimals(new BigDecimal("1." + zeros)));
    assertEquals(false, Amount.hasAtMostTwoDecimals(new BigDecimal("1." + zeros + "1")));
    assertEquals(false, Amount.hasAtMostTwoDecimals(new BigDecimal("1e-1000000000")));
    assertEquals(false, Amount.isBelowLimit(new BigDecimal("1e1000000000")));
    assertEquals(true, Amount.isBelowLimit(new BigDecimal("-1e1000000000")));
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class, () -> new Amount(new BigDecimal("1e1000000000")));
    assertTrue(
        refused.getMessage().length() < 100, "the message names the value without expanding it");
    assertEquals(new Amount(new BigDecimal("1")), new Amount(new BigDecimal("1." + zeros)));
  }

  @Test
  void refusesAmountsAtTheLimitAndAcceptsJustBelow() {
    assertEquals(
        new BigDecimal("999999999999999.99"),
        new Amount(new BigDecimal("999999999999999.99")).value());
    assertThrows(IllegalArgumentException.class, () -> new Amount(Amount.LIMIT));
    assertEquals(new BigDecimal("1000000000000000"), Amount.LIMIT);
  }

  @Test
  void convertsAmountsToAndFromCents() {
    assertEquals(new Amount(new BigDecimal("12.34")), Amount.ofCents(1234));
    assertEquals(99999999999999999L, new Amount(new BigDecimal("999999999999999.99")).cents());
  }

  @Test
  void trimsAndLimitsOpportunityCodes() {
    assertEquals("OPP-1", new OpportunityCode("  OPP-1\t").value());
    assertEquals(new OpportunityCode("OPP-1"), OpportunityCode.parse(" OPP-1 ").orElseThrow());
    assertEquals(Optional.empty(), OpportunityCode.parse("   "));
    assertEquals(Optional.empty(), OpportunityCode.parse(""));
    assertEquals(
        64, OpportunityCode.parse("😀".repeat(64)).orElseThrow().value().codePointCount(0, 128));
    assertEquals(Optional.empty(), OpportunityCode.parse("😀".repeat(65)));
    assertEquals(Optional.empty(), OpportunityCode.parse("x".repeat(65)));
    assertThrows(IllegalArgumentException.class, () -> new OpportunityCode(" "));
    assertThrows(IllegalArgumentException.class, () -> new OpportunityCode("x".repeat(65)));
  }

  @ParameterizedTest
  @MethodSource("cn.opportunity.integration.domain.testing.WhiteSpace#unicode")
  void trimsUnicodeWhiteSpaceAroundCodesAndReadValues(String space) {
    String name = WhiteSpace.name(space);
    assertEquals("OPP\u00A01", new OpportunityCode(space + "OPP\u00A01" + space).value(), name);
    assertEquals(
        Optional.of(new OpportunityCode("OPP-1")),
        OpportunityCode.parse(space + "OPP-1" + space),
        name);
    assertEquals(Optional.empty(), OpportunityCode.parse(space + space), name);
    assertThrows(IllegalArgumentException.class, () -> new OpportunityCode(space), name);
    assertEquals(new StageCode("won"), new StageCode(space + "won" + space), name);
    assertThrows(IllegalArgumentException.class, () -> new StageCode(space), name);
    assertEquals(new LostReasonId("price"), new LostReasonId(space + "price" + space), name);
    assertThrows(IllegalArgumentException.class, () -> new LostReasonId(space), name);
    assertEquals(Optional.of(Confidence.A), Confidence.parse("a" + space), name);
    assertEquals(Optional.of(OpportunityStatus.WON), OpportunityStatus.parse(space + "Won"), name);
  }

  @ParameterizedTest
  @CsvSource({
    "A-1, A-10", // a prefix first
    "A-10, A-2",
    "A, a",
    "a, 中",
    "中, Ａ", // U+4E2D, U+FF21
    "Ａ, 😀", // U+FF21 before U+1F600: code points, not UTF-16 units (0xD83D)
    "😀, 😀a",
    "a\uD800, a\uD801", // lone surrogates compare as themselves
  })
  void ordersCodesByTheirCodePoints(String first, String second) {
    OpportunityCode a = new OpportunityCode(first);
    OpportunityCode b = new OpportunityCode(second);
    assertTrue(a.compareTo(b) < 0, first + " < " + second);
    assertTrue(b.compareTo(a) > 0, second + " > " + first);
    assertEquals(0, a.compareTo(new OpportunityCode(first)));
  }

  @Test
  void comparesOpportunityCodesCaseSensitively() {
    assertNotEquals(new OpportunityCode("opp-1"), new OpportunityCode("OPP-1"));
    assertEquals(
        new OpportunityCode("OPP-1").hashCode(), new OpportunityCode(" OPP-1 ").hashCode());
  }

  @Test
  void countsTextInCodePoints() {
    assertEquals(0, Text.length(""));
    assertEquals(1, Text.length("一"));
    assertEquals(1, Text.length("😀"));
    assertEquals(3, Text.length("a一😀"));
  }

  @ParameterizedTest
  @MethodSource("cn.opportunity.integration.domain.testing.WhiteSpace#unicode")
  void trimsEveryUnicodeWhiteSpaceAndTheByteOrderMarkAroundTextOnly(String space) {
    String name = WhiteSpace.name(space);
    assertEquals("A", Text.trim(space + "A"), name);
    assertEquals("A", Text.trim("A" + space + space), name);
    assertEquals("A" + space + "B", Text.trim(space + "A" + space + "B" + space), name);
    assertEquals("", Text.trim(space), name);
    assertTrue(Text.isBlank(space + space), name);
  }

  /** Unicode's White_Space and U+FEFF, plus U+001C–U+001F, which String.strip() always removed. */
  @Test
  void trimsExactlyWhiteSpaceTheByteOrderMarkAndTheSeparatorsStripRemoved() {
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      String text = String.valueOf((char) c);
      boolean expected = WhiteSpace.UNICODE.contains(text) || c >= 0x1C && c <= 0x1F;
      assertEquals(expected, Text.isBlank(text), () -> WhiteSpace.name(text));
      assertEquals(expected ? "" : text, Text.trim(text), () -> WhiteSpace.name(text));
    }
    assertEquals("\u200Bx", Text.trim("\u200Bx"), "a zero-width space is no white space");
    assertEquals("😀", Text.trim("\u00A0😀\uFEFF"));
    assertTrue(Text.isBlank(""));
  }

  @ParameterizedTest
  @CsvSource({"a,A", "A,A", "' b ',B", "C,C"})
  void readsConfidenceLenientlyAndPrintsUpperCase(String raw, String code) {
    assertEquals(code, Confidence.parse(raw).orElseThrow().code());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "D", "AA", "Ａ"})
  void refusesOtherConfidence(String raw) {
    assertEquals(Optional.empty(), Confidence.parse(raw));
  }

  @ParameterizedTest
  @CsvSource({"ACTIVE,active", "Closed,closed", "' won ',won", "lOsT,lost"})
  void readsStatusLenientlyAndPrintsLowerCase(String raw, String code) {
    assertEquals(code, OpportunityStatus.parse(raw).orElseThrow().code());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "open", "activ"})
  void refusesOtherStatus(String raw) {
    assertEquals(Optional.empty(), OpportunityStatus.parse(raw));
  }

  @Test
  void trimsStageCodesAndRefusesBlankOnes() {
    assertEquals(new StageCode("won"), new StageCode(" won "));
    assertThrows(IllegalArgumentException.class, () -> new StageCode("  "));
  }

  @Test
  void trimsLostReasonIdsAndRefusesBlankOnes() {
    assertEquals(new LostReasonId("price"), new LostReasonId(" price "));
    assertEquals("price", new LostReasonId(" price\t").value());
    IllegalArgumentException blank =
        assertThrows(IllegalArgumentException.class, () -> new LostReasonId("  "));
    assertEquals("a lost reason id is not blank", blank.getMessage());
  }

  @Test
  void startsVersionsAtOneAndGrowsByOne() {
    assertEquals(Version.FIRST, new Version(1));
    assertEquals(1, new Version(1).value());
    assertEquals(new Version(2), Version.FIRST.next());
    IllegalArgumentException zero =
        assertThrows(IllegalArgumentException.class, () -> new Version(0));
    assertEquals("versions start at 1: 0", zero.getMessage());
    assertThrows(ArithmeticException.class, () -> new Version(Long.MAX_VALUE).next());
  }

  /** How messages and logs name them ("patch for OPP-1 applied to …", "… is at version 3"). */
  @Test
  void printsValueObjectsAsTheirValueAlone() {
    assertEquals("OPP-1", new OpportunityCode(" OPP-1 ").toString());
    assertEquals("won", new StageCode(" won ").toString());
    assertEquals("1101043686", new LostReasonId(" 1101043686 ").toString());
    assertEquals("3", new Version(3).toString());
  }

  @Test
  void refusesNonPositiveOpportunityIds() {
    assertEquals("7", new OpportunityId(7).toString());
    assertThrows(IllegalArgumentException.class, () -> new OpportunityId(0));
    assertThrows(IllegalArgumentException.class, () -> new OpportunityId(-1));
  }

  @Test
  void joinsViolationsWithTheFullWidthSemicolon() {
    UpdateRejectedException e = new UpdateRejectedException(List.of("a", "b", "c"));
    assertEquals("a；b；c", e.getMessage());
    assertEquals(List.of("a", "b", "c"), e.violations());
    assertEquals("x", new UpdateRejectedException("x").getMessage());
    assertThrows(IllegalArgumentException.class, () -> new UpdateRejectedException(List.of()));
  }

  @Test
  void carriesTheContractMessagesVerbatim() {
    assertEquals("商机不存在", new OpportunityNotFoundException("X").getMessage());
    assertEquals("X", new OpportunityNotFoundException("X").code());
    assertEquals("项目阶段字典暂不可用", new DictionaryUnavailableException().getMessage());
    assertEquals("字段过长: description（最多 2000 个字符）", Messages.tooLong("description", 2000));
    assertNotEquals(Messages.AMOUNT_NOT_POSITIVE, Messages.AMOUNT_TOO_LARGE);
    assertEquals("商机金额必须小于 10^15", Messages.AMOUNT_TOO_LARGE);
    assertEquals(
        "database or disk is full",
        new StoreUnavailableException("database or disk is full", null).reason());
  }

  @Test
  void listsTheFieldsInTableOrder() {
    assertEquals(
        List.of(
            "opportunityName",
            "projectLocation",
            "operatorName",
            "amount",
            "expectedCloseDate",
            "confidencePct",
            "stage",
            "opportunityType",
            "productType",
            "source",
            "salesExpansionId",
            "channelExpansionId",
            "preSalesId",
            "preSalesName",
            "competitorName",
            "archived",
            "pushedToOms",
            "omsPushTime",
            "status",
            "lostReason",
            "description"),
        java.util.Arrays.stream(OpportunityField.values())
            .map(OpportunityField::jsonName)
            .toList());
    assertEquals(Optional.empty(), OpportunityField.byJsonName("opportunityCode"));
  }
}

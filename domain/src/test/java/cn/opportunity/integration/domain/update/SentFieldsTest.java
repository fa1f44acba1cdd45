package cn.opportunity.integration.domain.update;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SentFieldsTest {
  @Test
  void dropsNullMembersAndKeepsTheOrderSent() {
    SentFields sent =
        SentFields.builder()
            .text("b", "1")
            .put("n", null)
            .number("a", 2)
            .bool("c", true)
            .text("z", null)
            .number("m", (BigDecimal) null)
            .build();
    assertEquals(List.of("b", "a", "c"), List.copyOf(sent.names()));
    assertEquals(List.of("b", "a", "c"), List.copyOf(sent.given()));
    assertEquals(Optional.empty(), sent.get("n"));
    assertEquals(Optional.empty(), sent.get("m"));
    assertEquals(Optional.of(SentValue.text("1")), sent.get("b"));
    assertEquals(Set.of(), sent.duplicates());
  }

  @Test
  void notesDuplicatesKeepingTheFirstValue() {
    SentFields sent =
        SentFields.builder()
            .text("a", "1")
            .text("a", "2")
            .put("n", null)
            .text("n", "x")
            .text("a", "3")
            .build();
    assertEquals(List.of("a", "n"), List.copyOf(sent.duplicates()));
    assertEquals(Optional.of(SentValue.text("1")), sent.get("a"));
    assertEquals(Optional.empty(), sent.get("n"));
  }

  @Test
  void givesTheNamesSentOrRepeatedInTheOrderFirstSeen() {
    SentFields sent =
        SentFields.builder()
            .put("x", null)
            .text("b", "1")
            .put("n", null)
            .put("x", null)
            .number("a", 2)
            .text("n", "v")
            .build();
    assertEquals(List.of("x", "b", "n", "a"), List.copyOf(sent.given()));
    assertEquals(List.of("b", "a"), List.copyOf(sent.names()));
    assertEquals(List.of("x", "n"), List.copyOf(sent.duplicates()));
  }

  @Test
  void leavesOutANameSentOnceAsNull() {
    SentFields sent = SentFields.builder().put("gone", null).text("kept", "").build();
    assertEquals(List.of("kept"), List.copyOf(sent.given()));
    assertEquals(Optional.of(SentValue.text("")), sent.get("kept"));
  }

  /**
   * Bodies carry customers' data: what prints them (a log line, a failed test) names fields only.
   */
  @Test
  void printsTheNamesSentAndRepeatedButNoValue() {
    SentFields once = SentFields.builder().text("source", "官网").number("amount", 1500).build();
    assertEquals("SentFields[source, amount]", once.toString());
    SentFields twice =
        SentFields.builder().text("source", "官网").text("source", "展会").put("stage", null).build();
    assertEquals("SentFields[source] duplicates [source]", twice.toString());
  }

  @ParameterizedTest
  @CsvSource({
    "12,true",
    "0,true",
    "-7,true",
    "12.0,false",
    "1.5,false",
    "1e3,false",
    "10E+1,false"
  })
  void marksOnlyPlainIntegerLiteralsIntegral(String literal, boolean integral) {
    assertEquals(
        integral, ((SentValue.Numeric) SentValue.number(new BigDecimal(literal))).integral());
  }
}

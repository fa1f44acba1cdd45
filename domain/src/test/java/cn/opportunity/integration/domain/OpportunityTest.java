package cn.opportunity.integration.domain;

import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.Opportunities;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpportunityTest {
  static final Instant T0 = Opportunities.CREATED_AT;
  static final OpportunityCode CODE = new OpportunityCode("OPP-20260401-001");

  static Opportunity stored() {
    return Opportunity.created(new OpportunityId(1), anOpportunity().code(CODE.value()).build());
  }

  static OpportunityPatch patch(OpportunityField field, Object value) {
    return OpportunityPatch.builder(CODE).set(field, value).build();
  }

  @Test
  void startsAtVersionOneCreatedAndUpdatedTogether() {
    Opportunity o = stored();
    assertEquals(Version.FIRST, o.version());
    assertEquals(T0, o.createdAt());
    assertEquals(T0, o.updatedAt());
    assertEquals(Optional.of("华东电网有限公司"), o.finalCustomerName());
  }

  @Test
  void returnsTheSameInstanceWhenNothingChanges() {
    Opportunity o = stored();
    assertSame(o, o.apply(OpportunityPatch.builder(CODE).build(), T0.plusSeconds(60)));
    assertSame(
        o, o.apply(patch(OpportunityField.STATUS, OpportunityStatus.ACTIVE), T0.plusSeconds(60)));
    assertSame(
        o,
        o.apply(
            patch(OpportunityField.AMOUNT, new Amount(new BigDecimal("1500000.0"))),
            T0.plusSeconds(60)));
  }

  @Test
  void growsTheVersionByOneAndStampsTheChange() {
    Instant later = T0.plusSeconds(60);
    Opportunity next = stored().apply(patch(OpportunityField.SOURCE, "官网"), later);
    assertEquals(new Version(2), next.version());
    assertEquals(later, next.updatedAt());
    assertEquals(T0, next.createdAt());
    assertEquals("官网", next.details().source());
    assertEquals("智慧园区二期", next.details().opportunityName());
    assertEquals(new Version(3), next.apply(patch(OpportunityField.SOURCE, "展会"), later).version());
  }

  @Test
  void neverMovesUpdatedAtBack() {
    Opportunity changed = stored().apply(patch(OpportunityField.SOURCE, "官网"), T0.plusSeconds(600));
    Opportunity again = changed.apply(patch(OpportunityField.SOURCE, "展会"), T0.plusSeconds(10));
    assertEquals(T0.plusSeconds(600), again.updatedAt());
    assertEquals(new Version(3), again.version());
  }

  @Test
  void keepsIdentityFinalCustomerAndCreationAcrossChanges() {
    Opportunity o = stored();
    Opportunity next = o.apply(patch(OpportunityField.DESCRIPTION, "备注"), T0.plusSeconds(5));
    assertEquals(o.id(), next.id());
    assertEquals(o.code(), next.code());
    assertEquals(o.finalCustomerName(), next.finalCustomerName());
    assertEquals(o.createdAt(), next.createdAt());
    assertEquals(o.details().toBuilder().description("备注").build(), next.details());
  }

  @Test
  void returnsTheSameInstanceWhenClearingAFieldNeverSet() {
    Opportunity bare =
        Opportunity.created(
            new OpportunityId(3), Opportunities.aBareOpportunity().code(CODE.value()).build());
    assertSame(bare, bare.apply(patch(OpportunityField.COMPETITOR_NAME, null), T0.plusSeconds(1)));
  }

  @Test
  void keepsUpdatedAtWhenTheClockStandsStill() {
    Opportunity next = stored().apply(patch(OpportunityField.SOURCE, "官网"), T0);
    assertEquals(T0, next.updatedAt());
    assertEquals(new Version(2), next.version());
  }

  @Test
  void appliesEveryFieldOfAPatchAtOnce() {
    OpportunityDetails full = Opportunities.aFullOpportunity().build().details();
    OpportunityPatch.Builder everything = OpportunityPatch.builder(CODE);
    for (OpportunityField field : OpportunityField.values())
      everything.set(field, field.valueIn(full));
    Opportunity next = stored().apply(everything.build(), T0.plusSeconds(1));
    assertEquals(full, next.details());
    assertEquals(new Version(2), next.version());
  }

  @Test
  void clearsAFieldWithNull() {
    Opportunity next =
        stored().apply(patch(OpportunityField.PROJECT_LOCATION, null), T0.plusSeconds(1));
    assertNull(next.details().projectLocation());
    assertEquals(new Version(2), next.version());
  }

  @Test
  void refusesAPatchOfAnotherCode() {
    OpportunityPatch other =
        OpportunityPatch.builder(new OpportunityCode("OTHER"))
            .set(OpportunityField.SOURCE, "x")
            .build();
    assertThrows(IllegalArgumentException.class, () -> stored().apply(other, T0));
  }

  @Test
  void refusesStoredStateUpdatedBeforeCreated() {
    Opportunity o = stored();
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Opportunity.restore(
                o.id(), o.code(), null, o.details(), T0, T0.minusSeconds(1), Version.FIRST));
    assertEquals(
        Optional.empty(),
        Opportunity.restore(o.id(), o.code(), null, o.details(), T0, T0, Version.FIRST)
            .finalCustomerName());
  }

  @Test
  void refusesDetailsWithoutName() {
    assertThrows(IllegalArgumentException.class, () -> OpportunityDetails.builder().build());
    assertThrows(
        IllegalArgumentException.class,
        () -> OpportunityDetails.builder().opportunityName(" ").build());
  }

  @Test
  void refusesAValueOfTheWrongTypeInAPatch() {
    assertThrows(ClassCastException.class, () -> patch(OpportunityField.AMOUNT, "1"));
  }

  @Test
  void givesCanonicalValues() {
    Opportunity o =
        Opportunity.created(new OpportunityId(1), Opportunities.aFullOpportunity().build());
    assertEquals(
        new BigDecimal("99999999999999.99"), OpportunityField.AMOUNT.canonicalValueIn(o.details()));
    assertEquals("2027-02-28", OpportunityField.EXPECTED_CLOSE_DATE.canonicalValueIn(o.details()));
    assertEquals("C", OpportunityField.CONFIDENCE_PCT.canonicalValueIn(o.details()));
    assertEquals("bidding", OpportunityField.STAGE.canonicalValueIn(o.details()));
    assertEquals("lost", OpportunityField.STATUS.canonicalValueIn(o.details()));
    assertEquals("competitor", OpportunityField.LOST_REASON.canonicalValueIn(o.details()));
    assertEquals(
        "2026-04-30T02:00:00.123456789Z",
        OpportunityField.OMS_PUSH_TIME.canonicalValueIn(o.details()));
    assertEquals(Long.MAX_VALUE, OpportunityField.SALES_EXPANSION_ID.canonicalValueIn(o.details()));
    assertEquals("北京市海淀区", OpportunityField.PROJECT_LOCATION.canonicalValueIn(o.details()));
    assertEquals(true, OpportunityField.ARCHIVED.canonicalValueIn(o.details()));
    assertEquals(false, OpportunityField.PUSHED_TO_OMS.canonicalValueIn(o.details()));
    OpportunityDetails bare = Opportunities.aBareOpportunity().build().details();
    for (OpportunityField field : OpportunityField.values()) {
      if (field != OpportunityField.OPPORTUNITY_NAME)
        assertNull(field.canonicalValueIn(bare), field.jsonName());
    }
  }

  @Test
  void refusesACanonicalFormForAValueOfNoFieldsType() {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> OpportunityField.canonical(7));
    assertEquals("no canonical form for class java.lang.Integer", refused.getMessage());
  }

  /** A patch is a value: the same changes of the same code, in any order of setting, are equal. */
  @Test
  void comparesPatchesByCodeAndChanges() {
    OpportunityPatch one =
        OpportunityPatch.builder(CODE)
            .set(OpportunityField.SOURCE, "官网")
            .set(OpportunityField.ARCHIVED, true)
            .build();
    OpportunityPatch same =
        OpportunityPatch.builder(new OpportunityCode(" " + CODE.value()))
            .set(OpportunityField.ARCHIVED, true)
            .set(OpportunityField.SOURCE, "官网")
            .build();
    assertEquals(one, same);
    assertEquals(one.hashCode(), same.hashCode());
    assertNotEquals(one, patch(OpportunityField.SOURCE, "官网"));
    assertNotEquals(
        one,
        OpportunityPatch.builder(new OpportunityCode("OTHER"))
            .set(OpportunityField.SOURCE, "官网")
            .set(OpportunityField.ARCHIVED, true)
            .build());
    assertNotEquals(one, "not a patch");
    assertTrue(one.toString().contains(CODE.value()), one.toString());
    assertTrue(one.toString().contains("官网"), one.toString());
  }

  /** What a store reads back twice is one and the same opportunity; another version is not. */
  @Test
  void comparesOpportunitiesByEveryPartOfTheirState() {
    Opportunity o = stored();
    Opportunity again =
        Opportunity.restore(
            o.id(),
            o.code(),
            o.finalCustomerName().orElse(null),
            o.details(),
            o.createdAt(),
            o.updatedAt(),
            o.version());
    assertEquals(o, again);
    assertEquals(o.hashCode(), again.hashCode());
    Opportunity next = o.apply(patch(OpportunityField.SOURCE, "官网"), T0.plusSeconds(1));
    assertNotEquals(o, next);
    assertTrue(next.toString().contains("code=" + CODE.value()), next.toString());
    assertTrue(next.toString().contains("version=2"), next.toString());
  }
}

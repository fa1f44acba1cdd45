package cn.opportunity.integration.domain.update;

import static cn.opportunity.integration.domain.testing.Opportunities.aBareOpportunity;
import static cn.opportunity.integration.domain.testing.Opportunities.aFullOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.opportunity.integration.domain.DictionaryUnavailableException;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityId;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.UpdateRejectedException;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.testing.SentBodies;
import cn.opportunity.integration.domain.testing.SentBodies.Member;
import cn.opportunity.integration.domain.testing.SentBodies.Valid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.statistics.Statistics;

/**
 * The update policy over bodies no list of examples covers (docs/testing.md, "Property tests"): the
 * order of a body's members never changes the answer, and a checked patch, once applied, shows
 * exactly the canonical values of what was sent.
 */
class UpdatePolicyPropertiesTest {
  static final Optional<DictionarySnapshot> BUILT_IN =
      FixedFlowDictionary.builtIn(Instant.parse("2026-04-01T00:00:00Z")).current();
  static final UpdatePolicy POLICY = new UpdatePolicy(SentBodies.ZONE);
  static final Instant NOW = Instant.parse("2026-05-01T00:00:00Z");

  /** A refusal, its messages as the contract orders them. */
  record Refused(List<String> messages) {}

  /** The 503 of a stage sent while no dictionary is loaded. */
  record Unavailable() {}

  /**
   * The same patch (or import line), the same refusal with the same messages in the same order, or
   * the same 503, whatever the order of the members: duplicates, {@code null}s, unknown names and
   * the code anywhere in the body.
   */
  @Property(edgeCases = EdgeCasesMode.NONE) // a body's "edge cases" are its generator's minima
  void theOrderOfTheMembersNeverChangesTheAnswer(
      @ForAll("bodiesInTwoOrders") Tuple2<List<Member>, List<Member>> body,
      @ForAll boolean importLine,
      @ForAll boolean dictionaryLoaded) {
    Optional<DictionarySnapshot> dictionary = dictionaryLoaded ? BUILT_IN : Optional.empty();
    Object answer = answer(body.get1(), importLine, dictionary);
    Statistics.label("answer").collect(answer.getClass().getSimpleName());
    assertEquals(answer, answer(body.get2(), importLine, dictionary));
  }

  /**
   * A patch checked from valid members, applied to an opportunity, leaves each sent field with the
   * canonical value of what was sent (trimmed, upper- or lower-cased, the stage's code, the amount
   * with two decimals, the instant in UTC, {@code null} for an empty text) and every other field as
   * it was. {@code canonicalValueIn} is what the GET view shows.
   */
  @Property(edgeCases = EdgeCasesMode.NONE)
  void anAppliedPatchShowsTheCanonicalValuesOfWhatWasSent(
      @ForAll("validBodies") List<Valid> sent,
      @ForAll("codes") SentValue code,
      @ForAll("unsentNames") Set<OpportunityField> sentAsNull,
      @ForAll boolean fullBefore) {
    Opportunity before =
        Opportunity.created(
            new OpportunityId(1),
            (fullBefore ? aFullOpportunity() : aBareOpportunity()).code(SentBodies.CODE).build());
    List<Member> body = new ArrayList<>();
    body.add(new Member(OpportunityField.CODE_NAME, code));
    body.addAll(SentBodies.members(sent));
    Map<OpportunityField, Object> expected = new LinkedHashMap<>();
    for (OpportunityField field : OpportunityField.values())
      expected.put(field, field.canonicalValueIn(before.details()));
    for (Valid valid : sent) expected.put(valid.field(), valid.canonical());
    for (OpportunityField field : sentAsNull) {
      if (sent.stream().noneMatch(v -> v.field() == field))
        body.add(new Member(field.jsonName(), null)); // "not sent": the field keeps its value
    }

    OpportunityPatch patch = POLICY.check(SentBodies.fields(body), BUILT_IN);
    Opportunity after = before.apply(patch, NOW);

    Map<OpportunityField, Object> shown = new LinkedHashMap<>();
    for (OpportunityField field : OpportunityField.values())
      shown.put(field, field.canonicalValueIn(after.details()));
    assertEquals(expected, shown);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static Object answer(
      List<Member> body, boolean importLine, Optional<DictionarySnapshot> dictionary) {
    SentFields sent = SentBodies.fields(body);
    try {
      return importLine ? POLICY.checkImportLine(sent, dictionary) : POLICY.check(sent, dictionary);
    } catch (UpdateRejectedException e) {
      return new Refused(e.violations());
    } catch (DictionaryUnavailableException e) {
      return new Unavailable();
    }
  }

  @Provide
  Arbitrary<Tuple2<List<Member>, List<Member>>> bodiesInTwoOrders() {
    return SentBodies.anyBody()
        .flatMap(body -> Arbitraries.shuffle(body).map(other -> Tuple.of(body, other)));
  }

  @Provide
  Arbitrary<List<Valid>> validBodies() {
    return SentBodies.distinctValid(1, 8);
  }

  @Provide
  Arbitrary<SentValue> codes() {
    return SentBodies.goodCode();
  }

  @Provide
  Arbitrary<Set<OpportunityField>> unsentNames() {
    return Arbitraries.of(OpportunityField.class).set().ofMaxSize(3);
  }
}

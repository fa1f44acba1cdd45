package cn.opportunity.integration.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.opportunity.integration.domain.testing.SentBodies;
import cn.opportunity.integration.domain.testing.SentBodies.Member;
import cn.opportunity.integration.domain.testing.SentBodies.Valid;
import cn.opportunity.integration.domain.update.SentValue;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Every amount the contract accepts survives text → {@link Amount} → text exactly, and → cents →
 * {@link Amount}, the unit stores keep (docs/testing.md, "Property tests"; the SQLite half is in
 * {@code adapter-persistence}).
 */
class AmountPropertiesTest {
  static final UpdatePolicy POLICY = new UpdatePolicy(SentBodies.ZONE);

  /**
   * However a caller writes an amount (plain decimal text, in white space, a number with or without
   * an exponent or zeros it does not need), the update reads it as the amount it is, and prints it
   * with two decimals; its cents make the same amount again.
   */
  @Property
  void anAmountSurvivesTextToAmountToText(@ForAll("amounts") Tuple2<Long, Valid> sent) {
    long cents = sent.get1();
    List<Member> body =
        List.of(
            new Member(OpportunityField.CODE_NAME, SentValue.text(SentBodies.CODE)),
            sent.get2().member());

    Amount amount =
        (Amount)
            POLICY
                .check(SentBodies.fields(body), Optional.empty())
                .changes()
                .get(OpportunityField.AMOUNT);

    assertEquals(SentBodies.printedCents(cents), amount.toString());
    assertEquals(cents, amount.cents());
    assertEquals(amount, Amount.ofCents(cents));
  }

  @Provide
  Arbitrary<Tuple2<Long, Valid>> amounts() {
    return SentBodies.cents().flatMap(c -> SentBodies.amount(c).map(v -> Tuple.of(c, v)));
  }
}

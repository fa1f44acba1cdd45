package cn.opportunity.integration.adapter.persistence;

import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
import static cn.opportunity.integration.domain.testing.Opportunities.anOpportunity;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.testing.SentBodies;
import cn.opportunity.integration.domain.testing.SentBodies.Member;
import cn.opportunity.integration.domain.testing.SentBodies.Valid;
import cn.opportunity.integration.domain.update.SentValue;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Every amount the contract accepts survives text → SQLite → text exactly (docs/testing.md,
 * "Property tests"): one database file for all tries; the store keeps no cache, so every value read
 * back comes out of the file.
 */
class AmountStoragePropertiesTest {
  static final UpdatePolicy POLICY = new UpdatePolicy(SentBodies.ZONE);
  static final OpportunityCode CODE = new OpportunityCode(SentBodies.CODE);
  static final Instant NOW = Instant.parse("2026-05-01T00:00:00Z");

  private Path dir;
  private SqliteDatabase database;

  @BeforeProperty
  void openDatabase() throws IOException {
    dir = Files.createTempDirectory("amount-properties");
    database = SqliteDatabase.open("jdbc:sqlite:" + dir.resolve("store.db"));
    database
        .opportunityStore()
        .importAll(List.of(anOpportunity().code(CODE.value()).build()), List.of());
  }

  @AfterProperty
  void closeDatabase() throws IOException {
    database.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(file);
    }
  }

  /**
   * An amount sent in any form the contract accepts is stored as its integer cents and reads back
   * printed exactly, with two decimals. A bounded number of tries: each one is a commit.
   */
  @Property(tries = 100)
  void anAmountSurvivesTextToStoreToText(@ForAll("amounts") Tuple2<Long, Valid> sent) {
    long cents = sent.get1();
    List<Member> body =
        List.of(
            new Member(OpportunityField.CODE_NAME, SentValue.text(SentBodies.CODE)),
            sent.get2().member());
    OpportunityPatch patch = POLICY.check(SentBodies.fields(body), Optional.empty());

    database.opportunityStore().update(CODE, ORIGIN, current -> current.apply(patch, NOW));

    assertEquals(
        SentBodies.printedCents(cents),
        database.opportunityStore().findByCode(CODE).orElseThrow().details().amount().toString());
    assertEquals(
        "integer " + cents,
        database
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT typeof(amount_cents) || ' ' || amount_cents FROM opportunity"
                                + " WHERE opportunity_code = :code")
                        .bind("code", CODE.value())
                        .mapTo(String.class)
                        .one()));
  }

  @Provide
  Arbitrary<Tuple2<Long, Valid>> amounts() {
    return SentBodies.cents().flatMap(c -> SentBodies.amount(c).map(v -> Tuple.of(c, v)));
  }
}

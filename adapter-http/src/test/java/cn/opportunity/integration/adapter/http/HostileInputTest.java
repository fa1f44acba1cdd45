package cn.opportunity.integration.adapter.http;

import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import cn.opportunity.integration.application.ApplyIntegrationUpdate;
import cn.opportunity.integration.domain.DictionaryUnavailableException;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityId;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.UpdateRejectedException;
import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.HostileBodies;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import cn.opportunity.integration.domain.testing.MutableClock;
import cn.opportunity.integration.domain.testing.Opportunities;
import cn.opportunity.integration.domain.update.SentFields;
import cn.opportunity.integration.domain.update.SentValue;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Figure 4 of the reliability issue, in process: seeded hostile bodies through what the update
 * route runs after its size check — {@link StrictJsonReader} then {@link ApplyIntegrationUpdate}
 * (over the in-memory store and the built-in stages). 100,000 cases by default; {@code
 * -Dfuzz.cases=…} for more, {@code -Dfuzz.seed=…} to replay. Oracles: only the exceptions of the
 * error table's 4xx rows, never anything else (no StackOverflowError, no stray runtime exception);
 * every refusal has a Chinese message; nothing stored changes on a refusal; an accepted body
 * changes only the fields it sent (and the version, by one), and sending it again changes nothing.
 */
class HostileInputTest {
  static final List<String> CODES =
      List.of("OPP-20260401-001", "OPP-20260401-002", "OPP-20260401-003");
  static final int CASES = HostileBodies.cases("fuzz.cases", 100_000);
  static final Pattern CJK = Pattern.compile("\\p{IsHan}");

  final InMemoryOpportunityStore store = new InMemoryOpportunityStore();
  final MutableClock clock = new MutableClock(Instant.parse("2026-04-30T02:00:00Z"));
  final StrictJsonReader reader = new StrictJsonReader();
  final ApplyIntegrationUpdate update =
      new ApplyIntegrationUpdate(
          store,
          FakeFlowDictionary.loaded(clock.instant()),
          new UpdatePolicy(ZoneId.of("Asia/Shanghai")),
          clock);

  @Test
  void answersEveryHostileBodyWithAMappedRefusalOrAChangeOfOnlyWhatItSent() {
    store.importAll(
        List.of(
            Opportunities.anOpportunity().code(CODES.get(0)).build(),
            Opportunities.aFullOpportunity().code(CODES.get(1)).build(),
            Opportunities.aBareOpportunity().code(CODES.get(2)).build()),
        List.of());
    long seed = HostileBodies.seed();
    System.out.println("HostileInputTest: " + CASES + " cases, seed " + seed);
    HostileBodies bodies = new HostileBodies(seed, CODES);
    int accepted = 0;
    for (int i = 0; i < CASES; i++) {
      HostileBodies.Body body = bodies.next();
      clock.advance(Duration.ofSeconds(1));
      Map<String, Opportunity> before = stored();
      Where where = new Where(body, seed);
      SentFields sent;
      OpportunityId id;
      try {
        sent = reader.read(body.bytes()); // 400 请求体不是有效的 JSON 对象
        id = update.apply(sent, ORIGIN); // 400 / 404 / 503, or applied
      } catch (MalformedBodyException
          | OpportunityNotFoundException
          | DictionaryUnavailableException refused) {
        assertEquals(before, stored(), where.says("refused, yet something changed"));
        continue;
      } catch (UpdateRejectedException refused) {
        String message = refused.getMessage();
        assertTrue(
            message != null && CJK.matcher(message).find(),
            where.says("a message without Chinese: " + message));
        assertEquals(before, stored(), where.says("refused, yet something changed"));
        continue;
      } catch (Throwable unexpected) { // would be a 500, or worse
        throw new AssertionError(where.get() + ": unexpected " + unexpected, unexpected);
      }
      checkAccepted(where, sent, id, before);
      accepted++;
    }
    System.out.println("HostileInputTest: " + accepted + " of " + CASES + " accepted");
    assertTrue(
        accepted > CASES / 20, "the generator must reach the store too: " + accepted + " accepted");
  }

  /**
   * Only the opportunity named in the body changed, only in the fields sent; resending changes
   * nothing.
   */
  private void checkAccepted(
      Where where, SentFields sent, OpportunityId id, Map<String, Opportunity> before) {
    String code =
        OpportunityCode.parse(
                ((SentValue.Text) sent.get(OpportunityField.CODE_NAME).orElseThrow()).value())
            .orElseThrow()
            .value();
    Map<String, Opportunity> after = stored();
    for (String other : CODES) {
      if (!other.equals(code))
        assertEquals(before.get(other), after.get(other), where.says("changed " + other));
    }
    Opportunity was = before.get(code);
    Opportunity now = after.get(code);
    if (was == null) fail(where.says("accepted for " + code + ", which is not stored"));
    assertEquals(was.id(), id, where);
    assertEquals(was.id(), now.id(), where);
    assertEquals(
        was.finalCustomerName(), now.finalCustomerName(), where.says("the final customer changed"));
    assertEquals(was.createdAt(), now.createdAt(), where);
    for (OpportunityField field : OpportunityField.values()) {
      if (!sent.names().contains(field.jsonName()))
        assertEquals(
            field.valueIn(was.details()),
            field.valueIn(now.details()),
            where.says(field + " not sent, but changed"));
    }
    if (was.details().equals(now.details())) {
      assertEquals(was, now, where.says("nothing changed, yet the version or time moved"));
    } else {
      assertEquals(was.version().next(), now.version(), where.says("the version must grow by one"));
      assertEquals(clock.instant(), now.updatedAt(), where);
    }
    try {
      update.apply(sent, ORIGIN);
    } catch (Throwable unexpected) {
      throw new AssertionError(where.get() + ": accepted once, then " + unexpected, unexpected);
    }
    assertEquals(now, stored().get(code), where.says("sent again, it changed something"));
  }

  /** The case, for failure messages; written out only when one fails. */
  record Where(HostileBodies.Body body, long seed) implements Supplier<String> {
    @Override
    public String get() {
      return body.describe(seed);
    }

    Supplier<String> says(String what) {
      return () -> get() + ": " + what;
    }
  }

  private Map<String, Opportunity> stored() {
    Map<String, Opportunity> stored = new LinkedHashMap<>();
    for (String code : CODES)
      stored.put(code, store.findByCode(new OpportunityCode(code)).orElseThrow());
    return stored;
  }
}

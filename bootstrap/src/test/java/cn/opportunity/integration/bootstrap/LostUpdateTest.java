package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.adapter.http.HttpApi;
import cn.opportunity.integration.adapter.http.HttpApiConfig;
import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.HistoryPage;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityId;
import cn.opportunity.integration.domain.OpportunityNotFoundException;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.testing.FakeFlowDictionary;
import cn.opportunity.integration.domain.testing.Opportunities;
import cn.opportunity.integration.domain.testing.TestSecrets;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import io.javalin.Javalin;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C1 and its negative control C2: {@link LostUpdateHarness} finds no lost update in the real
 * service, and finds lost updates in a store that reads, changes and writes back without a lock or
 * a version check — so it can see them.
 */
class LostUpdateTest {

  /** C1: 64 clients × 50 updates on the real wiring and a real SQLite file on disk. */
  @Test
  void losesNoUpdateOf64ClientsEachWritingItsOwnCell(@TempDir Path dir) throws Exception {
    try (ServiceHarness service = new ServiceHarness(dir)) {
      service.importLines(
          LostUpdateHarness.CODES.stream()
              .map(code -> "{\"opportunityCode\":\"" + code + "\",\"opportunityName\":\"并发商机\"}")
              .toArray(String[]::new));
      service.start();

      LostUpdateHarness.Report report =
          new LostUpdateHarness(service.uri("/"), ServiceHarness.SECRET).run();
      System.out.println("real service: " + report);

      assertEquals(List.of(), report.staleCells(), report.toString());
      assertEquals(List.of(), report.versionMismatches(), report.toString());
      assertEquals(0, report.serverErrors(), report.toString());
      assertEquals(
          64L * LostUpdateHarness.UPDATES_PER_CLIENT, report.acknowledged(), report.toString());
      assertTrue(report.took().compareTo(Duration.ofSeconds(30)) <= 0, report.toString());
    }
  }

  /** C2: the same harness against a naive read-modify-write store must report lost updates. */
  @Test
  void reportsLostUpdatesOfANaiveReadModifyWriteStore() throws Exception {
    NaiveOpportunityStore store = new NaiveOpportunityStore();
    store.importAll(
        LostUpdateHarness.CODES.stream()
            .map(code -> Opportunities.aBareOpportunity().code(code).build())
            .toList(),
        List.of());
    Clock clock = Clock.systemUTC();
    FakeFlowDictionary dictionary = FakeFlowDictionary.loaded(clock.instant());
    Javalin app =
        HttpApi.create(
            HttpApiConfig.of(List.of(TestSecrets.INTERNAL)),
            HttpApi.UseCases.over(
                store, dictionary, new UpdatePolicy(ZoneId.of("Asia/Shanghai")), clock));
    app.start("127.0.0.1", 0);
    try {
      LostUpdateHarness.Report report =
          new LostUpdateHarness(
                  URI.create("http://127.0.0.1:" + app.port() + "/"), TestSecrets.INTERNAL)
              .run();
      System.out.println("naive store: " + report);

      assertEquals(
          64L * LostUpdateHarness.UPDATES_PER_CLIENT, report.acknowledged(), report.toString());
      assertTrue(report.lostUpdates() >= 1, "the harness saw no lost update: " + report);
      // Each of its two checks sees them on its own (seen: 19–37 stale cells, ~1,500 missing
      // versions a run).
      assertTrue(
          report.missingVersions() >= 1, "no acknowledged update without a version: " + report);
      assertTrue(report.staleCells().size() >= 1, "no cell with an older value: " + report);
    } finally {
      app.stop();
    }
  }

  /**
   * Deliberately wrong: {@link #update} reads, applies the change, waits a moment and writes back
   * what it computed, with no lock and no version check, so that a concurrent change of another
   * field made in between is overwritten. Test-only: it shows the harness can see a lost update.
   */
  static final class NaiveOpportunityStore implements OpportunityStore {
    private final Map<OpportunityCode, Opportunity> byCode = new ConcurrentHashMap<>();
    private final AtomicLong lastId = new AtomicLong();

    @Override
    public Optional<Opportunity> findByCode(OpportunityCode code) {
      return Optional.ofNullable(byCode.get(code));
    }

    @Override
    public List<Opportunity> findPage(Optional<OpportunityCode> after, int limit) {
      return byCode.values().stream()
          .filter(o -> after.isEmpty() || o.code().compareTo(after.get()) > 0)
          .sorted(java.util.Comparator.comparing(Opportunity::code))
          .limit(limit)
          .toList();
    }

    @Override
    public Opportunity update(
        OpportunityCode code, ChangeOrigin origin, UnaryOperator<Opportunity> change) {
      Opportunity read =
          findByCode(code).orElseThrow(() -> new OpportunityNotFoundException(code.value()));
      Opportunity changed = change.apply(read);
      if (changed.equals(read)) return read;
      try {
        Thread.sleep(1); // the window in which other writers read the same state
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byCode.put(code, changed);
      return changed;
    }

    @Override
    public void importAll(List<NewOpportunity> created, List<Opportunity> updated) {
      for (NewOpportunity opportunity : created)
        byCode.put(
            opportunity.code(),
            Opportunity.created(new OpportunityId(lastId.incrementAndGet()), opportunity));
      for (Opportunity opportunity : updated) byCode.put(opportunity.code(), opportunity);
    }

    /** Keeps no history: the harness reads versions and values only. */
    @Override
    public Optional<HistoryPage> history(OpportunityCode code, long beforeVersion, int limit) {
      return findByCode(code).map(found -> new HistoryPage(List.of(), Optional.empty()));
    }

    @Override
    public int pruneHistory(Instant before, int atMost) {
      return 0;
    }

    @Override
    public boolean isAvailable() {
      return true;
    }
  }
}

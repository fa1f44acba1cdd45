package cn.opportunity.integration.bench.jmh;

import cn.opportunity.integration.adapter.http.StrictJsonReader;
import cn.opportunity.integration.application.ApplyIntegrationUpdate;
import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.ChangeSource;
import cn.opportunity.integration.domain.OpportunityId;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.testing.InMemoryOpportunityStore;
import cn.opportunity.integration.domain.update.SentFields;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request path of {@code PUT …/update} without HTTP and without SQLite, on typical 7-member
 * bodies (code + 6 fields, {@link TypicalBodies}), each call on the next of 1,024 bodies:
 *
 * <ul>
 *   <li>{@link #parse}: the bytes to {@link SentFields} ({@link StrictJsonReader}, as the HTTP
 *       adapter does);
 *   <li>{@link #parseAndCheck}: then every rule ({@link UpdatePolicy#check}, the built-in
 *       dictionary);
 *   <li>{@link #requestPath}: the whole in-memory path, {@link ApplyIntegrationUpdate#apply}
 *       (check, then {@code Opportunity.apply} inside the store's update) over {@link
 *       InMemoryOpportunityStore}.
 * </ul>
 *
 * The goal 6: {@code requestPath} ≤ 10 µs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestPathBenchmark {
  private static final int BODIES = 1024; // a power of two: the index wraps with a mask
  private static final int CODES = 1000;

  private final StrictJsonReader reader = new StrictJsonReader();
  private final UpdatePolicy policy = new UpdatePolicy(ZoneId.of("Asia/Shanghai"));
  private final FixedFlowDictionary dictionary = FixedFlowDictionary.builtIn(Instant.now());
  private byte[][] bodies;
  private InMemoryOpportunityStore store;
  private ApplyIntegrationUpdate update;
  private int next;

  @Setup
  public void setUp() {
    bodies = TypicalBodies.generate(BODIES, CODES, 42);
    store = new InMemoryOpportunityStore();
    store.importAll(TypicalBodies.seeded(CODES), List.of());
    update = new ApplyIntegrationUpdate(store, dictionary, policy, Clock.systemUTC());
  }

  private byte[] nextBody() {
    return bodies[next++ & (BODIES - 1)];
  }

  /** A named caller's single update, as the HTTP adapter passes it (the history records it). */
  private static final ChangeOrigin ORIGIN = new ChangeOrigin("bench", null, ChangeSource.UPDATE);

  @Benchmark
  public SentFields parse() {
    return reader.read(nextBody());
  }

  @Benchmark
  public OpportunityPatch parseAndCheck() {
    return policy.check(reader.read(nextBody()), dictionary.current());
  }

  @Benchmark
  public OpportunityId requestPath() {
    // The in-memory store keeps every history record on the heap (a database keeps them on disk):
    // dropped every 1,024 updates, so that the heap's growth does not become what is measured.
    if ((next & (BODIES - 1)) == 0) store.pruneHistory(Instant.MAX, Integer.MAX_VALUE);
    return update.apply(reader.read(nextBody()), ORIGIN);
  }
}

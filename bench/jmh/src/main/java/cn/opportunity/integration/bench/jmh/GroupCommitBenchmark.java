package cn.opportunity.integration.bench.jmh;

import static cn.opportunity.integration.domain.testing.Opportunities.ORIGIN;

import cn.opportunity.integration.adapter.http.StrictJsonReader;
import cn.opportunity.integration.adapter.persistence.SqliteDatabase;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.dictionary.FixedFlowDictionary;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The store's write path alone, without HTTP: {@link #batchOf64} hands 64 typical updates (as
 * {@link TypicalBodies} over {@code opportunities} seeded codes) to the SQLite store at once, as 64
 * connections do, and waits until all are committed — one group commit, synced ({@code
 * synchronous=FULL}), on a real file. Divide by 64 for the writer's time per update; it isolates
 * the writer's changes from the noise of a whole HTTP bench.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GroupCommitBenchmark {
  static final int BATCH = 64;
  private static final int PATCHES = 1024; // a power of two: the index wraps with a mask

  @Param("100000")
  public int opportunities;

  private Path directory;
  private SqliteDatabase database;
  private OpportunityStore store;
  private OpportunityPatch[] patches;
  private int next;

  @Setup
  public void setUp() throws IOException {
    directory = Files.createTempDirectory("group-commit-bench");
    database = SqliteDatabase.open("jdbc:sqlite:" + directory.resolve("bench.db"));
    store = database.opportunityStore();
    store.importAll(TypicalBodies.seeded(opportunities), List.of());

    StrictJsonReader reader = new StrictJsonReader();
    UpdatePolicy policy = new UpdatePolicy(ZoneId.of("Asia/Shanghai"));
    FixedFlowDictionary dictionary = FixedFlowDictionary.builtIn(Instant.now());
    byte[][] bodies = TypicalBodies.generate(PATCHES, opportunities, 42);
    patches = new OpportunityPatch[PATCHES];
    for (int i = 0; i < PATCHES; i++)
      patches[i] = policy.check(reader.read(bodies[i]), dictionary.current());
  }

  @Benchmark
  public Opportunity batchOf64() {
    List<CompletableFuture<Opportunity>> stored = new ArrayList<>(BATCH);
    Instant now = Instant.now();
    for (int i = 0; i < BATCH; i++) {
      OpportunityPatch patch = patches[next++ & (PATCHES - 1)];
      stored.add(
          store
              .updateLater(patch.code(), ORIGIN, current -> current.apply(patch, now))
              .toCompletableFuture());
    }
    Opportunity last = null;
    for (CompletableFuture<Opportunity> update : stored) last = update.join();
    return last;
  }

  @TearDown
  public void tearDown() throws IOException {
    database.close();
    try (Stream<Path> files = Files.walk(directory)) {
      files
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.delete(path);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}

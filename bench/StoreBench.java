import cn.opportunity.integration.adapter.persistence.SqliteDatabase;
import cn.opportunity.integration.domain.*;
import java.lang.management.*;
import java.nio.file.*;
import java.time.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/**
 * The SQLite store alone, no HTTP: CLIENTS threads call {@code OpportunityStore.update} with the
 * bodies of put.lua on random codes of a seeded store (a copy), and after 8 s of warm-up three
 * measurements of SECONDS each print the writer thread's CPU per update and updates per second.
 * See bench/README.md.
 *
 * <pre>java -cp bootstrap/target/opportunity-integration.jar bench/StoreBench.java SEEDED.db 8 64 [LABEL]</pre>
 */
public final class StoreBench {
  public static void main(String[] a) throws Exception {
    Path db = Paths.get("bench/target/storebench/store.db");
    Files.createDirectories(db.getParent());
    for (String s : new String[] {"", "-wal", "-shm"}) Files.deleteIfExists(Paths.get(db + s));
    Files.copy(Paths.get(a[0]), db);
    int seconds = Integer.parseInt(a[1]), clients = Integer.parseInt(a[2]);
    SqliteDatabase database = SqliteDatabase.open("jdbc:sqlite:" + db);
    OpportunityStore store = database.opportunityStore();
    String[] stages = {"discovery", "qualification", "solution", "bidding", "negotiation", "won", "lost"};
    OpportunityStatus[] statuses = OpportunityStatus.values();
    String[] descriptions = {"客户已完成技术评审", "外部系统回写成交结果", "招标文件已发布，等待开标", "商务条款谈判中", "OMS 已确认订单"};
    AtomicLong done = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    ChangeOrigin origin = new ChangeOrigin("bench", UUID.randomUUID().toString(), ChangeSource.UPDATE);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < clients; t++) {
      Thread th = new Thread(() -> {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (!stop.get()) {
          String code = String.format("BENCH-%07d", 1 + r.nextInt(100000));
          OpportunityPatch patch = OpportunityPatch.builder(new OpportunityCode(code))
              .set(OpportunityField.STAGE, new StageCode(stages[r.nextInt(stages.length)]))
              .set(OpportunityField.STATUS, statuses[r.nextInt(statuses.length)])
              .set(OpportunityField.AMOUNT, Amount.ofCents(r.nextLong(100_000, 9_999_999_999L)))
              .set(OpportunityField.EXPECTED_CLOSE_DATE, LocalDate.of(2026 + r.nextInt(2), 1 + r.nextInt(12), 1 + r.nextInt(28)))
              .set(OpportunityField.DESCRIPTION, descriptions[r.nextInt(descriptions.length)])
              .build();
          Instant now = Instant.now();
          store.update(patch.code(), new ChangeOrigin("bench", UUID.randomUUID().toString(), ChangeSource.UPDATE), c -> c.apply(patch, now));
          done.incrementAndGet();
        }
      });
      th.start(); threads.add(th);
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Thread.sleep(8000); // warm up
    long writer = 0;
    for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) if (info != null && info.getThreadName().equals("opportunity-writer")) writer = info.getThreadId();
    for (int round = 0; round < 3; round++) {
      long c0 = mx.getThreadCpuTime(writer), n0 = done.get(), t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      long c1 = mx.getThreadCpuTime(writer), n1 = done.get(), t1 = System.nanoTime();
      System.out.printf("%s: writer %.1f us CPU/update, %.0f updates/s%n", a.length > 3 ? a[3] : "", (c1 - c0) / 1000.0 / (n1 - n0), (n1 - n0) * 1e9 / (t1 - t0));
    }
    stop.set(true);
    for (Thread th : threads) th.join();
    database.close();
  }
}

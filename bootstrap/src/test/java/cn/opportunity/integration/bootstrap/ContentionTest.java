package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figure 3 at overload: 512 concurrent writers (64 opportunities × 8 fields, one cell each) on the
 * real service over a real SQLite file. Every answer is 200 or the 503 busy envelope — never a 500,
 * never {@code SQLITE_BUSY} — and nothing acknowledged is lost: each cell holds its owner's last
 * acknowledged value, and each version grew by exactly the acknowledged updates. (64 writers × 50
 * updates, with no 5xx at all, is {@link LostUpdateTest}.) {@code -Dcontention.updates=N} for
 * longer.
 */
class ContentionTest {
  static final int WRITERS = 512;
  static final int UPDATES_PER_WRITER = Integer.getInteger("contention.updates", 10);

  @TempDir Path dir;

  @Test
  void answers512WritersWith200OrBusyAndLosesNothingAcknowledged() throws Exception {
    List<String> codes = LostUpdateHarness.codes(WRITERS / LostUpdateHarness.FIELDS.size());
    try (ServiceHarness service = new ServiceHarness(dir)) {
      service.importLines(
          codes.stream()
              .map(code -> "{\"opportunityCode\":\"" + code + "\",\"opportunityName\":\"争用商机\"}")
              .toArray(String[]::new));
      service.start();

      LostUpdateHarness.Report report =
          new LostUpdateHarness(service.uri("/"), ServiceHarness.SECRET, codes, UPDATES_PER_WRITER)
              .run();
      System.out.println("512 writers: " + report);

      assertEquals(
          report.serverErrors(), report.busy(), "every 5xx is the 503 busy envelope: " + report);
      assertEquals(0, report.otherFailures(), report.toString());
      assertEquals(List.of(), report.staleCells(), report.toString());
      assertEquals(List.of(), report.versionMismatches(), report.toString());
      assertEquals(
          (long) WRITERS * UPDATES_PER_WRITER,
          report.acknowledged() + report.busy(),
          report.toString());
    }
  }
}

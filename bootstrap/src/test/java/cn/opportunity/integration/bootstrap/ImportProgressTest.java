package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import cn.opportunity.integration.application.ImportRejectedException.LineError;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Both ways of showing an import's progress, on a clock the test moves: no waiting. */
class ImportProgressTest {
  final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  /** What was written since the last call. */
  String written() {
    String text = bytes.toString(StandardCharsets.UTF_8);
    bytes.reset();
    return text;
  }

  void at(double seconds) {
    nanos.set(1_000_000_000_000L + Math.round(seconds * 1e9));
  }

  ImportProgress progress(boolean terminal) {
    at(0);
    return new ImportProgress(err, terminal, 80, 1_000_000, nanos::get);
  }

  @Test
  void redrawsOneLiveLineInPlaceOnATerminal() {
    ImportProgress progress = progress(true);
    at(1);
    progress.lineRead(100_000, 1_000);
    progress.tick();
    String first = "importing 10%, 0:09 left, 1,000 lines, 1,000 lines/s, 0.1/1.0 MB";
    assertEquals("\r" + first, written());
    at(3);
    progress.lineRead(500_000, 5_000);
    progress.tick(); // the rate over the window since the tick before: 200 kB/s, 2,000 lines/s
    String second = "importing 50%, 0:03 left, 5,000 lines, 2,000 lines/s, 0.5/1.0 MB";
    assertEquals("\r" + second, written());
    progress.badLine(new LineError(4_321, "不是有效的 JSON 对象"));
    assertEquals("\r" + " ".repeat(second.length()) + "\rline 4321: 不是有效的 JSON 对象\n", written());
    at(4);
    progress.lineRead(800_000, 8_000);
    progress.tick();
    String shown = "checking 80% (1 bad), 0:01 left, 8,000 lines, 2,333 lines/s, 0.8/1.0 MB";
    assertEquals("\r" + shown, written());
    at(4.5);
    progress.lineRead(1_000_000, 10_000);
    progress.endOfFile();
    String last = "rolling back 10,000 lines (1 bad), 1.0 MB, 0:05 so far";
    assertEquals("\r" + last + " ".repeat(shown.length() - last.length()), written());
    progress.close(); // blanks what is left of the live line, and draws no more
    assertEquals("\r" + " ".repeat(last.length()) + "\r", written());
    progress.tick();
    progress.close();
    assertEquals("", written());
  }

  /**
   * Ticks every 0.25 s from {@code from} to {@code to}, the lines read growing evenly to {@code
   * lines}.
   */
  void ticks(ImportProgress progress, double from, double to, long linesAtFrom, long lines) {
    for (double t = from; t <= to + 1e-9; t += 0.25) {
      at(t);
      long read = linesAtFrom + Math.round((lines - linesAtFrom) * (t - from) / (to - from));
      progress.lineRead(read * 100, read);
      progress.tick();
    }
  }

  @Test
  void printsAPlainLineEveryFiveSecondsWhenNotATerminal() {
    ImportProgress progress = progress(false);
    ticks(progress, 0.25, 4.75, 0, 0); // the store opens: nothing read yet
    assertEquals("", written());
    ticks(progress, 5, 5, 2_000, 2_000);
    assertEquals(
        "import: importing 20%, 0:19 left, 2,000 lines, 421 lines/s, 0.2/1.0 MB\n", written());
    ticks(progress, 5.25, 9.75, 2_200, 5_800);
    assertEquals("", written());
    ticks(progress, 10, 10, 6_000, 6_000); // the rate of the last 5 s, not since the start
    assertEquals(
        "import: importing 60%, 0:05 left, 6,000 lines, 800 lines/s, 0.6/1.0 MB\n", written());
    progress.badLine(new LineError(9, "坏行"));
    assertEquals("line 9: 坏行\n", written());
    at(11);
    progress.lineRead(1_000_000, 10_000);
    progress.endOfFile();
    assertEquals("import: rolling back 10,000 lines (1 bad), 1.0 MB, 0:11 so far\n", written());
    progress.close();
    assertEquals("", written());
  }

  @Test
  void cutsTheLiveLineToTheTerminalsWidthSoThatItNeverWraps() {
    at(0);
    ImportProgress progress = new ImportProgress(err, true, 40, 1_000_000, nanos::get);
    at(1);
    progress.lineRead(100_000, 1_000);
    progress.tick();
    assertEquals(
        "\r" + "importing 10%, 0:09 left, 1,000 lines, 1,000 lines/s, 0.1/1.0 MB".substring(0, 39),
        written());
  }

  @Test
  void printsNothingForAnImportShorterThanFiveSecondsWhenNotATerminal() {
    ImportProgress progress = progress(false);
    at(4);
    progress.lineRead(1_000_000, 10_000);
    progress.tick();
    progress.endOfFile();
    progress.close();
    String output = written();
    assertEquals("", output);
    assertFalse(output.contains("\r"));
  }
}

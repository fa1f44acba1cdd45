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
    return new ImportProgress(err, terminal, 1_000_000, nanos::get);
  }

  @Test
  void redrawsOneLiveLineInPlaceOnATerminal() {
    ImportProgress progress = progress(true);
    at(1);
    progress.lineRead(100_000, 1_000);
    progress.tick();
    String first = "importing 10%, 0.1 of 1.0 MB, 1,000 lines, 1,000 lines/s, 0:09 left";
    assertEquals("\r" + first, written());
    at(3);
    progress.lineRead(500_000, 5_000);
    progress.tick();   // the rate over the window since the tick before: 200 kB/s, 2,000 lines/s
    String second = "importing 50%, 0.5 of 1.0 MB, 5,000 lines, 2,000 lines/s, 0:03 left";
    assertEquals("\r" + second, written());
    progress.badLine(new LineError(4_321, "不是有效的 JSON 对象"));
    assertEquals("\r" + " ".repeat(second.length()) + "\rline 4321: 不是有效的 JSON 对象\n", written());
    at(4);
    progress.lineRead(800_000, 8_000);
    progress.tick();
    String shown = "checking 80%, 0.8 of 1.0 MB, 8,000 lines, 2,333 lines/s, 0:01 left, 1 bad line";
    assertEquals("\r" + shown, written());
    at(4.5);
    progress.lineRead(1_000_000, 10_000);
    progress.endOfFile();
    String last = "rolling back 10,000 lines (1.0 MB), 0:05 so far, 1 bad line";
    assertEquals("\r" + last + " ".repeat(shown.length() - last.length()), written());
    progress.close();   // blanks what is left of the live line, and draws no more
    assertEquals("\r" + " ".repeat(last.length()) + "\r", written());
    progress.tick();
    progress.close();
    assertEquals("", written());
  }

  @Test
  void printsAPlainLineEveryFiveSecondsWhenNotATerminal() {
    ImportProgress progress = progress(false);
    for (int tick = 1; tick < 20; tick++) {
      at(tick * 0.25);
      progress.lineRead(tick * 10_000L, tick * 100L);
      progress.tick();
    }
    assertEquals("", written());
    at(5);
    progress.lineRead(200_000, 2_000);
    progress.tick();
    assertEquals("import: importing 20%, 0.2 of 1.0 MB, 2,000 lines, 400 lines/s, 0:20 left\n", written());
    at(9.75);
    progress.tick();
    assertEquals("", written());
    at(10);
    progress.lineRead(600_000, 6_000);
    progress.tick();
    assertEquals("import: importing 60%, 0.6 of 1.0 MB, 6,000 lines, 800 lines/s, 0:05 left\n", written());
    progress.badLine(new LineError(9, "坏行"));
    assertEquals("line 9: 坏行\n", written());
    at(11);
    progress.lineRead(1_000_000, 10_000);
    progress.endOfFile();
    assertEquals("import: rolling back 10,000 lines (1.0 MB), 0:11 so far, 1 bad line\n", written());
    progress.close();
    assertEquals("", written());
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

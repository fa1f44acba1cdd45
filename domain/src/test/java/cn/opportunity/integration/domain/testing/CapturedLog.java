package cn.opportunity.integration.domain.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What slf4j-simple writes while open (it writes to whatever {@code System.err} is at the time),
 * still passed on to the real stream, so that the build's capture of the test output (and the
 * secret check over it) sees it too.
 */
public final class CapturedLog implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  private CapturedLog() {}

  public static CapturedLog start() {
    CapturedLog log = new CapturedLog();
    System.setErr(
        new PrintStream(
            new OutputStream() {
              @Override
              public void write(int b) {
                synchronized (log.captured) {
                  log.captured.write(b);
                }
                log.original.write(b);
              }

              @Override
              public void write(byte[] b, int off, int len) {
                synchronized (log.captured) {
                  log.captured.write(b, off, len);
                }
                log.original.write(b, off, len);
              }
            },
            true,
            StandardCharsets.UTF_8));
    return log;
  }

  public String text() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  /**
   * The stack traces written so far: each line followed by {@code \tat …} that is not itself one
   * (nor a {@code Caused by:}, whose trace is part of the one above it).
   */
  public long stackTraces() {
    List<String> lines = text().lines().toList();
    return IntStream.range(1, lines.size())
        .filter(
            i ->
                lines.get(i).startsWith("\tat ")
                    && !lines.get(i - 1).startsWith("\tat ")
                    && !lines.get(i - 1).startsWith("Caused by: "))
        .count();
  }

  /**
   * A line may be written just after the event a test waits for (an access line after the answer).
   */
  public void awaitLineContaining(String part) throws InterruptedException {
    for (int i = 0; i < 200 && !text().contains(part); i++) Thread.sleep(10);
    assertTrue(text().contains(part), "no log line with " + part + " in:\n" + text());
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}

package cn.opportunity.integration.bootstrap;

import cn.opportunity.integration.application.ImportRejectedException.LineError;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What the {@code import} command shows on standard error while it runs, so that standard output
 * keeps only the summary: on a terminal one live line, redrawn in place every {@link #REDRAW}; to a
 * file or a pipe one plain line every {@link #PLAIN_EVERY} (none for an import shorter than that).
 * Each says the phase, how far through the file (bytes, lines), the rate and the time left. Bad
 * lines are printed as they are told, above the live line.
 *
 * <p>The reading thread only notes its position ({@link #lineRead}, two volatile writes); a daemon
 * thread draws ({@link #tick}), so the line moves on while the store commits, and the import does
 * not wait for the terminal. Tests call {@link #tick} themselves, with their own clock.
 */
final class ImportProgress implements JsonLines.Progress, AutoCloseable {
  static final Duration REDRAW = Duration.ofMillis(250);
  static final Duration PLAIN_EVERY = Duration.ofSeconds(5);

  /** The rate and the time left are measured over about this much of the recent past. */
  static final Duration RATE_WINDOW = Duration.ofSeconds(5);

  private final PrintStream err;
  private final boolean terminal;

  /**
   * The terminal's columns: the live line is cut to one less, so that it never wraps (and {@code
   * \r} redraws all of it).
   */
  private final int width;

  private final long fileBytes;
  private final LongSupplier nanoTime;
  private final long started;
  private volatile long bytesRead;
  private volatile long linesRead;
  private volatile boolean ended;
  private int badLines;

  /** When the last plain line was printed; {@code started} while none was. */
  private long lastPlain;

  private boolean anyPlain;

  /** The width of the live line on screen, to blank it out; 0 when none is shown. */
  private int shownWidth;

  private boolean closed;
  private ScheduledExecutorService ticker;

  /**
   * Positions noted at each tick ({nanos, bytes, lines}): the oldest is the start of the rate's
   * window.
   */
  private final ArrayDeque<long[]> samples = new ArrayDeque<>();

  /**
   * @param terminal whether {@code err} is a terminal: a live line, else plain lines
   * @param width the terminal's columns
   * @param fileBytes the size of the file, for the share done and the time left
   * @param nanoTime the clock, as {@link System#nanoTime}
   */
  ImportProgress(
      PrintStream err, boolean terminal, int width, long fileBytes, LongSupplier nanoTime) {
    this.err = err;
    this.terminal = terminal;
    this.width = width;
    this.fileBytes = fileBytes;
    this.nanoTime = nanoTime;
    this.started = nanoTime.getAsLong();
    this.lastPlain = started;
  }

  /**
   * A progress on {@code err} that draws itself from a daemon thread until {@link #close}; the
   * terminal's width from {@code COLUMNS} when the shell exports it, else 80.
   */
  // The ticker's future would only ever say "cancelled": close() ends it by shutting it down.
  @SuppressWarnings("FutureReturnValueIgnored")
  static ImportProgress start(PrintStream err, boolean terminal, long fileBytes) {
    int width = 80;
    try {
      width = Math.max(20, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80").trim()));
    } catch (NumberFormatException e) {
      // keep 80
    }
    ImportProgress progress = new ImportProgress(err, terminal, width, fileBytes, System::nanoTime);
    progress.ticker =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "import-progress");
              thread.setDaemon(true);
              return thread;
            });
    progress.ticker.scheduleWithFixedDelay(
        progress::tick, REDRAW.toMillis(), REDRAW.toMillis(), TimeUnit.MILLISECONDS);
    return progress;
  }

  /**
   * Whether standard error is a terminal. On Linux, what {@code /proc/self/fd/2} points to (a
   * terminal device, {@code /dev/pts/N} or {@code /dev/ttyN}); elsewhere, whether the JVM has a
   * console (standard input and output are terminals). {@code TERM=dumb} says no.
   */
  // Off Linux only. From JDK 22, System.console() is never null, so a pipe would count as a
  // terminal there; Console.isTerminal(), which tells, needs a newer release than 17.
  @SuppressWarnings("SystemConsoleNull")
  static boolean standardErrorIsATerminal() {
    if ("dumb".equals(System.getenv("TERM"))) return false;
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  @Override
  public void lineRead(long bytes, long lines) {
    bytesRead = bytes;
    linesRead = lines;
  }

  /** The lines are all read: what remains is the commit, or the rollback after bad lines. */
  @Override
  public synchronized void endOfFile() {
    ended = true;
    if (terminal) drawLive();
    else if (anyPlain) printPlain();
  }

  /** Prints a bad line, above the live line. */
  synchronized void badLine(LineError error) {
    badLines++;
    eraseLive();
    err.println("line " + error.line() + ": " + error.reason());
    err.flush();
  }

  /**
   * Notes the position for the rate, then draws the live line, or prints a plain line when one is
   * due.
   */
  synchronized void tick() {
    if (closed) return;
    long now = nanoTime.getAsLong();
    samples.addLast(new long[] {now, bytesRead, linesRead});
    while (samples.size() > 1 && now - second(samples)[0] >= RATE_WINDOW.toNanos())
      samples.removeFirst();
    if (terminal) drawLive();
    else if (nanoTime.getAsLong() - lastPlain >= PLAIN_EVERY.toNanos()) printPlain();
  }

  /** Stops drawing and takes the live line away, so that what follows starts on a clean line. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    if (ticker != null) ticker.shutdownNow();
    eraseLive();
  }

  private static long[] second(ArrayDeque<long[]> samples) {
    var iterator = samples.iterator();
    iterator.next();
    return iterator.next();
  }

  private void drawLive() {
    String text = status();
    if (text.length() >= width) text = text.substring(0, width - 1);
    StringBuilder line = new StringBuilder("\r").append(text);
    for (int i = text.length(); i < shownWidth; i++)
      line.append(' '); // blank what a longer line left
    err.print(line);
    err.flush();
    shownWidth = text.length();
  }

  private void eraseLive() {
    if (shownWidth == 0) return;
    err.print("\r" + " ".repeat(shownWidth) + "\r");
    err.flush();
    shownWidth = 0;
  }

  private void printPlain() {
    err.println("import: " + status());
    err.flush();
    lastPlain = nanoTime.getAsLong();
    anyPlain = true;
  }

  /**
   * E.g. {@code importing 37%, 0:17 left, 412,000 lines, 41,200 lines/s, 104.2/285.1 MB}, {@code
   * checking 37% (3 bad), …} once a line was bad, then {@code committing 1,000,000 lines, 285.1 MB,
   * 0:38 so far} or {@code rolling back 1,000,000 lines (3 bad), …}: what matters most comes first.
   */
  String status() {
    long now = nanoTime.getAsLong();
    long bytes = bytesRead;
    long lines = linesRead;
    String bad = badLines == 0 ? "" : String.format(Locale.ROOT, " (%,d bad)", badLines);
    if (ended) {
      return String.format(
          Locale.ROOT,
          "%s %,d lines%s, %s MB, %s so far",
          badLines == 0 ? "committing" : "rolling back",
          lines,
          bad,
          megabytes(bytes),
          clock((now - started) / 1e9));
    }
    long[] from =
        samples.isEmpty() || samples.peekFirst()[0] == now
            ? new long[] {started, 0, 0}
            : samples.peekFirst();
    double seconds = Math.max(1e-9, (now - from[0]) / 1e9);
    double bytesPerSecond = (bytes - from[1]) / seconds;
    long percent = fileBytes <= 0 ? 100 : Math.min(100, bytes * 100 / fileBytes);
    String left =
        bytesPerSecond <= 0
            ? ""
            : ", " + clock(Math.max(0, fileBytes - bytes) / bytesPerSecond) + " left";
    return String.format(
        Locale.ROOT,
        "%s %d%%%s%s, %,d lines, %,d lines/s, %s/%s MB",
        badLines == 0 ? "importing" : "checking",
        percent,
        bad,
        left,
        lines,
        Math.round((lines - from[2]) / seconds),
        megabytes(bytes),
        megabytes(fileBytes));
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
  }

  private static String clock(double seconds) {
    long whole = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d", whole / 60, whole % 60);
  }
}

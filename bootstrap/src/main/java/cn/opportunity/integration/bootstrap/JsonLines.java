package cn.opportunity.integration.bootstrap;

import cn.opportunity.integration.adapter.http.MalformedBodyException;
import cn.opportunity.integration.adapter.http.StrictJsonReader;
import cn.opportunity.integration.application.ImportLine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads a JSON Lines import file: one JSON object a line, UTF-8, read by the same strict reader as
 * request bodies. Blank lines are skipped; line numbers count every line from 1.
 */
final class JsonLines {
  static final String UNREADABLE = "不是有效的 JSON 对象";

  private JsonLines() {}

  /** Told where the reading is, from the reading thread: keep it cheap. */
  interface Progress {
    Progress NONE =
        new Progress() {
          @Override
          public void lineRead(long bytes, long lines) {}

          @Override
          public void endOfFile() {}
        };

    /** After each line: the bytes read up to its end, and its number. */
    void lineRead(long bytes, long lines);

    /** After the last line. */
    void endOfFile();
  }

  /**
   * The lines of {@code file}, read afresh on every iteration and never held all at once; an
   * iteration that reaches the end closes the file. Read errors surface as {@link
   * UncheckedIOException}.
   *
   * @throws IOException when the file cannot be opened now
   */
  static Iterable<ImportLine> of(Path file, Progress progress) throws IOException {
    Files.newInputStream(file).close(); // a missing or unreadable file fails here, before any work
    return () -> {
      try {
        return new LineIterator(Files.newInputStream(file), progress);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  /** Every line of {@code input}, read to its end. */
  static List<ImportLine> read(InputStream input) throws IOException {
    List<ImportLine> lines = new ArrayList<>();
    try {
      new LineIterator(input, Progress.NONE).forEachRemaining(lines::add);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return lines;
  }

  /** Splits bytes at {@code \n}, one line ahead; closes the input at its end. */
  private static final class LineIterator implements Iterator<ImportLine> {
    private final StrictJsonReader reader = new StrictJsonReader();
    private final InputStream in;
    private final Progress progress;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;

    /** Bytes up to the end of the line last read. */
    private long bytes;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    private int number;
    private ImportLine next;
    private boolean ended;

    LineIterator(InputStream input, Progress progress) {
      this.in = input;
      this.progress = progress;
    }

    @Override
    public boolean hasNext() {
      if (next == null && !ended) next = readNext();
      return next != null;
    }

    @Override
    public ImportLine next() {
      if (!hasNext()) throw new NoSuchElementException();
      ImportLine line = next;
      next = null;
      return line;
    }

    /** The next non-blank line, or null at the end (and the input closed). */
    private ImportLine readNext() {
      try {
        while (true) {
          boolean complete = readLine();
          if (!complete && line.size() == 0) {
            ended = true;
            in.close();
            progress.endOfFile();
            return null;
          }
          number++;
          progress.lineRead(bytes, number);
          byte[] content = withoutCarriageReturn(line.toByteArray());
          line.reset();
          if (isBlank(content)) continue;
          try {
            return new ImportLine.Parsed(number, reader.read(content));
          } catch (MalformedBodyException e) {
            return new ImportLine.Unreadable(number, UNREADABLE);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * Reads up to the next {@code \n} (dropped) into {@link #line}; false when the input ended
     * first.
     */
    private boolean readLine() throws IOException {
      while (true) {
        if (position == limit) {
          int read = in.read(buffer);
          if (read < 0) return false;
          position = 0;
          limit = read;
        }
        int start = position;
        while (position < limit && buffer[position] != '\n') position++;
        line.write(buffer, start, position - start);
        bytes += position - start;
        if (position < limit) {
          position++;
          bytes++;
          return true;
        }
      }
    }
  }

  private static byte[] withoutCarriageReturn(byte[] bytes) {
    if (bytes.length > 0 && bytes[bytes.length - 1] == '\r')
      return Arrays.copyOf(bytes, bytes.length - 1);
    return bytes;
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t') return false;
    }
    return true;
  }
}

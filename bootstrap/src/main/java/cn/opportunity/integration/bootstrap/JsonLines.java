package cn.opportunity.integration.bootstrap;

import cn.opportunity.integration.adapter.http.MalformedBodyException;
import cn.opportunity.integration.adapter.http.StrictJsonReader;
import cn.opportunity.integration.application.ImportLine;
import java.io.BufferedInputStream;
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

  /**
   * The lines of {@code file}, read afresh on every iteration and never held all at once; an
   * iteration that reaches the end closes the file. Read errors surface as {@link UncheckedIOException}.
   *
   * @throws IOException when the file cannot be opened now
   */
  static Iterable<ImportLine> of(Path file) throws IOException {
    Files.newInputStream(file).close();   // a missing or unreadable file fails here, before any work
    return () -> {
      try {
        return new LineIterator(Files.newInputStream(file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  /** Every line of {@code input}, read to its end. */
  static List<ImportLine> read(InputStream input) throws IOException {
    List<ImportLine> lines = new ArrayList<>();
    try {
      new LineIterator(input).forEachRemaining(lines::add);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return lines;
  }

  /** Splits bytes at {@code \n}, one line ahead; closes the input at its end. */
  private static final class LineIterator implements Iterator<ImportLine> {
    private final StrictJsonReader reader = new StrictJsonReader();
    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    private int number;
    private ImportLine next;
    private boolean ended;

    LineIterator(InputStream input) {
      this.in = new BufferedInputStream(input, 1 << 16);
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
          int b = in.read();
          if (b != '\n' && b != -1) {
            line.write(b);
            continue;
          }
          if (b == -1 && line.size() == 0) {
            ended = true;
            in.close();
            return null;
          }
          number++;
          byte[] bytes = withoutCarriageReturn(line.toByteArray());
          line.reset();
          if (isBlank(bytes)) continue;
          try {
            return new ImportLine.Parsed(number, reader.read(bytes));
          } catch (MalformedBodyException e) {
            return new ImportLine.Unreadable(number, UNREADABLE);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static byte[] withoutCarriageReturn(byte[] bytes) {
    if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') return Arrays.copyOf(bytes, bytes.length - 1);
    return bytes;
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t') return false;
    }
    return true;
  }
}

package cn.opportunity.integration.bootstrap;

import cn.opportunity.integration.adapter.http.MalformedBodyException;
import cn.opportunity.integration.adapter.http.StrictJsonReader;
import cn.opportunity.integration.application.ImportLine;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a JSON Lines import file: one JSON object a line, UTF-8, read by the same strict reader as
 * request bodies. Blank lines are skipped; line numbers count every line from 1.
 */
final class JsonLines {
  static final String UNREADABLE = "不是有效的 JSON 对象";

  private JsonLines() {}

  static List<ImportLine> read(InputStream input) throws IOException {
    StrictJsonReader reader = new StrictJsonReader();
    List<ImportLine> lines = new ArrayList<>();
    InputStream in = new BufferedInputStream(input, 1 << 16);
    ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    int number = 0;
    int b;
    do {
      b = in.read();
      if (b != '\n' && b != -1) {
        line.write(b);
        continue;
      }
      if (b == -1 && line.size() == 0) break;
      number++;
      byte[] bytes = withoutCarriageReturn(line.toByteArray());
      line.reset();
      if (isBlank(bytes)) continue;
      try {
        lines.add(new ImportLine.Parsed(number, reader.read(bytes)));
      } catch (MalformedBodyException e) {
        lines.add(new ImportLine.Unreadable(number, UNREADABLE));
      }
    } while (b != -1);
    return lines;
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

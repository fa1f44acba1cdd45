package cn.opportunity.integration.bootstrap;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The {@code export} command's file: JSON Lines (UTF-8), written to a temporary file beside the
 * target and moved into place by {@link #commit()}, so that the target appears complete or not at
 * all. An existing target is never overwritten. Closing without a commit deletes the temporary
 * file.
 */
final class ExportFile implements AutoCloseable {
  /** Amounts as plain decimals ({@code 0.01}, never {@code 1E-2}); non-ASCII text as UTF-8. */
  private static final ObjectWriter JSON =
      new ObjectMapper().writer().with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  private final Path target;
  private final Path temporary;
  private final FileChannel channel;
  private final OutputStream out;
  private boolean committed;

  private ExportFile(Path target, Path temporary, FileChannel channel) {
    this.target = target;
    this.temporary = temporary;
    this.channel = channel;
    this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
  }

  /**
   * Creates the temporary file beside {@code target} (readable and writable by its owner only, as
   * the target will be), so that a path that cannot be written fails before any other work.
   *
   * @throws FileAlreadyExistsException when {@code target} exists (a dangling link included)
   * @throws IOException when its directory is missing or cannot be written
   */
  static ExportFile create(Path target) throws IOException {
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS))
      throw new FileAlreadyExistsException(target.toString());
    Path directory = target.toAbsolutePath().getParent();
    Path temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".partial");
    try {
      return new ExportFile(
          target, temporary, FileChannel.open(temporary, StandardOpenOption.WRITE));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
  }

  /**
   * Writes {@code line} as one line of JSON.
   *
   * @throws UncheckedIOException when it cannot be written
   */
  void write(Map<String, Object> line) {
    try {
      out.write(JSON.writeValueAsBytes(line));
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Flushes and syncs what was written and moves it to the target, which then exists complete.
   *
   * @throws FileAlreadyExistsException when the target was created meanwhile: it is left alone
   */
  void commit() throws IOException {
    out.flush();
    channel.force(true);
    out.close();
    Files.move(temporary, target); // a rename within the directory; refuses an existing target
    committed = true;
  }

  /** Deletes the temporary file unless committed. */
  @Override
  public void close() throws IOException {
    if (committed) return;
    try {
      out.close();
    } catch (IOException e) {
      // the file is deleted anyway
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Why {@code e} could not write, in a few words (Java's messages name only the path). */
  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) return "no such directory";
    if (e instanceof AccessDeniedException) return "permission denied";
    if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
    return String.valueOf(e.getMessage());
  }
}

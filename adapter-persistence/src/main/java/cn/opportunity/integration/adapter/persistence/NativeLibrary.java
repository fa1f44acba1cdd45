package cn.opportunity.integration.adapter.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * SQLite's native library, extracted once. sqlite-jdbc copies it out of its jar into the temporary
 * directory at every start, under a new name each time, and a process that is killed leaves the
 * copy behind (about 1 MB a crash). Here it is copied once per sqlite-jdbc version into a directory
 * only this user can write, checked against the jar's copy at every start, and sqlite-jdbc is
 * pointed at it ({@code org.sqlite.lib.path} / {@code org.sqlite.lib.name}): about 0.1 s less per
 * start (docs/performance.md) and nothing left behind. When anything is off — the properties set
 * already, no POSIX permissions, a directory someone else could write — sqlite-jdbc does as it
 * always does.
 */
final class NativeLibrary {
  private static final Logger log = LoggerFactory.getLogger(NativeLibrary.class);
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");
  private static boolean prepared;

  private NativeLibrary() {}

  /**
   * Points sqlite-jdbc at the extracted library, once per process, before SQLite is first loaded.
   */
  static synchronized void prepare() {
    if (prepared) return;
    prepared = true;
    if (System.getProperty("org.sqlite.lib.path") != null
        || System.getProperty("org.sqlite.lib.name") != null) return;
    Path base =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "opportunity-integration-" + System.getProperty("user.name"));
    extractTo(base)
        .ifPresent(
            library -> {
              System.setProperty("org.sqlite.lib.path", library.getParent().toString());
              System.setProperty("org.sqlite.lib.name", library.getFileName().toString());
            });
  }

  /** The library under {@code base}, written or checked; empty when it cannot be trusted there. */
  static Optional<Path> extractTo(Path base) {
    String resource =
        LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
    try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
      if (in == null) return Optional.empty(); // no library for this platform in the jar
      byte[] expected = in.readAllBytes();
      ownerOnlyDirectory(base);
      Path directory =
          ownerOnlyDirectory(
              base.resolve(
                  "sqlite-"
                      + SQLiteJDBCLoader.getVersion()
                      + "-"
                      + resource.replaceAll("[^A-Za-z0-9._]+", "-")));
      Path library = directory.resolve(LibraryLoaderUtil.getNativeLibName());
      if (!Files.isRegularFile(library) || !Arrays.equals(Files.readAllBytes(library), expected)) {
        Path written = Files.createTempFile(directory, "writing-", ".tmp");
        Files.write(written, expected);
        Files.move(
            written, library, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return Optional.of(library);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      log.debug(
          "SQLite's native library stays with sqlite-jdbc's own extraction: {}", e.toString());
      return Optional.empty();
    }
  }

  /** {@code directory}, created or found owned by this user and writable by no one else. */
  private static Path ownerOnlyDirectory(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      try {
        Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } catch (FileAlreadyExistsException raced) {
        // another process made it meanwhile: checked below like any other
      }
    }
    if (Files.isSymbolicLink(directory)
        || !Files.isDirectory(directory)
        || !Files.getOwner(directory).getName().equals(System.getProperty("user.name"))
        || !Files.getPosixFilePermissions(directory).equals(OWNER_ONLY))
      throw new AccessDeniedException(
          directory.toString(), null, "not a directory of this user's alone");
    return directory;
  }
}

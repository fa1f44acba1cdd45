package cn.opportunity.integration.adapter.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

class NativeLibraryTest {
  @TempDir Path dir;

  private static byte[] theJarsCopy() throws Exception {
    String resource =
        LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
    try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }

  @Test
  void extractsOnceIntoDirectoriesOfThisUserAlone() throws Exception {
    Path base = dir.resolve("base");
    Path library = NativeLibrary.extractTo(base).orElseThrow();
    assertArrayEquals(theJarsCopy(), Files.readAllBytes(library));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(base)));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(library.getParent())));

    FileTime longAgo = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(library, longAgo);
    assertEquals(Optional.of(library), NativeLibrary.extractTo(base));
    assertEquals(
        longAgo, Files.getLastModifiedTime(library), "an intact copy is not written again");
  }

  @Test
  void replacesACopyThatDiffersFromTheJars() throws Exception {
    Path library = NativeLibrary.extractTo(dir.resolve("base")).orElseThrow();
    Files.write(library, new byte[] {1, 2, 3});
    assertEquals(Optional.of(library), NativeLibrary.extractTo(dir.resolve("base")));
    assertArrayEquals(theJarsCopy(), Files.readAllBytes(library));
  }

  @Test
  void leavesTheLibraryToSqliteJdbcWhereOthersCouldWrite() throws Exception {
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertEquals(Optional.empty(), NativeLibrary.extractTo(shared));
    assertTrue(Files.list(shared).findAny().isEmpty(), "nothing written there");
  }
}

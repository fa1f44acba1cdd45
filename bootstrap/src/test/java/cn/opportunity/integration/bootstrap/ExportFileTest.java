package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportFileTest {
  @TempDir Path dir;

  private List<String> files() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void showsNothingUnderTheTargetNameUntilCommitted() throws Exception {
    Path target = dir.resolve("out.jsonl");
    try (ExportFile file = ExportFile.create(target)) {
      file.write(Map.of("opportunityCode", "A"));
      assertEquals(1, files().size());
      assertEquals(false, Files.exists(target));
      file.commit();
    }
    assertEquals(List.of("out.jsonl"), files());
    assertEquals("{\"opportunityCode\":\"A\"}\n", Files.readString(target));
  }

  @Test
  void deletesTheTemporaryFileWhenClosedWithoutACommit() throws Exception {
    try (ExportFile file = ExportFile.create(dir.resolve("out.jsonl"))) {
      file.write(Map.of("opportunityCode", "A"));
    }
    assertEquals(List.of(), files());
  }

  @Test
  void leavesATargetCreatedMeanwhileAlone() throws Exception {
    Path target = dir.resolve("out.jsonl");
    try (ExportFile file = ExportFile.create(target)) {
      Files.writeString(target, "someone else's");
      assertThrows(FileAlreadyExistsException.class, file::commit);
    }
    assertEquals("someone else's", Files.readString(target));
    assertEquals(List.of("out.jsonl"), files());
  }

  @Test
  void writesAmountsAsPlainDecimals() throws Exception {
    Path target = dir.resolve("out.jsonl");
    try (ExportFile file = ExportFile.create(target)) {
      file.write(Map.of("amount", new java.math.BigDecimal("1E-2")));
      file.commit();
    }
    assertEquals("{\"amount\":0.01}\n", Files.readString(target));
  }

  @Test
  void namesWhyAPathCannotBeWritten() {
    assertEquals("no such directory", ExportFile.reason(new NoSuchFileException("/x/y")));
    assertEquals("permission denied", ExportFile.reason(new AccessDeniedException("/x")));
    assertEquals(
        "Not a directory",
        ExportFile.reason(new FileSystemException("/x", null, "Not a directory")));
    assertEquals("/x", ExportFile.reason(new FileSystemException("/x")));
    assertEquals(
        "No space left on device", ExportFile.reason(new IOException("No space left on device")));
  }
}

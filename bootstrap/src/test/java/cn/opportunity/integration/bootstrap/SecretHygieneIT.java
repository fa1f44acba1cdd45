package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.TestSecrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * I6: no secret the suite uses ({@link TestSecrets}) appears in anything the suite printed — the
 * output of every test class of every module (surefire and failsafe put it in {@code
 * <reports>/<class>-output.txt}, the log included) and the output of the real jar started by the
 * other {@code *IT}s ({@code bootstrap/target/jar-output}) — the files this build wrote, since a
 * class that prints nothing leaves an older run's file in place. Failsafe runs this class in an
 * execution of its own, after every other test of the reactor but {@code examples}, which logs
 * nothing.
 */
class SecretHygieneIT {
  private static final PathMatcher CAPTURED =
      FileSystems.getDefault()
          .getPathMatcher("glob:**/target/{surefire-reports,failsafe-reports}/*-output.txt");
  private static final PathMatcher JAR_OUTPUT =
      FileSystems.getDefault().getPathMatcher("glob:**/target/jar-output/*.log");

  @Test
  void findsNoSecretInAnythingTheSuitePrinted() {
    Path root =
        Path.of(System.getProperty("opportunity.reactorRoot", "..")).toAbsolutePath().normalize();
    Instant buildStarted = Instant.parse(System.getProperty("opportunity.buildStarted"));
    Scan scan = scan(root, buildStarted, TestSecrets.ALL);
    System.out.println(
        "checked "
            + scan.files()
            + " files, "
            + scan.lines()
            + " lines under "
            + root
            + " written since "
            + buildStarted);
    scan.assertClean();
  }

  // --- the check itself can fail ---------------------------------------------------------------

  @Test
  void failsWhenThereIsNothingToRead(@TempDir Path empty) {
    AssertionError e =
        assertThrows(
            AssertionError.class, () -> scan(empty, Instant.EPOCH, TestSecrets.ALL).assertClean());
    assertTrue(e.getMessage().startsWith("no captured test output under"), e.getMessage());
  }

  @Test
  void readsOnlyWhatThisBuildWrote(@TempDir Path root) throws IOException {
    Path reports = Files.createDirectories(root.resolve("adapter-x/target/surefire-reports"));
    Path stale =
        Files.writeString(
            reports.resolve("cn.x.OldTest-output.txt"), "secret=" + TestSecrets.INTERNAL + "\n");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    Files.writeString(reports.resolve("cn.x.NewTest-output.txt"), "a clean line\n");

    Scan scan = scan(root, Instant.parse("2026-01-01T00:00:01Z"), TestSecrets.ALL);

    assertEquals(1, scan.files());
    assertEquals(List.of(), scan.hits());
  }

  @Test
  void namesFileAndLineOfAFoundSecretWithoutShowingIt(@TempDir Path root) throws IOException {
    Path reports = Files.createDirectories(root.resolve("adapter-x/target/surefire-reports"));
    Files.writeString(
        reports.resolve("cn.x.SomeTest-output.txt"),
        "a clean line\n[main] INFO x - token " + TestSecrets.ACCESS_TOKEN_STEM + "7 issued\n",
        StandardCharsets.UTF_8);
    Path jarOutput = Files.createDirectories(root.resolve("bootstrap/target/jar-output"));
    Files.writeString(
        jarOutput.resolve("jar-1.log"),
        "secret=" + TestSecrets.INTERNAL + "\n",
        StandardCharsets.UTF_8);

    Scan scan = scan(root, Instant.EPOCH, TestSecrets.ALL);
    AssertionError e = assertThrows(AssertionError.class, scan::assertClean);

    assertEquals(2, scan.files());
    assertEquals(
        List.of(
            "adapter-x/target/surefire-reports/cn.x.SomeTest-output.txt:2: [main] INFO x - token <ACCESS_TOKEN_STEM>7 issued",
            "bootstrap/target/jar-output/jar-1.log:1: secret=<INTERNAL>"),
        scan.hits());
    for (String secret : TestSecrets.ALL.values())
      assertFalse(e.getMessage().contains(secret), "the report shows a secret");
  }

  // --- the scan ---------------------------------------------------------------------------------

  /**
   * What a scan read and found: each hit as {@code file:line: the line with each secret masked}.
   */
  record Scan(Path root, int files, long lines, List<String> hits) {
    void assertClean() {
      if (files == 0)
        throw new AssertionError(
            "no captured test output under " + root + " from this build: nothing was checked");
      if (!hits.isEmpty())
        throw new AssertionError(
            hits.size()
                + " printed line(s) show a secret of TestSecrets:\n"
                + String.join("\n", hits.subList(0, Math.min(50, hits.size())))
                + (hits.size() > 50 ? "\n…" : ""));
    }
  }

  /**
   * Reads the captured output under {@code root} written since {@code since}, looking for {@code
   * secrets}.
   */
  static Scan scan(Path root, Instant since, Map<String, String> secrets) {
    List<Path> files;
    try (Stream<Path> paths = Files.walk(root, 6)) {
      files =
          paths
              .filter(p -> CAPTURED.matches(p) || JAR_OUTPUT.matches(p))
              .filter(Files::isRegularFile)
              .filter(p -> !modified(p).isBefore(since))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> hits = new ArrayList<>();
    long lines = 0;
    for (Path file : files) {
      List<String> text = read(file).lines().toList();
      lines += text.size();
      for (int i = 0; i < text.size(); i++) {
        String masked = text.get(i);
        for (Map.Entry<String, String> secret : secrets.entrySet())
          masked = masked.replace(secret.getValue(), "<" + secret.getKey() + ">");
        if (masked.equals(text.get(i))) continue;
        int first = masked.length();
        for (String name : secrets.keySet()) {
          int at = masked.indexOf("<" + name + ">");
          if (at >= 0) first = Math.min(first, at);
        }
        hits.add(root.relativize(file) + ":" + (i + 1) + ": " + around(masked, first));
      }
    }
    return new Scan(root, files.size(), lines, hits);
  }

  /** At most 300 characters of a (long) line, from a little before the first secret. */
  private static String around(String line, int at) {
    int from = Math.max(0, Math.min(at - 100, line.length() - 300));
    int to = Math.min(line.length(), from + 300);
    return (from > 0 ? "…" : "") + line.substring(from, to) + (to < line.length() ? "…" : "");
  }

  private static Instant modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toInstant();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Leniently: a test may have printed bytes that are not UTF-8. */
  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

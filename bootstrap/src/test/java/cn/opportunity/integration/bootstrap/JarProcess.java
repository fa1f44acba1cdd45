package cn.opportunity.integration.bootstrap;

import cn.opportunity.integration.domain.testing.TestSecrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged jar as a child process, with its output collected. For the {@code *IT} tests. */
final class JarProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

  private final Process process;
  private final Path log;

  private JarProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static Path jar() {
    String path = System.getProperty("opportunity.jar");
    if (path == null)
      throw new IllegalStateException("run by failsafe: -Dopportunity.jar is not set");
    Path jar = Path.of(path);
    if (!Files.isRegularFile(jar))
      throw new IllegalStateException("no jar at " + jar + ": run mvn package first");
    return jar;
  }

  /** Where the children's output is kept: {@code target/jar-output} when run by failsafe. */
  static Path outputDirectory() {
    String path = System.getProperty("opportunity.jarOutput");
    if (path == null)
      throw new IllegalStateException("run by failsafe: -Dopportunity.jarOutput is not set");
    return Path.of(path);
  }

  /**
   * The environment of a jar on the database {@code dbUrl}: the tests' internal secret, loopback, a
   * port of the system's choosing ({@link #awaitListening} says which).
   */
  static Map<String, String> environment(String dbUrl) {
    return environment(dbUrl, Map.of());
  }

  /** {@link #environment(String)} and {@code more}. */
  static Map<String, String> environment(String dbUrl, Map<String, String> more) {
    Map<String, String> environment = new HashMap<>();
    environment.put("OPP_DB_URL", dbUrl);
    environment.put("OPP_INTERNAL_SECRETS", TestSecrets.INTERNAL);
    environment.put("OPP_HTTP_HOST", "127.0.0.1");
    environment.put("OPP_HTTP_PORT", "0");
    environment.putAll(more);
    return Map.copyOf(environment);
  }

  /**
   * Imports {@code lines} (JSON Lines, a file in {@code workingDir}) with the jar's {@code import};
   * fails unless it exits 0 within a minute.
   */
  static void importLines(Path workingDir, Map<String, String> environment, List<String> lines)
      throws IOException, InterruptedException {
    Path file = Files.createTempFile(workingDir, "seed-", ".jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    try (JarProcess importer = start(workingDir, environment, "import", file.toString())) {
      int status = importer.awaitExit(Duration.ofSeconds(60));
      if (status != 0)
        throw new AssertionError("import exited with " + status + ":\n" + importer.output());
    }
  }

  /** Starts {@code java -jar opportunity-integration.jar args} in {@code workingDir}. */
  static JarProcess start(Path workingDir, Map<String, String> environment, String... args)
      throws IOException {
    return start(workingDir, environment, List.of(), args);
  }

  /** Starts {@code java jvmOptions -jar opportunity-integration.jar args} in {@code workingDir}. */
  static JarProcess start(
      Path workingDir, Map<String, String> environment, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    // A file, not a pipe: Process.destroy() closes pipes, and the shutdown's log lines would be
    // lost.
    // Kept after the test, with the build's other captured output, for SecretHygieneIT to read.
    Path log = Files.createTempFile(Files.createDirectories(outputDirectory()), "jar-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workingDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder
        .environment()
        .keySet()
        .removeIf(key -> key.startsWith("OPP_") || key.startsWith("XIAOMAN_"));
    builder.environment().putAll(environment);
    return new JarProcess(builder.start(), log);
  }

  /** Waits until the server says where it listens; returns the port. */
  int awaitListening(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher matcher = LISTENING.matcher(output());
      if (matcher.find()) return Integer.parseInt(matcher.group(1));
      if (!process.isAlive())
        throw new AssertionError("the jar exited with " + process.exitValue() + ":\n" + output());
      Thread.sleep(20);
    }
    throw new AssertionError("not listening after " + timeout + ":\n" + output());
  }

  /** Waits until the output contains {@code text}. */
  void awaitOutput(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!output().contains(text)) {
      if (System.nanoTime() > deadline)
        throw new AssertionError("no '" + text + "' after " + timeout + ":\n" + output());
      Thread.sleep(20);
    }
  }

  /** Exit status after the process ended by itself. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
      throw new AssertionError("still running after " + timeout + ":\n" + output());
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook, no clean close. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM: the graceful stop. */
  void terminate() {
    process.destroy();
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "[cannot read " + log + ": " + e.getMessage() + "]";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) kill();
  }
}

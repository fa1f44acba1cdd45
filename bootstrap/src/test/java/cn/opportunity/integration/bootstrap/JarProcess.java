package cn.opportunity.integration.bootstrap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged jar as a child process, with its output collected. For the {@code *IT} tests. */
final class JarProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final Thread reader;

  private JarProcess(Process process) {
    this.process = process;
    this.reader = new Thread(this::collect, "jar-output");
    reader.setDaemon(true);
    reader.start();
  }

  static Path jar() {
    String path = System.getProperty("opportunity.jar");
    if (path == null) throw new IllegalStateException("run by failsafe: -Dopportunity.jar is not set");
    Path jar = Path.of(path);
    if (!Files.isRegularFile(jar)) throw new IllegalStateException("no jar at " + jar + ": run mvn package first");
    return jar;
  }

  /** Starts {@code java -jar opportunity-integration.jar args} in {@code workingDir}. */
  static JarProcess start(Path workingDir, Map<String, String> environment, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(key -> key.startsWith("OPP_") || key.startsWith("XIAOMAN_"));
    builder.environment().putAll(environment);
    return new JarProcess(builder.start());
  }

  private void collect() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) output.append(line).append('\n');
    } catch (IOException e) {
      output.append("[output closed: ").append(e.getMessage()).append("]\n");
    }
  }

  /** Waits until the server says where it listens; returns the port. */
  int awaitListening(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher matcher = LISTENING.matcher(output);
      if (matcher.find()) return Integer.parseInt(matcher.group(1));
      if (!process.isAlive()) throw new AssertionError("the jar exited with " + process.exitValue() + ":\n" + output);
      Thread.sleep(20);
    }
    throw new AssertionError("not listening after " + timeout + ":\n" + output);
  }

  /** Waits until the output contains {@code text}. */
  void awaitOutput(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (output.indexOf(text) < 0) {
      if (System.nanoTime() > deadline) throw new AssertionError("no '" + text + "' after " + timeout + ":\n" + output);
      Thread.sleep(20);
    }
  }

  /** Exit status after the process ended by itself. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
      throw new AssertionError("still running after " + timeout + ":\n" + output);
    reader.join(2_000);
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
    return output.toString();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) kill();
  }
}

package cn.opportunity.integration.adapter.persistence.testing;

import cn.opportunity.integration.adapter.persistence.PostgresDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A private, throw-away PostgreSQL server for the tests, from the binaries of Debian's {@code
 * postgresql} package: {@code initdb} into a temporary directory, a free port on 127.0.0.1, {@code
 * pg_ctl start -w}; stopped and deleted when the JVM exits (or by {@link #close}). One per test JVM
 * ({@link #shared}); each test asks for a database of its own ({@link #newDatabase}). As root the
 * server runs as the {@code postgres} system user (PostgreSQL refuses to run as root).
 *
 * <p>Without the binaries a test is skipped with one loud line on standard error; with {@code
 * CI=true} it fails instead, so that CI never passes without having run them. The superuser
 * connects over TCP with a password (scram-sha-256), as the service will; {@code fsync} is off: the
 * tests stop the server cleanly or not at all, and a lost OS is not what they test.
 */
public final class PostgresServer implements AutoCloseable {
  /** Where Debian's {@code postgresql-NN} packages put the server's binaries. */
  private static final Path DEBIAN_ROOT = Paths.get("/usr/lib/postgresql");

  private static final String USER = "opp";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static volatile Optional<PostgresServer> shared;
  private static volatile String missing = "";

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final boolean asPostgresUser;
  private final String password;
  private final int port;
  private Database migrated; // the template of newMigratedDatabase, made at its first call

  /** A database of the server: what the service is given to connect. */
  public record Database(String url, String user, String password, String name) {
    @Override
    public String toString() {
      return url + " as " + user; // never the password
    }
  }

  private PostgresServer(Path bin) throws IOException, InterruptedException {
    this.bin = bin;
    this.asPostgresUser = "root".equals(System.getProperty("user.name"));
    this.dir = Files.createTempDirectory("opp-postgres-");
    this.data = dir.resolve("data");
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    this.password = HexFormat.of().formatHex(secret);
    Path passwordFile = dir.resolve("password");
    Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
    if (asPostgresUser) run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            USER,
            "--pwfile=" + passwordFile,
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync"),
        true);
    Files.deleteIfExists(passwordFile);
    this.port = freePort();
    start();
  }

  /**
   * The test JVM's server, started at the first call; a test without the binaries is skipped here
   * (or fails with {@code CI=true}).
   */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      Optional<Path> bin = findBinaries();
      if (bin.isEmpty()) {
        missing =
            "no PostgreSQL server binaries (no "
                + DEBIAN_ROOT
                + "/*/bin/initdb): install Debian's postgresql package (.ci/run does)";
        System.err.println("!!! PostgreSQL tests SKIPPED: " + missing + " !!!");
        shared = Optional.empty();
      } else {
        try {
          PostgresServer server = new PostgresServer(bin.get());
          Runtime.getRuntime().addShutdownHook(new Thread(server::close, "postgres-test-stop"));
          shared = Optional.of(server);
        } catch (IOException e) {
          throw new UncheckedIOException("starting the test PostgreSQL failed", e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while starting the test PostgreSQL", e);
        }
      }
    }
    if (shared.isEmpty()) {
      if ("true".equals(System.getenv("CI")))
        throw new IllegalStateException("CI=true, and " + missing);
      Assumptions.assumeTrue(false, "PostgreSQL tests skipped: " + missing);
    }
    return shared.get();
  }

  /** The newest {@code /usr/lib/postgresql/NN/bin} that has {@code initdb}. */
  static Optional<Path> findBinaries() {
    if (!Files.isDirectory(DEBIAN_ROOT)) return Optional.empty();
    try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
          .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
          .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())))
          .map(v -> v.resolve("bin"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A new, empty database owned by the superuser, with a name of its own. */
  public Database newDatabase() {
    String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try {
      run(
          List.of(
              bin.resolve("createdb").toString(),
              "-h",
              dir.toString(),
              "-p",
              Integer.toString(port),
              "-U",
              USER,
              name),
          true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new Database(url(name), USER, password, name);
  }

  /**
   * A new database with the service's schema in it, as {@link PostgresDatabase#open} leaves it: a
   * copy ({@code CREATE DATABASE … TEMPLATE}) of a database migrated once per JVM, in a fraction of
   * a migration's time.
   */
  public synchronized Database newMigratedDatabase() {
    if (migrated == null) {
      Database template = newDatabase();
      PostgresDatabase.open(template.url(), template.user(), template.password(), 1).close();
      migrated = template;
    }
    String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    for (int attempt = 1; ; attempt++) {
      try (Connection connection = DriverManager.getConnection(url("postgres"), USER, password);
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE DATABASE " + name + " TEMPLATE " + migrated.name());
        return new Database(url(name), USER, password, name);
      } catch (SQLException e) {
        // 55006: the template's last connections are still closing
        if (!"55006".equals(e.getSQLState()) || attempt == 50)
          throw new IllegalStateException("copying the migrated template failed", e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** The JDBC URL of a database of this server. */
  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public int port() {
    return port;
  }

  /** Starts the server (again, after {@link #stop}), waiting until it accepts connections. */
  public void start() throws IOException, InterruptedException {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-l",
            dir.resolve("server.log").toString(),
            "-o",
            "-p " + port + " -h 127.0.0.1 -k " + dir + " -c fsync=off -c max_connections=200",
            "-w",
            "-t",
            "60",
            "start"),
        true);
  }

  /** Stops the server (fast: connections are ended, what was committed is kept). */
  public void stop() throws IOException, InterruptedException {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "stop"),
        true);
  }

  /**
   * Stops the server at once and deletes its directory: in the background, by {@code rm -rf}, so
   * that a test JVM's exit does not wait for the files of every test's database (surefire kills a
   * fork whose exit takes more than 30 s).
   */
  @Override
  public void close() {
    try {
      run(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              data.toString(),
              "-m",
              "immediate",
              "-w",
              "stop"),
          true);
    } catch (IOException | RuntimeException e) {
      System.err.println("stopping the test PostgreSQL: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      new ProcessBuilder("rm", "-rf", "--", dir.toString())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      deleteRecursively(dir);
    }
  }

  private void run(List<String> command, boolean asServerUser)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asServerUser && asPostgresUser) full.addAll(List.of("runuser", "-u", "postgres", "--"));
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    environment.put("LC_ALL", "C");
    environment.remove("PGPASSWORD");
    Path output = Files.createTempFile("opp-postgres-command-", ".log");
    try {
      Process process = builder.redirectOutput(output.toFile()).start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command.get(0) + " did not finish in 120 s");
      }
      if (process.exitValue() != 0)
        throw new IOException(
            String.join(" ", command)
                + " exited with "
                + process.exitValue()
                + ": "
                + Files.readString(output, StandardCharsets.UTF_8)
                + serverLog());
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private String serverLog() {
    Path log = dir.resolve("server.log");
    try {
      return Files.exists(log)
          ? "\nserver log:\n" + Files.readString(log, StandardCharsets.UTF_8)
          : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) return;
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("deleting " + root + ": " + e);
    }
  }
}

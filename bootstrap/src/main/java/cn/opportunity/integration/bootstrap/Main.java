package cn.opportunity.integration.bootstrap;

import cn.opportunity.integration.application.ImportOpportunities;
import cn.opportunity.integration.application.ImportRejectedException;
import cn.opportunity.integration.application.ImportReport;
import cn.opportunity.integration.domain.StoreUnavailableException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runnable jar: {@code serve} (the default), {@code demo}, {@code import FILE}, {@code export
 * FILE}, {@code dictionary}.
 */
public final class Main {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  static final String USAGE_TEXT =
      """
      Usage: java -jar opportunity-integration.jar [COMMAND] [--config FILE] [--help]

      Commands:
        serve         Run the server (the default). Needs OPP_INTERNAL_SECRETS.
        demo          Run the server on data/demo.db, freshly filled with sample opportunities and the
                      built-in stage dictionary, with a generated secret and a ready-to-paste curl.
        import FILE   Load opportunities from a JSON Lines file: all lines or none.
        export FILE   Write every opportunity to a new JSON Lines file in the import format.
        dictionary    Print the stage dictionary of the configured source.

      Options:
        --config FILE   A properties file with the same keys as the environment variables
                        (OPP_HTTP_PORT=8080, ...); the environment wins.
        --help          This text, or a command's own with COMMAND --help.

      Configuration (environment variables): OPP_HTTP_HOST, OPP_HTTP_PORT, OPP_DB_URL
      (jdbc:sqlite:FILE or jdbc:postgresql://HOST:PORT/DB with OPP_DB_USER, OPP_DB_PASSWORD,
      OPP_DB_POOL_SIZE), OPP_INTERNAL_SECRETS, OPP_TIMEZONE, OPP_DICTIONARY, OPP_STAGES_FILE,
      OPP_TRUSTED_PROXIES, OPP_STOP_DRAIN, OPP_METRICS, XIAOMAN_*. See the README.
      """;

  private static final Map<String, String> COMMAND_HELP =
      Map.of(
          "serve",
              """
          Usage: java -jar opportunity-integration.jar serve [--config FILE]

          Runs the server: PUT /api/opportunities/integration/update, GET /api/opportunities/integration/{code},
          GET /health, /health/live, /health/ready, /metrics (Prometheus; off with OPP_METRICS=false).
          Needs OPP_INTERNAL_SECRETS (comma-separated, each at least 32 characters). Stops gracefully on
          SIGTERM: /health/ready answers 503 at once, requests are served on for OPP_STOP_DRAIN (default
          PT0S), then those in flight are finished and the store is closed.
          """,
          "demo",
              """
          Usage: java -jar opportunity-integration.jar demo [--config FILE]

          Deletes and refills data/demo.db with sample opportunities (OPP-20260401-001 among them), uses
          the built-in stage dictionary, generates a secret, prints it with a ready-to-paste curl, and
          runs the server on OPP_HTTP_HOST:OPP_HTTP_PORT (default 0.0.0.0:8080) until stopped.
          """,
          "import",
              """
          Usage: java -jar opportunity-integration.jar import FILE [--config FILE]

          Loads opportunities from FILE, JSON Lines (UTF-8): one object a line with opportunityCode and
          opportunityName, optionally finalCustomerName and any field of the update endpoint. A stored
          code is updated, a new one inserted, under the update endpoint's rules. If any line is bad,
          every bad line is printed with its number and nothing is imported (exit status 1); otherwise
          all lines go in one transaction and the counts are printed. Blank lines are skipped. Each
          line applies to the state the lines before it left. The file is streamed: memory does not
          grow with it. Progress goes to standard error (a live line on a terminal, else a line every
          5 s); standard output gets the counts alone.
          """,
          "export",
              """
          Usage: java -jar opportunity-integration.jar export FILE [--config FILE]

          Writes every stored opportunity to FILE, JSON Lines (UTF-8) in the import format, in code
          order: one object a line with opportunityCode, opportunityName, finalCustomerName when set,
          and every other field of the update endpoint that is set, in canonical form. Importing FILE
          into another store gives back every field and the final customer; ids, versions, times and
          history stay behind. FILE must not exist: export never overwrites a file. It is written
          beside FILE under a temporary name, readable by its owner only, and moved into place when
          complete: a failed export leaves no file (exit status 1). The store is read a page at a
          time, so memory does not grow with it; while a server writes, each opportunity is exported
          once, in a state it had during the export.
          """,
          "dictionary",
              """
          Usage: java -jar opportunity-integration.jar dictionary [--config FILE]

          Prints the stage dictionary of the configured source (OPP_DICTIONARY, OPP_STAGES_FILE): each
          flow with its stages' code, name, kind and enabled flag, and the lost reasons; for Xiaoman
          also what its answer held that could not be used (a flow without stages …). The codes are
          what integrators send as "stage".
          """);

  private Main() {}

  public static void main(String[] args) {
    int status =
        run(
            args,
            System.getenv(),
            System.out,
            System.err,
            ImportProgress.standardErrorIsATerminal());
    if (status != OK) System.exit(status);
  }

  /**
   * {@link #run(String[], Map, PrintStream, PrintStream, boolean)} with {@code err} not a terminal.
   */
  static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
    return run(args, environment, out, err, false);
  }

  /**
   * Runs a command; returns the exit status. Server commands return once the server is up.
   *
   * @param errIsATerminal whether {@code err} is a terminal: {@code import} then shows its progress
   *     as a live line, else as a plain line every few seconds
   */
  static int run(
      String[] args,
      Map<String, String> environment,
      PrintStream out,
      PrintStream err,
      boolean errIsATerminal) {
    List<String> words = new ArrayList<>(List.of(args));
    Optional<Path> configFile;
    try {
      configFile = takeOption(words, "--config").map(Path::of);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return USAGE;
    }
    boolean longHelp = words.remove("--help");
    boolean shortHelp = words.remove("-h"); // removed too when --help was given
    boolean help = longHelp || shortHelp;
    if (help && words.isEmpty()) {
      out.print(USAGE_TEXT);
      return OK;
    }
    String command = words.isEmpty() ? "serve" : words.remove(0);
    if (!COMMAND_HELP.containsKey(command)) {
      err.println("Unknown command: " + command);
      err.print(USAGE_TEXT);
      return USAGE;
    }
    if (help) {
      out.print(COMMAND_HELP.get(command));
      return OK;
    }
    try {
      return switch (command) {
        case "serve" -> expectNoMoreArguments(words, err) ? serve(environment, configFile) : USAGE;
        case "demo" ->
            expectNoMoreArguments(words, err) ? Demo.run(environment, configFile, out) : USAGE;
        case "import" -> importFile(words, environment, configFile, out, err, errIsATerminal);
        case "export" -> exportFile(words, environment, configFile, out, err);
        case "dictionary" ->
            expectNoMoreArguments(words, err) ? dictionary(environment, configFile, out) : USAGE;
        default -> throw new IllegalStateException(command);
      };
    } catch (AppConfig.InvalidConfigException e) {
      err.println("Cannot start: the configuration is invalid.");
      e.problems().forEach(problem -> err.println("  - " + problem));
      return USAGE;
    }
  }

  private static int serve(Map<String, String> environment, Optional<Path> configFile) {
    Server server = Server.start(AppConfig.load(environment, configFile), Clock.systemUTC());
    stopOnShutdown(server);
    return OK;
  }

  /** SIGTERM (and Ctrl-C) stop the server gracefully. */
  static void stopOnShutdown(Server server) {
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "graceful-stop"));
  }

  private static int importFile(
      List<String> words,
      Map<String, String> environment,
      Optional<Path> configFile,
      PrintStream out,
      PrintStream err,
      boolean errIsATerminal) {
    if (words.size() != 1) {
      err.println("import needs exactly one FILE");
      err.print(COMMAND_HELP.get("import"));
      return USAGE;
    }
    Path file = Path.of(words.get(0));
    AppConfig config = AppConfig.loadWithoutSecrets(environment, configFile);
    long started = System.nanoTime();
    ImportReport report;
    try {
      long size = Files.size(file); // a missing file fails here, before the store is opened
      try (Wiring wiring = new Wiring(config, Clock.systemUTC())) {
        ImportOpportunities importer =
            wiring.importOpportunities(); // opens the store, which logs it
        try (ImportProgress progress =
            ImportProgress.start(err, errIsATerminal, size)) { // gone before the store closes
          report = importer.run(JsonLines.of(file, progress), progress::badLine);
        }
      }
    } catch (ImportRejectedException e) {
      err.println(e.count() + " bad line(s) in " + file + "; nothing was imported.");
      return FAILED;
    } catch (
        StoreUnavailableException
            e) { // full, read-only, failing: logged with its cause by the store
      err.println(
          "Cannot write to " + config.dbUrl() + " (" + e.reason() + "); nothing was imported.");
      return FAILED;
    } catch (NoSuchFileException e) {
      err.println("No such file: " + file);
      return FAILED;
    } catch (IOException e) {
      err.println("Cannot read " + file + ": " + e.getMessage());
      return FAILED;
    } catch (UncheckedIOException e) {
      err.println(
          "Cannot read " + file + ": " + e.getCause().getMessage() + "; nothing was imported.");
      return FAILED;
    }
    out.printf(
        "Imported %s into %s: %d lines, %d inserted, %d updated, %d unchanged (%d ms)%n",
        file,
        config.dbUrl(),
        report.lines(),
        report.inserted(),
        report.updated(),
        report.unchanged(),
        (System.nanoTime() - started) / 1_000_000);
    return OK;
  }

  private static int exportFile(
      List<String> words,
      Map<String, String> environment,
      Optional<Path> configFile,
      PrintStream out,
      PrintStream err) {
    if (words.size() != 1) {
      err.println("export needs exactly one FILE");
      err.print(COMMAND_HELP.get("export"));
      return USAGE;
    }
    Path file = Path.of(words.get(0));
    AppConfig config = AppConfig.loadWithoutSecrets(environment, configFile);
    long started = System.nanoTime();
    long count;
    try (ExportFile target = ExportFile.create(file); // fails before the store is opened
        Wiring wiring = new Wiring(config, Clock.systemUTC())) {
      try {
        count = wiring.exportOpportunities().run(target::write); // opens the store
      } catch (UncheckedIOException e) {
        throw e.getCause();
      } catch (RuntimeException e) { // cannot open, damaged, gone: the store's own words
        err.println(
            "Cannot read " + config.dbUrl() + " (" + e.getMessage() + "); nothing was exported.");
        return FAILED;
      }
      target.commit();
    } catch (FileAlreadyExistsException e) {
      err.println(file + " exists; export never overwrites a file: remove it or name another one.");
      return FAILED;
    } catch (IOException e) {
      err.println(
          "Cannot write " + file + " (" + ExportFile.reason(e) + "); nothing was exported.");
      return FAILED;
    }
    out.printf(
        "Exported %d opportunities from %s to %s (%d ms)%n",
        count, config.dbUrl(), file, (System.nanoTime() - started) / 1_000_000);
    return OK;
  }

  private static int dictionary(
      Map<String, String> environment, Optional<Path> configFile, PrintStream out) {
    AppConfig config = AppConfig.loadWithoutSecrets(environment, configFile);
    try (Wiring wiring = new Wiring(config, Clock.systemUTC())) {
      out.print(DictionaryTable.render(wiring.dictionary()));
    }
    return OK;
  }

  private static boolean expectNoMoreArguments(List<String> words, PrintStream err) {
    if (words.isEmpty()) return true;
    err.println("Unexpected argument(s): " + String.join(" ", words));
    err.print(USAGE_TEXT);
    return false;
  }

  private static Optional<String> takeOption(List<String> words, String name) {
    int at = words.indexOf(name);
    if (at < 0) return Optional.empty();
    if (at + 1 >= words.size()) throw new IllegalArgumentException(name + " needs a value");
    String value = words.get(at + 1);
    words.remove(at + 1);
    words.remove(at);
    return Optional.of(value);
  }
}

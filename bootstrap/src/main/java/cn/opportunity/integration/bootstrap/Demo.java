package cn.opportunity.integration.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code demo} command: a server on a freshly filled {@code data/demo.db}, the built-in stage
 * dictionary and a generated secret, printed with a ready-to-paste curl of the seed's example.
 */
final class Demo {
  static final Path DATABASE = Path.of("data", "demo.db");
  static final String SAMPLE = "/demo/opportunities.jsonl";

  private Demo() {}

  static int run(Map<String, String> environment, Optional<Path> configFile, PrintStream out) {
    String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
    AppConfig config =
        AppConfig.loadWithoutSecrets(environment, configFile)
            .forDemo("jdbc:sqlite:" + DATABASE, secret);
    freshSampleDatabase(config);
    Server server = Server.start(config, Clock.systemUTC());
    Main.stopOnShutdown(server);
    out.print(instructions(server.port(), secret));
    out.flush();
    return Main.OK;
  }

  private static void freshSampleDatabase(AppConfig config) {
    try {
      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        Files.deleteIfExists(Path.of(DATABASE + suffix));
      }
      try (InputStream sample = Demo.class.getResourceAsStream(SAMPLE);
          Wiring wiring = new Wiring(config, Clock.systemUTC())) {
        wiring
            .importOpportunities()
            .run(JsonLines.read(sample), badLine -> {}); // a bad sample fails on the first
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + DATABASE, e);
    }
  }

  static String instructions(int port, String secret) {
    String base = "http://localhost:" + port + "/api/opportunities/integration";
    return """

        Demo running on %1$s (store data/demo.db, built-in stage dictionary). Stop it with Ctrl-C.
        Secret for this run:  %2$s

        Write back the seed's example (answers {"code":"0","msg":"success","data":1}):

        curl -X PUT '%1$s/update' \\
          -H 'Content-Type: application/json' \\
          -H 'X-Internal-Secret: %2$s' \\
          -d '{ "opportunityCode": "OPP-20260401-001", "stage": "won", "status": "won", "confidencePct": "A", "amount": 2800000, "expectedCloseDate": "2026-04-30", "description": "外部系统回写成交结果" }'

        Read it back:

        curl '%1$s/OPP-20260401-001' -H 'X-Internal-Secret: %2$s'

        """
        .formatted(base, secret);
  }
}

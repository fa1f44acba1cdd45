package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start that fails says why and leaves nothing open behind it. */
class ServerStartTest {
  @TempDir Path dir;

  /** The service on a SQLite file in the test's folder, listening on {@code port} (0: any). */
  private AppConfig config(int port) {
    return AppConfig.load(
        Map.of(
            "OPP_DB_URL",
            "jdbc:sqlite:" + dir.resolve("opportunities.db"),
            "OPP_INTERNAL_SECRETS",
            ServiceHarness.SECRET,
            "OPP_HTTP_HOST",
            "127.0.0.1",
            "OPP_HTTP_PORT",
            Integer.toString(port)),
        Optional.empty());
  }

  /**
   * A port another process holds: the start fails with the bind error itself, not one of closing
   * what the start had opened (the listener, the store), and the same store starts again.
   */
  @Test
  void failsOnAPortInUseWithTheBindErrorAndStartsAgainOnAFreeOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      AppConfig config = config(taken.getLocalPort());
      RuntimeException refused =
          assertThrows(RuntimeException.class, () -> Server.start(config, Clock.systemUTC()));
      String why = refused.toString() + " / " + refused.getCause();
      assertTrue(why.contains("in use"), why);
      try (Server again = Server.start(config(0), Clock.systemUTC())) {
        assertTrue(again.port() > 0);
      }
    }
  }

  /**
   * Metrics that cannot be built fail the start, as when they were built before the store, rather
   * than every request after a start that looked fine: the listener the start had opened is closed
   * again.
   */
  @Test
  void failsWhenTheMetricsCannotBeBuiltAndLeavesNothingListening() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    AppConfig config = config(port);
    Wiring wiring =
        new Wiring(
            config,
            Clock.systemUTC(),
            UnaryOperator.identity(),
            () -> {
              throw new IllegalStateException("no registry");
            });
    RuntimeException refused =
        assertThrows(RuntimeException.class, () -> Server.start(wiring, config));
    assertTrue(refused.toString().contains("no registry"), refused.toString());
    try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
      assertEquals(port, again.getLocalPort(), "nothing listens on the port any more");
    }
  }
}

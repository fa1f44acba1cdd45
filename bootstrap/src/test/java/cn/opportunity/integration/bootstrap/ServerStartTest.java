package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start that fails says why and leaves nothing open behind it. */
class ServerStartTest {
  @TempDir Path dir;

  /**
   * A port another process holds: the start fails with the bind error itself, not one of closing
   * what the start had opened (the listener, the store), and the same store starts again.
   */
  @Test
  void failsOnAPortInUseWithTheBindErrorAndStartsAgainOnAFreeOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      AppConfig config =
          AppConfig.load(
              Map.of(
                  "OPP_DB_URL",
                  "jdbc:sqlite:" + dir.resolve("opportunities.db"),
                  "OPP_INTERNAL_SECRETS",
                  ServiceHarness.SECRET,
                  "OPP_HTTP_HOST",
                  "127.0.0.1",
                  "OPP_HTTP_PORT",
                  Integer.toString(taken.getLocalPort())),
              Optional.empty());
      RuntimeException refused =
          assertThrows(RuntimeException.class, () -> Server.start(config, Clock.systemUTC()));
      String why = refused.toString() + " / " + refused.getCause();
      assertTrue(why.contains("in use"), why);
      try (Server again = Server.start(onAnyPort(), Clock.systemUTC())) {
        assertTrue(again.port() > 0);
      }
    }
  }

  private AppConfig onAnyPort() {
    return AppConfig.load(
        Map.of(
            "OPP_DB_URL",
            "jdbc:sqlite:" + dir.resolve("opportunities.db"),
            "OPP_INTERNAL_SECRETS",
            ServiceHarness.SECRET,
            "OPP_HTTP_HOST",
            "127.0.0.1",
            "OPP_HTTP_PORT",
            "0"),
        Optional.empty());
  }
}

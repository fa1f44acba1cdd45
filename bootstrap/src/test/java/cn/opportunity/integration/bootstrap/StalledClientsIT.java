package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.domain.testing.TestSecrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that never finish their bodies cannot stop the real jar (issue 13, item 2): 1,000
 * connections that send a refused PUT's headers and 10 bytes of a 60,000-byte body, then nothing,
 * each answered at once and then closed by the server; and 200 authenticated ones that drip a body
 * at one byte a second, refused with 408 at the body deadline. With all of them held open, {@code
 * /health} and updates from another loopback address answer within a second each.
 */
class StalledClientsIT {
  private static final String SECRET = TestSecrets.INTERNAL;
  private static final String UPDATE = "/api/opportunities/integration/update";
  private static final long ANSWER_BOUND_MILLIS = 1_000;
  private static final int STALLED = 1_000;
  private static final int DRIPPING = 200;

  @TempDir Path dir;

  @Test
  void stalledAndDrippingBodiesNeitherDelayTheirRefusalsNorOtherCallers() throws Exception {
    Map<String, String> environment =
        JarProcess.environment("jdbc:sqlite:" + dir.resolve("stalled.db"));
    JarProcess.importLines(
        dir, environment, List.of("{\"opportunityCode\":\"STALL-1\",\"opportunityName\":\"慢客户\"}"));
    List<Socket> held = new ArrayList<>();
    try (JarProcess server = JarProcess.start(dir, environment)) {
      int port = server.awaitListening(Duration.ofSeconds(30));

      // A fresh JVM answers its first requests slowly (class loading, the JIT): warm it up first,
      // from
      // the address the measured callers will use, so that the bounds below measure the stalled
      // clients' effect and not the start.
      for (int i = 0; i < 50; i++) {
        try (Socket socket = connect("127.0.0.2", port)) {
          socket.getOutputStream().write(health());
          assertEquals(200, Answer.read(socket).status);
        }
        try (Socket socket = connect("127.0.0.2", port)) {
          socket.getOutputStream().write(update("warm-up-" + i));
          assertEquals(200, Answer.read(socket).status);
        }
      }

      // 1,000 stalled, unauthenticated: each refused at once although its body never comes.
      for (int i = 0; i < STALLED; i++) {
        Socket socket = connect("127.0.0.1", port);
        held.add(socket);
        long sent = System.nanoTime();
        socket.getOutputStream().write(head("not-the-secret-" + i, 60_000));
        socket.getOutputStream().write("{\"opportun".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        Answer answer = Answer.read(socket);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        assertTrue(
            answer.status == 401 || answer.status == 429, "stalled client " + i + ": " + answer);
        assertTrue(
            tookMillis < ANSWER_BOUND_MILLIS,
            "stalled client " + i + " waited " + tookMillis + " ms");
        assertEquals(
            -1, socket.getInputStream().read(), "the server ends the connection after the answer");
      }

      // 200 authenticated ones (from an address the failures above did not slow down) that drip
      // their body, a byte a second, from a thread of their own.
      byte[] body =
          "{\"opportunityCode\":\"STALL-1\",\"description\":\"drip\"}"
              .getBytes(StandardCharsets.UTF_8);
      List<Socket> dripping = new ArrayList<>();
      for (int i = 0; i < DRIPPING; i++) {
        Socket socket = connect("127.0.0.3", port);
        socket.getOutputStream().write(head(SECRET, body.length));
        socket.getOutputStream().flush();
        dripping.add(socket);
        held.add(socket);
      }
      Thread dripper = new Thread(() -> drip(dripping, body), "dripper");
      dripper.setDaemon(true);
      dripper.start();

      // Meanwhile, from another address: health and updates answer within the bound.
      for (int i = 0; i < 20; i++) {
        assertAnswersInTime("127.0.0.2", port, health(), 200);
        assertAnswersInTime("127.0.0.2", port, update("round-" + i), 200);
        Thread.sleep(100);
      }
      // The drippers' bodies do not arrive within the deadline: each is refused with 408.
      for (Socket socket : dripping) {
        socket.setSoTimeout(15_000);
        Answer answer = Answer.read(socket);
        assertEquals(408, answer.status, answer.toString());
        assertEquals("{\"code\":\"-1\",\"msg\":\"请求超时\",\"data\":null}", answer.body);
      }
      dripper.interrupt();
    } finally {
      for (Socket socket : held) socket.close();
    }
  }

  private static byte[] health() {
    return "GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  }

  /** A whole PUT that sets the seeded opportunity's {@code source}. */
  private static byte[] update(String source) {
    byte[] body =
        ("{\"opportunityCode\":\"STALL-1\",\"source\":\"" + source + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] head = head(SECRET, body.length);
    byte[] request = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    return request;
  }

  /** A PUT's headers; {@code announced} bytes of body follow (or do not). */
  private static byte[] head(String secret, int announced) {
    return ("PUT "
            + UPDATE
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "X-Internal-Secret: "
            + secret
            + "\r\nContent-Length: "
            + announced
            + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static Socket connect(String from, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout((int) ANSWER_BOUND_MILLIS * 5);
    return socket;
  }

  private static void assertAnswersInTime(String from, int port, byte[] request, int status)
      throws IOException {
    try (Socket socket = connect(from, port)) {
      long sent = System.nanoTime();
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      Answer answer = Answer.read(socket);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
      assertEquals(status, answer.status, answer.toString());
      assertTrue(
          tookMillis < ANSWER_BOUND_MILLIS, "answered after " + tookMillis + " ms: " + answer);
    }
  }

  /** One byte of the body to every dripping socket each second, until interrupted or done. */
  private static void drip(List<Socket> sockets, byte[] body) {
    try {
      for (int sent = 0; sent < body.length; sent++) {
        for (Socket socket : sockets) {
          try {
            socket.getOutputStream().write(body[sent]);
            socket.getOutputStream().flush();
          } catch (IOException closed) {
            // the server may give up on a slow body: that is allowed
          }
        }
        Thread.sleep(1_000);
      }
    } catch (InterruptedException done) {
      Thread.currentThread().interrupt();
    }
  }

  /** An HTTP/1.1 answer's status line, headers and body (by its Content-Length). */
  private record Answer(int status, String head, String body) {
    static Answer read(Socket socket) throws IOException {
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      try {
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) throw new IOException("closed after " + head.size() + " bytes: " + head);
          head.write(b);
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError(
            "no answer within " + socket.getSoTimeout() + " ms; got: " + head, e);
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      int length = 0;
      for (String line : text.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
          length = Integer.parseInt(line.substring(15).trim());
      }
      String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      return new Answer(Integer.parseInt(text.substring(9, 12)), text, body);
    }
  }
}

package io.eslake.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.spark.ConnectorOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A server that accepts connections and never answers (a firewall's black hole, a wrong port that
 * happens to listen): a request that times out there is not tried again, since this JVM never got
 * an answer from it, where six retries of two minutes each kept a run waiting a quarter of an hour.
 * The socket timeout is the option socket_timeout_ms.
 */
class SilentServerTest {

  @Test
  void aServerThatNeverAnsweredIsNotRetriedAfterTheSocketTimeout() throws Exception {
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                while (!silent.isClosed()) {
                  try {
                    accepted.add(silent.accept());
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      String url = "http://127.0.0.1:" + silent.getLocalPort();
      ConnectionSettings settings =
          ConnectorOptions.of(
                  Map.of(
                      "url", url,
                      "username", "u",
                      "password", "p",
                      "socket_timeout_ms", "1000",
                      "retry_wait_ms", "10",
                      "retry_max_wait_ms", "20"))
              .connection();
      long start = System.nanoTime();

      ClusterException failure;
      try (ClusterClient client = ClusterClient.connect(settings)) {
        failure = assertThrows(ClusterException.class, () -> client.resolve("*", false));
      }
      long seconds = (System.nanoTime() - start) / 1_000_000_000L;

      assertEquals(1000, settings.socketTimeoutMillis());
      assertTrue(failure.getMessage().contains("no data came for 1 s"), failure.getMessage());
      assertEquals(1, accepted.size(), "one connection, no retry");
      assertTrue(seconds < 10, seconds + " s");
    } finally {
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }

  @Test
  void timeoutsOfZeroAreRefusedNamingTheOption() {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ConnectorOptions.of(
                        Map.of("url", "http://127.0.0.1:9200", "socket_timeout_ms", "0"))
                    .connection());
    assertTrue(refused.getMessage().contains("socket_timeout_ms=0"), refused.getMessage());
  }
}

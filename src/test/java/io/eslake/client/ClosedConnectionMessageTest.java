package io.eslake.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A connection closed without an answer by a node reached before: over plain HTTP the message also
 * names HTTPS, since a node switched to HTTPS closes plain connections the same way (and a test
 * JVM's earlier server on the same port made TlsIT read this message once).
 */
class ClosedConnectionMessageTest {

  @Test
  void overPlainHttpTheMessageNamesHttps() {
    String plain =
        ClusterException.closedMidRequest("http://127.0.0.1:9200", new IOException("closed"))
            .getMessage();
    String tls =
        ClusterException.closedMidRequest("https://127.0.0.1:9200", new IOException("closed"))
            .getMessage();

    assertTrue(plain.contains("use an https:// URL"), plain);
    assertTrue(plain.contains("a node may have stopped"), plain);
    assertFalse(tls.contains("https:// URL"), tls);
  }
}

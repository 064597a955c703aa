package io.eslake.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerInfoTest {

  private static Optional<ServerInfo> root(String json) throws IOException {
    JsonNode body = ClusterClient.JSON.readTree(json);
    return ServerInfo.fromRoot(body);
  }

  @Test
  void elasticsearchIsKnownByItsVersionAndTagline() throws IOException {
    ServerInfo info =
        root("{\"name\":\"n\",\"cluster_name\":\"c\",\"version\":{\"number\":\"7.17.29\","
                + "\"build_flavor\":\"oss\"},\"tagline\":\"You Know, for Search\"}")
            .orElseThrow();

    assertEquals(ServerInfo.Product.ELASTICSEARCH, info.product());
    assertEquals(7, info.major());
    assertEquals("Elasticsearch 7.17.29", info.toString());
  }

  @Test
  void openSearchNamesItselfInTheDistribution() throws IOException {
    ServerInfo info =
        root("{\"cluster_name\":\"c\",\"version\":{\"distribution\":\"opensearch\","
                + "\"number\":\"3.3.0\"},\"tagline\":\"The OpenSearch Project\"}")
            .orElseThrow();

    assertTrue(info.isOpenSearch());
    assertEquals(3, info.major());
    assertEquals("OpenSearch 3.3.0", info.toString());
  }

  @Test
  void aDocumentThatIsNotARootDocumentIsNoServer() throws IOException {
    assertEquals(Optional.empty(), root("{\"status\":\"ok\"}"));
    assertEquals(Optional.empty(), root("{\"version\":{\"number\":\"v2\"},\"tagline\":\"x\"}"));
    assertEquals(Optional.empty(), root("{\"version\":{\"number\":\"1.0\"}}"));
  }

  @Test
  void aServerKnownOnlyFromItsAnswersHasNoVersion() {
    ServerInfo info = ServerInfo.of(null, "");

    assertEquals(ServerInfo.Product.COMPATIBLE, info.product());
    assertEquals(-1, info.major());
    assertEquals("a server of the Elasticsearch API", info.toString());
  }
}

package io.eslake.local;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A loopback proxy for es-hadoop in the benchmark: es-hadoop plans every read with {@code GET /},
 * which the local node refuses (405), so this answers that request with the node's own name and
 * version in the shape Elasticsearch 8 uses, and forwards every other request to the node.
 */
final class ClusterInfoStandIn extends RecordingProxy {

  private final byte[] info;

  ClusterInfoStandIn(LocalElasticsearch es, String version) throws IOException {
    super(es.url());
    String clusterName =
        es.admin().send("GET", "/_cluster/health", null).path("cluster_name").asText("eslake");
    this.info =
        ("{\"name\":\""
                + clusterName
                + "\",\"cluster_name\":\""
                + clusterName
                + "\",\"cluster_uuid\":\"eslake-benchmark-cluster\",\"version\":{\"number\":\""
                + version
                + "\",\"build_flavor\":\"default\",\"build_type\":\"zip\","
                + "\"lucene_version\":\"9.12.2\","
                + "\"minimum_wire_compatibility_version\":\"7.17.0\","
                + "\"minimum_index_compatibility_version\":\"7.0.0\"},"
                + "\"tagline\":\"You Know, for Search\"}")
            .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  protected void forward(HttpExchange exchange, Exchange recorded, byte[] body) throws IOException {
    if (!recorded.method().equals("GET") || !recorded.pathAndQuery().split("\\?")[0].equals("/")) {
      super.forward(exchange, recorded, body);
      return;
    }
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("X-elastic-product", "Elasticsearch");
    exchange.sendResponseHeaders(200, info.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(info);
    }
  }
}

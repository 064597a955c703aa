package io.eslake.servers;

import io.eslake.client.ServerInfo;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** The suite on OpenSearch 3 (Java 21 or later); runs under -Pmatrix. */
@EnabledIfSystemProperty(named = "eslake.matrix", matches = "true")
class OpenSearch3IT extends ServerSuite {

  @Override
  ServerInfo.Product product() {
    return ServerInfo.Product.OPENSEARCH;
  }

  @Override
  String version() {
    return "3.3.0";
  }
}

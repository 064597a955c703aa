package io.eslake.servers;

import io.eslake.client.ServerInfo;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** The suite on OpenSearch 2, without security; runs under -Pmatrix. */
@EnabledIfSystemProperty(named = "eslake.matrix", matches = "true")
class OpenSearch2IT extends ServerSuite {

  @Override
  ServerInfo.Product product() {
    return ServerInfo.Product.OPENSEARCH;
  }

  @Override
  String version() {
    return "2.19.3";
  }
}

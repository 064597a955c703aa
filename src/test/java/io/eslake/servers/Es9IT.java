package io.eslake.servers;

import io.eslake.client.ServerInfo;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** The suite on Elasticsearch 9 (Java 21 or later); runs under -Pmatrix. */
@EnabledIfSystemProperty(named = "eslake.matrix", matches = "true")
class Es9IT extends ServerSuite {

  @Override
  ServerInfo.Product product() {
    return ServerInfo.Product.ELASTICSEARCH;
  }

  @Override
  String version() {
    return "9.2.0";
  }
}

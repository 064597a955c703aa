package io.eslake.servers;

import io.eslake.client.ServerInfo;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** The suite on Elasticsearch 7, security on; runs under -Pmatrix. */
@EnabledIfSystemProperty(named = "eslake.matrix", matches = "true")
class Es7IT extends ServerSuite {

  @Override
  ServerInfo.Product product() {
    return ServerInfo.Product.ELASTICSEARCH;
  }

  @Override
  String version() {
    return "7.17.29";
  }
}

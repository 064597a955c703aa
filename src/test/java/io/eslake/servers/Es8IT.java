package io.eslake.servers;

import io.eslake.client.ServerInfo;

/** The suite on the default server, Elasticsearch 8, in every build. */
class Es8IT extends ServerSuite {

  @Override
  ServerInfo.Product product() {
    return ServerInfo.Product.ELASTICSEARCH;
  }

  @Override
  String version() {
    return System.getProperty("eslake.server.version", "8.19.3");
  }

  @Override
  boolean sharedDefault() {
    return true;
  }
}

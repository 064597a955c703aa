package io.eslake.client;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An Elastic Cloud deployment's Cloud ID, as its console shows it: {@code <name>:<base64>}, where
 * the base64 text decodes to {@code <domain>[:port]$<elasticsearch id>[:port]$<kibana id>}. The
 * cluster is at {@code https://<elasticsearch id>.<domain>}, on port 443 unless a port is given.
 */
final class CloudId {

  private static final int DEFAULT_PORT = 443;

  private CloudId() {}

  /**
   * The cluster's https URL.
   *
   * @throws ClusterException naming what is wrong with the id
   */
  static URI decode(String cloudId) {
    String trimmed = cloudId.trim();
    String encoded = trimmed.substring(trimmed.lastIndexOf(':') + 1);
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ClusterException.badCloudId("the part after the name is not base64");
    }
    String[] parts = decoded.split("\\$");
    if (parts.length < 2 || parts[0].isBlank() || parts[1].isBlank()) {
      throw ClusterException.badCloudId("it does not name a domain and an Elasticsearch id");
    }
    HostAndPort domain = HostAndPort.parse(parts[0]);
    HostAndPort cluster = HostAndPort.parse(parts[1]);
    int port = cluster.port() > 0 ? cluster.port() : domain.port();
    String host = cluster.host() + "." + domain.host();
    try {
      return new URI("https", null, host, port > 0 ? port : DEFAULT_PORT, null, null, null);
    } catch (java.net.URISyntaxException e) {
      throw ClusterException.badCloudId("'" + host + "' is not a host name");
    }
  }

  /** A host with an optional port: 0 when none. */
  private record HostAndPort(String host, int port) {
    static HostAndPort parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        return new HostAndPort(text, 0);
      }
      try {
        return new HostAndPort(
            text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw ClusterException.badCloudId("'" + text + "' has a port that is not a number");
      }
    }
  }
}

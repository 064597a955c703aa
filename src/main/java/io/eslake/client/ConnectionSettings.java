package io.eslake.client;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a cluster is and how to talk to it. Built once on the driver from user options, then
 * shipped to executors inside each input partition, which rebuild their own client from it.
 *
 * @param nodes node addresses, each {@code scheme://host:port} without a path
 * @param pathPrefix a path every request starts with (a cluster behind a proxy), or "" for none
 * @param credentials how requests authenticate
 * @param connectTimeoutMillis how long to wait for a connection
 * @param socketTimeoutMillis how long to wait for a response to make progress
 */
public record ConnectionSettings(
    List<URI> nodes,
    String pathPrefix,
    Credentials credentials,
    int connectTimeoutMillis,
    int socketTimeoutMillis)
    implements Serializable {

  public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;
  public static final int DEFAULT_SOCKET_TIMEOUT_MILLIS = 120_000;

  public ConnectionSettings {
    nodes = List.copyOf(nodes);
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("At least one node URL is required");
    }
  }

  /**
   * Parses a comma-separated list of node URLs. A URL without a scheme gets {@code https://}; a URL
   * without a port gets 9200; a path on the first URL becomes the path prefix of every request.
   *
   * @throws ClusterException naming the malformed URL
   */
  public static ConnectionSettings fromUrls(String urls, Credentials credentials) {
    List<URI> nodes = new ArrayList<>();
    String prefix = null;
    for (String raw : urls.split(",")) {
      String trimmed = raw.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      URI uri = parseNode(trimmed);
      String path = normalizePath(uri.getPath());
      if (prefix == null) {
        prefix = path;
      }
      nodes.add(URI.create(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort()));
    }
    if (nodes.isEmpty()) {
      throw ClusterException.badUrl(urls, "no URL given");
    }
    return new ConnectionSettings(
        nodes, prefix, credentials, DEFAULT_CONNECT_TIMEOUT_MILLIS, DEFAULT_SOCKET_TIMEOUT_MILLIS);
  }

  /** The first node's address with the path prefix, for messages. */
  public String displayUrl() {
    return nodes.get(0) + pathPrefix;
  }

  @Override
  public String toString() {
    return "ConnectionSettings[nodes="
        + nodes
        + ", pathPrefix="
        + pathPrefix
        + ", credentials="
        + credentials.describe()
        + "]";
  }

  private static URI parseNode(String text) {
    String withScheme = text.contains("://") ? text : "https://" + text;
    URI uri;
    try {
      uri = new URI(withScheme);
    } catch (URISyntaxException e) {
      throw ClusterException.badUrl(text, e.getReason());
    }
    String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw ClusterException.badUrl(text, "the scheme must be http or https, not " + scheme);
    }
    if (uri.getHost() == null) {
      throw ClusterException.badUrl(text, "no host name");
    }
    if (uri.getUserInfo() != null) {
      throw ClusterException.badUrl(
          uri.getHost(), "credentials in the URL are not accepted; use the username option");
    }
    int port = uri.getPort() == -1 ? 9200 : uri.getPort();
    try {
      return new URI(scheme, null, uri.getHost(), port, uri.getPath(), null, null);
    } catch (URISyntaxException e) {
      throw ClusterException.badUrl(text, e.getReason());
    }
  }

  private static String normalizePath(String path) {
    if (path == null || path.isEmpty() || path.equals("/")) {
      return "";
    }
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return trimmed.startsWith("/") ? trimmed : "/" + trimmed;
  }
}

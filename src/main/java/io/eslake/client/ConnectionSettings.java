package io.eslake.client;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a cluster is and how to talk to it. Built once on the driver from user options, then
 * shipped to executors inside each input partition, which rebuild their own client from it.
 *
 * @param nodes node addresses, each {@code scheme://host:port} without a path
 * @param pathPrefix a path every request starts with (a cluster behind a proxy), or "" for none
 * @param credentials how requests authenticate
 * @param tls which server certificates https connections trust
 * @param connectTimeoutMillis how long to wait for a connection
 * @param socketTimeoutMillis how long to wait for a response to make progress
 * @param retry how requests the cluster refused for the moment are tried again
 */
public record ConnectionSettings(
    List<URI> nodes,
    String pathPrefix,
    Credentials credentials,
    TlsTrust tls,
    int connectTimeoutMillis,
    int socketTimeoutMillis,
    RetryPolicy retry)
    implements Serializable {

  public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;
  public static final int DEFAULT_SOCKET_TIMEOUT_MILLIS = 120_000;

  public ConnectionSettings {
    nodes = List.copyOf(nodes);
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("At least one node URL is required");
    }
    if (!(tls instanceof TlsTrust.JvmDefault) && !usesHttps(nodes)) {
      throw ClusterException.tlsWithoutHttps(nodes.get(0).toString());
    }
  }

  /**
   * Parses a comma-separated list of node URLs. A URL without a scheme gets {@code https://}; a URL
   * without a port gets 9200; a path becomes the path prefix of every request, and must then be the
   * same on every URL. Certificates are checked against the JVM's trust store.
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
      if (prefix != null && !prefix.equals(path)) {
        throw ClusterException.badUrl(
            withoutUserInfo(trimmed),
            "its path differs from the first URL's ('" + prefix + "'); give every node one path");
      }
      prefix = path;
      nodes.add(URI.create(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort()));
    }
    if (nodes.isEmpty()) {
      throw ClusterException.badUrl(urls, "no URL given");
    }
    return new ConnectionSettings(
        nodes,
        prefix,
        credentials,
        TlsTrust.jvmDefault(),
        DEFAULT_CONNECT_TIMEOUT_MILLIS,
        DEFAULT_SOCKET_TIMEOUT_MILLIS,
        RetryPolicy.defaults());
  }

  /**
   * Checks node URLs as {@link #fromUrls} reads them, without building settings.
   *
   * @throws ClusterException naming the malformed URL, never showing a user or password in it
   */
  public static void checkUrls(String urls) {
    fromUrls(urls, Credentials.none());
  }

  /**
   * The cluster of an Elastic Cloud deployment, from the Cloud ID its console shows.
   *
   * @throws ClusterException naming what is wrong with the id
   */
  public static ConnectionSettings fromCloudId(String cloudId, Credentials credentials) {
    return fromUrls(CloudId.decode(cloudId).toString(), credentials);
  }

  /** These settings with another way to trust server certificates. */
  public ConnectionSettings withTls(TlsTrust trust) {
    return new ConnectionSettings(
        nodes, pathPrefix, credentials, trust, connectTimeoutMillis, socketTimeoutMillis, retry);
  }

  /** These settings with other connect and socket timeouts, in milliseconds. */
  public ConnectionSettings withTimeouts(int connectMillis, int socketMillis) {
    return new ConnectionSettings(
        nodes, pathPrefix, credentials, tls, connectMillis, socketMillis, retry);
  }

  /** These settings with another retry policy. */
  public ConnectionSettings withRetry(RetryPolicy policy) {
    return new ConnectionSettings(
        nodes, pathPrefix, credentials, tls, connectTimeoutMillis, socketTimeoutMillis, policy);
  }

  /** Whether requests go over TLS ({@code https://}), so that certificates matter. */
  public boolean usesTls() {
    return usesHttps(nodes);
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
        + ", tls="
        + tls.describe()
        + "]";
  }

  private static boolean usesHttps(List<URI> nodes) {
    return nodes.stream().anyMatch(node -> node.getScheme().equals("https"));
  }

  private static URI parseNode(String text) {
    String shown = withoutUserInfo(text);
    if (!text.contains("://") && text.matches("(?i)https?:.*")) {
      throw ClusterException.badUrl(
          shown, "it is not a URL (a scheme is followed by two slashes: http://host:9200)");
    }
    String withScheme = text.contains("://") ? text : "https://" + text;
    URI uri;
    try {
      uri = new URI(withScheme);
    } catch (URISyntaxException e) {
      throw ClusterException.badUrl(shown, "it is not a URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw ClusterException.badUrl(shown, "the scheme must be http or https, not " + scheme);
    }
    if (uri.getUserInfo() != null) {
      throw ClusterException.badUrl(
          shown, "credentials in the URL are not accepted; give them in the options for them");
    }
    if (uri.getHost() == null) {
      throw ClusterException.badUrl(shown, "no host name, or a port that is not a number");
    }
    int port = uri.getPort() == -1 ? 9200 : uri.getPort();
    if (port < 1 || port > 65535) {
      throw ClusterException.badUrl(shown, "the port must be 1 to 65535, not " + port);
    }
    try {
      return new URI(scheme, null, uri.getHost(), port, uri.getPath(), null, null);
    } catch (URISyntaxException e) {
      throw ClusterException.badUrl(shown, e.getReason());
    }
  }

  /**
   * The URL text with anything before its last '@' cut out (after the scheme), so a message never
   * shows a user or a password, even one that holds a '/' and so confuses a URL parser.
   */
  static String withoutUserInfo(String text) {
    int at = text.lastIndexOf('@');
    if (at < 0) {
      return text;
    }
    int scheme = text.indexOf("://");
    int start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
    return text.substring(0, start) + "***" + text.substring(at);
  }

  private static String normalizePath(String path) {
    if (path == null || path.isEmpty() || path.equals("/")) {
      return "";
    }
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return trimmed.startsWith("/") ? trimmed : "/" + trimmed;
  }
}

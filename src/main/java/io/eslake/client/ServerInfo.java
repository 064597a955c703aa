package io.eslake.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What answers at the cluster URL: the product and, when the account may read it, its version.
 * Learnt once per {@link ClusterClient}, from the product header Elasticsearch 7.14 and later sends
 * or from {@code GET /}.
 *
 * @param product Elasticsearch, OpenSearch, or compatible when the account cannot tell
 * @param version the version number, or empty when the account may not read it
 */
public record ServerInfo(Product product, String version) {

  /** The search servers the connector reads from. */
  public enum Product {
    ELASTICSEARCH("Elasticsearch"),
    OPENSEARCH("OpenSearch"),
    /** A server that answers the Elasticsearch API but lets the account see neither. */
    COMPATIBLE("a server of the Elasticsearch API");

    private final String displayName;

    Product(String displayName) {
      this.displayName = displayName;
    }

    public String displayName() {
      return displayName;
    }
  }

  /** An Elasticsearch known only by its product header. */
  static ServerInfo elasticsearchByHeader() {
    return new ServerInfo(Product.ELASTICSEARCH, "");
  }

  /**
   * A server known from other answers than {@code GET /}: a product seen in them, or else {@link
   * Product#COMPATIBLE}, and a version when one was found.
   */
  static ServerInfo of(Product product, String version) {
    return new ServerInfo(product == null ? Product.COMPATIBLE : product, version);
  }

  /**
   * Reads the answer to {@code GET /}: OpenSearch names itself in {@code version.distribution};
   * Elasticsearch gives a version number and its tagline.
   *
   * @return empty when the body is not the root document of either
   */
  static Optional<ServerInfo> fromRoot(JsonNode root) {
    JsonNode version = root.path("version");
    String number = version.path("number").asText("");
    if (number.isEmpty() || !Character.isDigit(number.charAt(0))) {
      return Optional.empty();
    }
    if ("opensearch".equalsIgnoreCase(version.path("distribution").asText(""))) {
      return Optional.of(new ServerInfo(Product.OPENSEARCH, number));
    }
    if (root.has("tagline") || root.has("cluster_name")) {
      return Optional.of(new ServerInfo(Product.ELASTICSEARCH, number));
    }
    return Optional.empty();
  }

  /** The major version, or -1 when the version is not known. */
  public int major() {
    if (version.isEmpty()) {
      return -1;
    }
    try {
      return Integer.parseInt(version.split("\\.")[0]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public boolean isOpenSearch() {
    return product == Product.OPENSEARCH;
  }

  /** "Elasticsearch 8.19.3", or the product alone when the version is not known. */
  @Override
  public String toString() {
    return version.isEmpty() ? product.displayName() : product.displayName() + " " + version;
  }
}

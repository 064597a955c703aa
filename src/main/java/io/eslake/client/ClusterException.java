package io.eslake.client;

import java.util.List;

/**
 * A failure talking to the cluster, with a message that says what failed and what to do. Every
 * message the client shows a user is made here, so the wording stays in one place.
 */
public final class ClusterException extends RuntimeException {

  /** What kind of failure, so callers can choose an exit code or decide to retry. */
  public enum Kind {
    /** The user's configuration is wrong: URL, credentials. */
    CONFIGURATION,
    /** A named index, alias or data stream does not exist. */
    NOT_FOUND,
    /** The account lacks a privilege. */
    PERMISSION,
    /** The cluster cannot be reached or answered in a way that is not the user's fault. */
    UNAVAILABLE,
    /** A read could not be completed in full. */
    INCOMPLETE_READ,
    /** The cluster rejected a request. */
    REQUEST
  }

  private final Kind kind;

  private ClusterException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static ClusterException badUrl(String url, String reason) {
    return new ClusterException(
        Kind.CONFIGURATION,
        "Cannot use cluster URL '" + url + "': " + reason + ". Give a URL like https://host:9200.",
        null);
  }

  static ClusterException unauthorized(String url, Credentials credentials) {
    return new ClusterException(
        Kind.CONFIGURATION,
        "Cannot authenticate to "
            + url
            + " with "
            + credentials.describe()
            + ": the cluster answered 401 Unauthorized. Check the username and password, or the"
            + " API key.",
        null);
  }

  static ClusterException forbidden(String url, String what, String reason) {
    return new ClusterException(
        Kind.PERMISSION,
        "Cannot "
            + what
            + " on "
            + url
            + ": the account lacks a privilege (403 Forbidden: "
            + reason
            + "). Grant the index privileges 'read' and 'view_index_metadata'.",
        null);
  }

  static ClusterException unreachable(String url, Throwable cause) {
    String detail =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new ClusterException(
        Kind.UNAVAILABLE,
        "Cannot connect to "
            + url
            + " ("
            + detail
            + "). Check the URL and that the cluster is reachable from this machine.",
        cause);
  }

  static ClusterException noSuchIndex(String index) {
    return new ClusterException(
        Kind.NOT_FOUND, "No index, alias or data stream named '" + index + "' exists.", null);
  }

  static ClusterException requestFailed(String url, String what, int status, String reason) {
    Kind kind = status >= 500 || status == 429 ? Kind.UNAVAILABLE : Kind.REQUEST;
    return new ClusterException(
        kind, "Cannot " + what + " on " + url + ": HTTP " + status + ": " + reason, null);
  }

  static ClusterException unexpectedResponse(String what, String detail, Throwable cause) {
    return new ClusterException(
        Kind.UNAVAILABLE,
        "Cannot " + what + ": the response was not what Elasticsearch sends (" + detail + ")",
        cause);
  }

  static ClusterException shardsFailed(String index, int failed, int total, List<String> reasons) {
    return new ClusterException(
        Kind.INCOMPLETE_READ,
        "Cannot read index '"
            + index
            + "' in full: "
            + failed
            + " of "
            + total
            + " shards failed to answer a page ("
            + String.join("; ", reasons)
            + "). The read stopped rather than return part of the index.",
        null);
  }

  static ClusterException timedOut(String index) {
    return new ClusterException(
        Kind.INCOMPLETE_READ,
        "Cannot read index '"
            + index
            + "' in full: a page timed out on the cluster. The read stopped rather than return"
            + " part of the index.",
        null);
  }
}

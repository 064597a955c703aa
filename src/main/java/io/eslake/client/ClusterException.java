package io.eslake.client;

import java.util.List;

/**
 * A failure talking to the cluster, with a message that says what failed and what to do. Every
 * message the client shows a user is made here, so the wording stays in one place.
 */
public final class ClusterException extends RuntimeException {

  /** The error type of a scroll (or point in time) the cluster no longer holds. */
  static final String SCROLL_LOST_TYPE = "search_context_missing_exception";

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

  /**
   * The cluster's own words when the failure is what it answers a read whose index was deleted or
   * closed after the read began (its scroll gone, or the index not found or closed when a slice
   * opens its scroll); null for any other failure.
   */
  private final String indexGoneSign;

  private ClusterException(Kind kind, String message, Throwable cause) {
    this(kind, message, cause, null);
  }

  private ClusterException(Kind kind, String message, Throwable cause, String indexGoneSign) {
    super(message, cause);
    this.kind = kind;
    this.indexGoneSign = indexGoneSign;
  }

  public Kind kind() {
    return kind;
  }

  /** Whether the cluster refused the request because the index is closed. */
  public boolean indexClosed() {
    return indexGoneSign != null && indexGoneSign.startsWith("index_closed_exception");
  }

  /**
   * Whether the index may have been deleted or closed during the read, so that it is worth asking
   * the cluster (see {@link ClusterClient#explainLostRead}).
   */
  boolean indexMayBeGone() {
    return indexGoneSign != null;
  }

  static ClusterException badUrl(String url, String reason) {
    return new ClusterException(
        Kind.CONFIGURATION,
        "Cannot use cluster URL '" + url + "': " + reason + ". Give a URL like https://host:9200.",
        null);
  }

  static ClusterException badCloudId(String reason) {
    return new ClusterException(
        Kind.CONFIGURATION,
        "Cannot use the Cloud ID: "
            + reason
            + ". Copy it again from the deployment's page in the Elastic Cloud console.",
        null);
  }

  static ClusterException tlsWithoutHttps(String url) {
    return new ClusterException(
        Kind.CONFIGURATION,
        "Cannot apply TLS settings to "
            + url
            + ": no node URL uses https://. Give https:// URLs, or leave the TLS options out.",
        null);
  }

  static ClusterException unauthorized(String url, Credentials credentials) {
    return new ClusterException(
        Kind.CONFIGURATION,
        "Cannot authenticate to "
            + url
            + " with "
            + credentials.describe()
            + ": the cluster answered 401 Unauthorized. "
            + credentials.whatToCheck(),
        null);
  }

  /**
   * A 403 answer. The privilege and index come from the request that was refused; the cluster's
   * reason follows, since it names the role that was checked.
   */
  static ClusterException forbidden(
      String url, Credentials credentials, Action action, String reason) {
    return new ClusterException(
        Kind.PERMISSION,
        "Cannot "
            + action.description()
            + " on "
            + url
            + ": "
            + credentials.describe()
            + " lacks the index privilege '"
            + action.privilege()
            + "' on '"
            + action.index()
            + "' (403 Forbidden: "
            + reason
            + "). Grant a role with the index privileges 'read' and 'view_index_metadata' on"
            + " the indices to read.",
        null);
  }

  static ClusterException unreachable(String url, Throwable cause) {
    return unreachable(url, cause, false);
  }

  /**
   * A node that takes no connections, after the retries.
   *
   * @param answeredBefore whether it answered earlier in this JVM: it stopped or is restarting,
   *     where "check the URL" would point at a URL that worked
   */
  static ClusterException unreachable(String url, Throwable cause, boolean answeredBefore) {
    return new ClusterException(
        Kind.UNAVAILABLE,
        "Cannot connect to "
            + url
            + " ("
            + connectDetail(cause)
            + (answeredBefore
                ? "), which answered earlier: the node stopped or is restarting. Run again once it"
                    + " is back (max_retries and retry_max_wait_ms set how long a read waits for"
                    + " it)."
                : "). Check the URL and that the cluster is reachable from this machine."),
        cause);
  }

  private static String connectDetail(Throwable cause) {
    if (cause instanceof java.net.UnknownHostException) {
      return "unknown host " + cause.getMessage();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /* The TLS messages name the catalog options that fix them (see ConnectorOptions). */

  static ClusterException untrustedCertificate(String url, TlsTrust trust, Throwable cause) {
    return new ClusterException(
        Kind.CONFIGURATION,
        "Cannot trust the TLS certificate of "
            + url
            + ": it is not signed by "
            + trust.describe()
            + " ("
            + deepestMessage(cause)
            + "). Give the cluster's CA certificate with 'ca_certificate_file' (a PEM file), or"
            + " its SHA-256 fingerprint with 'ca_fingerprint' (Elasticsearch prints it at first"
            + " start); 'insecure_skip_tls_verify' turns verification off, for tests only.",
        cause);
  }

  static ClusterException certificateForAnotherHost(String url, Throwable cause) {
    return new ClusterException(
        Kind.CONFIGURATION,
        "Cannot trust the TLS certificate of "
            + url
            + ": it was not issued for this host name ("
            + deepestMessage(cause)
            + "). Connect with a host name the certificate lists, or issue the node a"
            + " certificate for this one.",
        cause);
  }

  static ClusterException notTls(String url, Throwable cause) {
    return new ClusterException(
        Kind.CONFIGURATION,
        "Cannot open a TLS connection to "
            + url
            + ": the node does not answer in TLS ("
            + deepestMessage(cause)
            + "). If it serves plain HTTP, use an http:// URL.",
        cause);
  }

  static ClusterException tlsFailed(String url, Throwable cause) {
    return new ClusterException(
        Kind.UNAVAILABLE,
        "Cannot open a TLS connection to " + url + " (" + deepestMessage(cause) + ").",
        cause);
  }

  static ClusterException closedWithoutAnswer(String url, Throwable cause) {
    return new ClusterException(
        Kind.UNAVAILABLE,
        "Cannot talk to "
            + url
            + ": the connection closed without an answer. If the node serves HTTPS, use an"
            + " https:// URL.",
        cause);
  }

  /**
   * A connection closed without an answer by a node this JVM reached before at that URL. Over plain
   * HTTP the node may also have been switched to HTTPS since (it then closes plain connections), so
   * the message names that too.
   */
  static ClusterException closedMidRequest(String url, Throwable cause) {
    return incomplete(
        "an answer of " + url,
        "the connection closed before the answer came (a node may have stopped"
            + (url.startsWith("http://")
                ? ", or it serves HTTPS now: then use an https:// URL"
                : "")
            + ")",
        cause);
  }

  /**
   * The URL has a path, and the cluster found no handler for the requests under it: the path is not
   * where the cluster answers (it is for a proxy that serves the cluster under a path).
   */
  static ClusterException wrongPathPrefix(String url, String prefix, String reason) {
    return new ClusterException(
        Kind.CONFIGURATION,
        "Cannot use the path '"
            + prefix
            + "' of "
            + url
            + ": the cluster answered 400 ("
            + reason
            + "). Give the URL without a path, unless a proxy serves the cluster under that path.",
        null);
  }

  static ClusterException notElasticsearch(String url, String what) {
    return new ClusterException(
        Kind.CONFIGURATION,
        "Cannot use "
            + url
            + ": the server there is not Elasticsearch or OpenSearch ("
            + what
            + "). Check the host, the port (Elasticsearch listens on 9200 unless told otherwise)"
            + " and the path prefix.",
        null);
  }

  static ClusterException noSuchIndex(String index) {
    return new ClusterException(
        Kind.NOT_FOUND,
        "No index, alias or data stream named '" + index + "' exists.",
        null,
        "index_not_found_exception");
  }

  static ClusterException requestFailed(String url, String what, int status, String reason) {
    return requestFailed(url, what, status, reason, null);
  }

  /**
   * A request the cluster refused or failed to answer.
   *
   * @param errorType the cluster's error type when it is index_closed_exception, else null
   */
  static ClusterException requestFailed(
      String url, String what, int status, String reason, String errorType) {
    Kind kind = status >= 500 || status == 429 ? Kind.UNAVAILABLE : Kind.REQUEST;
    return new ClusterException(
        kind,
        "Cannot " + what + " on " + url + ": HTTP " + status + ": " + reason,
        null,
        errorType == null ? null : errorType + ": " + reason);
  }

  static ClusterException unexpectedResponse(String what, String detail, Throwable cause) {
    return new ClusterException(
        Kind.UNAVAILABLE,
        "Cannot " + what + ": the response was not what Elasticsearch sends (" + detail + ")",
        cause);
  }

  static ClusterException shardsFailed(String index, int failed, int total, List<String> reasons) {
    return shardsFailed(index, failed, total, reasons, "a page");
  }

  /**
   * Some shards did not answer.
   *
   * @param answering what the shards failed to answer, as in "failed to answer {answering}"
   */
  static ClusterException shardsFailed(
      String index, int failed, int total, List<String> reasons, String answering) {
    String why =
        failed
            + " of "
            + total
            + (total == 1 ? " shard" : " shards")
            + " failed to answer "
            + answering
            + " ("
            + String.join("; ", reasons)
            + ")";
    String lost =
        reasons.stream().filter(r -> r.contains(SCROLL_LOST_TYPE)).findFirst().orElse(null);
    return incomplete("index '" + index + "'", why, null, lost);
  }

  /**
   * A later page of a paged aggregation was answered by fewer shards than the first: an index
   * behind the name (a data stream's backing index, an alias's index) was deleted or closed between
   * the pages, and the later pages lack its documents although no shard failed.
   */
  static ClusterException shardsDropped(String name, int first, int now) {
    String why =
        "a later page of its aggregation was answered by "
            + now
            + " of the "
            + first
            + " shards that answered the first (an index behind the name was deleted or closed"
            + " during the read, so the later groups would lack its documents)";
    return incomplete(
        "'" + name + "'",
        why,
        null,
        "_shards.total " + now + " on a later page, " + first + " on the first");
  }

  /**
   * A slice of a sliced scroll over several indices started on another number of shards than the
   * read was planned on: an index behind the name was deleted, closed or added (a rollover) in
   * between. Each slice takes its shards by their place among those its own search sees, so the
   * slices no longer split one list of shards: some would be read twice, some not at all, and each
   * slice would still read its scroll in full.
   */
  public static ClusterException slicesShifted(
      String name, int slice, int slices, int planned, int now) {
    String why =
        "slice "
            + (slice + 1)
            + " of "
            + slices
            + " started on "
            + now
            + " shards where the read was planned on "
            + planned
            + " (an index behind the name was deleted, closed or added, by a rollover say, since"
            + " the read began), so the slices would no longer split the same shards: some would be"
            + " read twice and some not at all. Read it again, or read it in one slice (option"
            + " 'slices' 1), which a change of its indices cannot split wrongly";
    return incomplete(
        "'" + name + "'",
        why,
        null,
        "_shards.total " + now + " for slice " + (slice + 1) + ", " + planned + " planned");
  }

  static ClusterException timedOut(String index) {
    return incomplete("index '" + index + "'", "a page timed out on the cluster", null);
  }

  static ClusterException cutShort(String url, String detail, Throwable cause) {
    return incomplete("an answer of " + url, "the response was cut short (" + detail + ")", cause);
  }

  static ClusterException malformedPage(String index, Throwable cause) {
    String detail = deepestMessage(cause).lines().findFirst().orElse("");
    return incomplete(
        "index '" + index + "'",
        "a page is not whole JSON, as if cut short (" + detail + ")",
        cause);
  }

  static ClusterException connectionReset(String url, Throwable cause) {
    String why = "the connection was reset during the response (" + deepestMessage(cause) + ")";
    return incomplete("an answer of " + url, why, cause);
  }

  static ClusterException timedOutWaiting(String url, int socketTimeoutMillis, Throwable cause) {
    return new ClusterException(
        Kind.UNAVAILABLE,
        "Cannot read an answer of "
            + url
            + ": no data came for "
            + socketTimeoutMillis / 1000
            + " s (socket timeout). Check the cluster's load.",
        cause);
  }

  static ClusterException scrollLost(String index, String reason) {
    String why =
        "its scroll expired or was lost on the cluster ("
            + SCROLL_LOST_TYPE
            + ": "
            + reason
            + "; a scroll is dropped when 'scroll_keep_alive' passes between two pages or a node"
            + " restarts)";
    return incomplete("index '" + index + "'", why, null, SCROLL_LOST_TYPE + ": " + reason);
  }

  /**
   * A read whose index was deleted, or closed, after it began: the cluster dropped its scroll with
   * the index, and says so only as a lost scroll or a missing index.
   *
   * @param closed whether the index is there but closed, rather than gone
   * @param lost the failure the cluster answered with
   */
  static ClusterException indexGoneMidRead(String index, boolean closed, ClusterException lost) {
    String advice =
        closed
            ? " Open it (POST /" + index + "/_open) and read it again."
            : " Read it again once it exists, or leave it out of the read.";
    return goneMidRead("index", index, "it was", closed, lost, advice);
  }

  /**
   * A read of a data stream or alias that is still there, some of whose indices were deleted after
   * the read began (a retention policy deletes a stream's old backing indices): the cluster dropped
   * the scroll's contexts on them and says so only as a lost scroll or failed shards.
   *
   * @param dataStream whether the name is a data stream, rather than an alias
   * @param indices the indices behind the name that were deleted, or closed
   * @param closed whether they were closed, rather than deleted
   * @param lost the failure the cluster answered with
   */
  static ClusterException indicesGoneMidRead(
      String name,
      boolean dataStream,
      List<String> indices,
      boolean closed,
      ClusterException lost) {
    String member = dataStream ? "backing ind" : "ind";
    String named = String.join(", ", indices.stream().map(i -> "'" + i + "'").toList());
    String subject =
        indices.size() == 1
            ? "its " + member + "ex " + named + " was"
            : "its " + member + "ices " + named + " were";
    String advice =
        closed
            ? " Open "
                + (indices.size() == 1 ? "it" : "them")
                + " (POST /"
                + String.join(",", indices)
                + "/_open) and read the "
                + (dataStream ? "data stream" : "alias")
                + " again."
            : " Read it again: a new read reads the " + member + "ices it has then.";
    return goneMidRead(dataStream ? "data stream" : "alias", name, subject, closed, lost, advice);
  }

  /**
   * The failure of a read whose index, or some index behind the name read, was deleted or closed.
   *
   * @param kind what the name is: "index", "data stream", "alias"
   * @param subject what was deleted or closed, with its verb: "it was", "its index 'x' was"
   */
  private static ClusterException goneMidRead(
      String kind,
      String name,
      String subject,
      boolean closed,
      ClusterException lost,
      String advice) {
    return new ClusterException(
        Kind.INCOMPLETE_READ,
        "Cannot read "
            + kind
            + " '"
            + name
            + "' in full: "
            + subject
            + " "
            + (closed ? "closed" : "deleted")
            + " while it was being read (the cluster answered "
            + lost.indexGoneSign
            + "). The read stopped rather than return part of the "
            + kind
            + "."
            + advice,
        lost);
  }

  static ClusterException tooManyScrolls(String url, String index, String reason) {
    return new ClusterException(
        Kind.REQUEST,
        "Cannot open a scroll on '"
            + index
            + "' on "
            + url
            + ": the cluster holds as many open scrolls as search.max_open_scroll_context allows ("
            + reason
            + "). Read with fewer 'slices', run fewer reads at once, or raise that cluster"
            + " setting.",
        null);
  }

  /** A wait for the cluster that the task's cancellation interrupted. */
  public static ClusterException interrupted(String what) {
    return new ClusterException(
        Kind.UNAVAILABLE, "Cannot " + what + ": the read was cancelled while waiting.", null);
  }

  /** A slice that ended with fewer (or more) documents than its scroll counted. */
  public static ClusterException sliceShort(
      String index, int slice, int slices, long read, long expected) {
    String why =
        "slice "
            + slice
            + " of "
            + slices
            + " ended after "
            + read
            + (read == 1 ? " document" : " documents")
            + ", but its scroll counted "
            + expected;
    return incomplete("index '" + index + "'", why, null);
  }

  /**
   * A read that could not be completed in full: it stops, rather than pass part of the index for
   * the whole of it.
   *
   * @param subject what was being read: "index 'x'", or "an answer of" a URL
   * @param why what went wrong, with the cluster's or the client's own words
   */
  private static ClusterException incomplete(String subject, String why, Throwable cause) {
    return incomplete(subject, why, cause, null);
  }

  /**
   * @param indexGoneSign the cluster's words when the failure may mean the index was deleted or
   *     closed during the read, else null
   */
  private static ClusterException incomplete(
      String subject, String why, Throwable cause, String indexGoneSign) {
    return new ClusterException(
        Kind.INCOMPLETE_READ,
        "Cannot read "
            + subject
            + " in full: "
            + why
            + ". The read stopped rather than return part of the index.",
        cause,
        indexGoneSign);
  }

  static String deepestMessage(Throwable failure) {
    String message = failure.getClass().getSimpleName();
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    return message;
  }
}

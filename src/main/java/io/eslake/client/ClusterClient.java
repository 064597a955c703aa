package io.eslake.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.http.ConnectionClosedException;
import org.apache.http.HttpHost;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.nio.client.HttpAsyncClientBuilder;
import org.apache.http.message.BasicHeader;
import org.apache.http.nio.entity.NStringEntity;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests the connector sends to a cluster: listing, mappings, settings, counts and scroll
 * pages. One instance holds one connection pool; close it when done. Used on the driver for
 * planning, where short calls share a pool ({@link #shared}), and on executors for reading, a pool
 * per partition ({@link #connect}); it knows nothing of Spark.
 */
public final class ClusterClient implements Closeable {

  static final ObjectMapper JSON = new ObjectMapper(ResponseLimits.jsonFactory());

  /** The most bytes one page may have; a page can be large when documents are. */
  private static final int PAGE_BUFFER_LIMIT_BYTES = 512 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ClusterClient.class);

  /** The cluster URLs that answered a request in this JVM, for the retry of a lost node. */
  private static final Set<String> REACHED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private static final AtomicLong SHARED_THREADS = new AtomicLong();

  /** The cluster's own words when a node holds as many scrolls as it may. */
  private static final java.util.regex.Pattern TOO_MANY_SCROLLS =
      java.util.regex.Pattern.compile("Trying to create too many scroll contexts[^\"]*");

  private static final String PRODUCT_HEADER = "X-elastic-product";
  private static final String ELASTICSEARCH = "Elasticsearch";

  private final ConnectionSettings settings;
  private final RestClient rest;
  private final PageBuffers pageBuffers = new PageBuffers(PAGE_BUFFER_LIMIT_BYTES);
  private final RequestOptions pageOptions;

  /** What answers at the URL, once known; see {@link #server()}. */
  private volatile ServerInfo server;

  /** Whether {@code GET /} was asked already: it is asked at most once per client. */
  private boolean rootAsked;

  /** Requests sent again under the retry policy, for the read's metrics. */
  private final AtomicLong retries = new AtomicLong();

  /** Whether this client is lent by {@link SharedClients}: closing it gives it back. */
  private final boolean shared;

  private ClusterClient(ConnectionSettings settings, RestClient rest, boolean shared) {
    this.settings = settings;
    this.rest = rest;
    this.shared = shared;
    RequestOptions.Builder options = RequestOptions.DEFAULT.toBuilder();
    options.setHttpAsyncResponseConsumerFactory(pageBuffers);
    this.pageOptions = options.build();
  }

  /**
   * Builds a client with a connection pool of its own, for a reader that keeps it for a whole
   * partition; no request is sent until a method is called.
   */
  public static ClusterClient connect(ConnectionSettings settings) {
    return open(settings, false);
  }

  /**
   * The driver's client for these settings, shared by short planning calls (see {@link
   * SharedClients}); closing it gives it back rather than closing its pool.
   */
  public static ClusterClient shared(ConnectionSettings settings) {
    return SharedClients.acquire(settings, wanted -> open(wanted, true));
  }

  private static ClusterClient open(ConnectionSettings settings, boolean shared) {
    HttpHost[] hosts =
        settings.nodes().stream()
            .map(uri -> new HttpHost(uri.getHost(), uri.getPort(), uri.getScheme()))
            .toArray(HttpHost[]::new);
    RestClientBuilder builder = RestClient.builder(hosts);
    if (!settings.pathPrefix().isEmpty()) {
      builder.setPathPrefix(settings.pathPrefix());
    }
    settings
        .credentials()
        .authorizationHeader()
        .ifPresent(
            value ->
                builder.setDefaultHeaders(
                    new org.apache.http.Header[] {new BasicHeader("Authorization", value)}));
    builder.setRequestConfigCallback(
        config ->
            config
                .setConnectTimeout(settings.connectTimeoutMillis())
                .setSocketTimeout(settings.socketTimeoutMillis()));
    builder.setHttpClientConfigCallback(
        http -> {
          if (shared) {
            // An idle shared pool is closed after a while; until then it must not keep the
            // program from ending.
            http.setThreadFactory(ClusterClient::daemonThread);
          }
          return withTls(http, settings.tls());
        });
    return new ClusterClient(settings, builder.build(), shared);
  }

  private static Thread daemonThread(Runnable task) {
    Thread thread = new Thread(task, "eslake-shared-client-" + SHARED_THREADS.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  }

  private static HttpAsyncClientBuilder withTls(HttpAsyncClientBuilder http, TlsTrust trust) {
    trust.sslContext().ifPresent(http::setSSLContext);
    if (!trust.verifiesHostName()) {
      http.setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE);
    }
    return http;
  }

  /** The arrays this client receives pages into; for tests. */
  PageBuffers pageBuffers() {
    return pageBuffers;
  }

  public ConnectionSettings settings() {
    return settings;
  }

  /**
   * How many times this client has sent a request again under the retry policy: after a 429, 502,
   * 503 or 504 answer, or a connection lost to a node that answered before.
   */
  public long retries() {
    return retries.get();
  }

  /**
   * What answers at the URL, with its version when the account may read {@code GET /}. Asks {@code
   * GET /} at most once per client. When the account may not (HTTP 403 or 405), it falls back to
   * what other answers showed: the product header Elasticsearch sends, else a server that answers
   * the Elasticsearch API as {@link ServerInfo.Product#COMPATIBLE}.
   *
   * @throws ClusterException when the server there is neither Elasticsearch nor OpenSearch
   */
  public synchronized ServerInfo server() {
    if (!rootAsked) {
      rootAsked = true;
      Optional<ServerInfo> root = askRoot();
      if (root.isPresent()) {
        server = root.get();
      } else {
        String version = askNodeVersion();
        server = ServerInfo.of(server == null ? null : server.product(), version);
      }
    }
    return server;
  }

  /**
   * The version the node that answers reports in its node info, for servers that refuse {@code GET
   * /}; empty when the account may not read node info either.
   */
  private String askNodeVersion() {
    Request request = new Request("GET", "/_nodes/_local");
    request.addParameter("filter_path", "nodes.*.version");
    try {
      JsonNode nodes = json(request, new Action("read the node version", "", "monitor"));
      for (JsonNode node : nodes.path("nodes")) {
        return node.path("version").asText("");
      }
      return "";
    } catch (ClusterException e) {
      return "";
    }
  }

  /**
   * What the answers so far showed the server to be, without asking anything: for messages and
   * logs. "unknown" before the first answer.
   */
  public String knownServer() {
    ServerInfo known = server;
    return known == null ? "unknown" : known.toString();
  }

  /**
   * Whether the cluster opens point-in-time views of an index: asks it, by opening one for a few
   * seconds and closing it again, on the endpoint of the server's product ({@code _pit} on
   * Elasticsearch 7.10 and later, {@code _search/point_in_time} on OpenSearch 2.4 and later).
   */
  public boolean supportsPointInTime(String index) {
    ServerInfo info = server();
    if (info.product() != ServerInfo.Product.OPENSEARCH && openAndClosePit(index, false)) {
      return true;
    }
    return info.product() != ServerInfo.Product.ELASTICSEARCH && openAndClosePit(index, true);
  }

  private boolean openAndClosePit(String index, boolean openSearch) {
    String path = openSearch ? "/_search/point_in_time" : "/_pit";
    Request open = new Request("POST", "/" + PathSegments.encode(index) + path);
    open.addParameter("keep_alive", "10s");
    JsonNode opened;
    try {
      opened = json(open, Action.read("open a point in time on '" + index + "'", index));
    } catch (ClusterException e) {
      if (e.kind() == ClusterException.Kind.REQUEST) {
        return false;
      }
      throw e;
    }
    String id = opened.path(openSearch ? "pit_id" : "id").asText("");
    if (id.isEmpty()) {
      return false;
    }
    ObjectNode body = JSON.createObjectNode();
    if (openSearch) {
      body.putArray("pit_id").add(id);
    } else {
      body.put("id", id);
    }
    Request close = new Request("DELETE", path);
    close.setEntity(new NStringEntity(body.toString(), ContentType.APPLICATION_JSON));
    json(close, Action.read("close a point in time on '" + index + "'", index));
    return true;
  }

  /**
   * Asks {@code GET /} what the server is.
   *
   * @return empty when the account may not ask (HTTP 403 or 405 with an Elasticsearch error)
   * @throws ClusterException when the answer is from neither Elasticsearch nor OpenSearch
   */
  private Optional<ServerInfo> askRoot() {
    Action action = new Action("read the server version", "", "monitor");
    Response response;
    try {
      response = rest.performRequest(new Request("GET", "/"));
    } catch (ResponseException e) {
      int status = e.getResponse().getStatusLine().getStatusCode();
      if (status == 403 || status == 405) {
        if (ELASTICSEARCH.equals(e.getResponse().getHeader(PRODUCT_HEADER))) {
          server = ServerInfo.elasticsearchByHeader();
        }
        if (ErrorBody.parse(readQuietly(e.getResponse())).fromElasticsearch()) {
          return Optional.empty();
        }
      }
      throw translate(e, action);
    } catch (IOException e) {
      throw translate(e);
    }
    int status = response.getStatusLine().getStatusCode();
    Optional<ServerInfo> info;
    try (InputStream content = response.getEntity().getContent()) {
      info = ServerInfo.fromRoot(JSON.readTree(content));
    } catch (IOException | RuntimeException e) {
      info = Optional.empty();
    }
    if (info.isEmpty()) {
      throw ClusterException.notElasticsearch(
          settings.displayUrl(),
          "it answered HTTP "
              + status
              + " without the "
              + PRODUCT_HEADER
              + " header Elasticsearch sends, and its GET / named no Elasticsearch or"
              + " OpenSearch version");
    }
    return info;
  }

  /**
   * Resolves a name or wildcard pattern to the indices (open and closed), aliases and data streams
   * it matches, in one request. Uses {@code _resolve/index}, which a role with only index
   * privileges may call; it answers with the names the role has privileges on.
   */
  public ResolvedNames resolve(String pattern, boolean includeHidden) {
    Request request = new Request("GET", "/_resolve/index/" + PathSegments.encode(pattern));
    request.addParameter("expand_wildcards", includeHidden ? "open,closed,hidden" : "open,closed");
    request.addParameter("ignore_unavailable", "true");
    Action action = Action.metadata("list indices matching '" + pattern + "'", pattern);
    return ResolvedNames.parse(json(request, action));
  }

  /**
   * The names, of those given, that the account may not read, asked in one {@code _has_privileges}
   * request (which every user may send about itself). A role can hold {@code view_index_metadata}
   * on an index, and so see it listed, without {@code read}: such a name is not a table. Returns an
   * empty set when the cluster cannot answer the question (security off, OpenSearch without its
   * security plugin): every name is kept then, and a read that is refused says why.
   */
  public Set<String> unreadable(Collection<String> names) {
    if (names.isEmpty()) {
      return Set.of();
    }
    ObjectNode body = JSON.createObjectNode();
    ObjectNode entry = body.putArray("index").addObject();
    names.forEach(entry.putArray("names")::add);
    entry.putArray("privileges").add(Action.READ);
    Request request = new Request("POST", "/_security/user/_has_privileges");
    request.setEntity(new NStringEntity(body.toString(), ContentType.APPLICATION_JSON));
    JsonNode answer;
    try {
      answer =
          json(request, new Action("check the read privilege of the listed names", null, null));
    } catch (ClusterException e) {
      // The question has no answer here; reads that are refused still name the privilege.
      return Set.of();
    }
    Set<String> refused = new TreeSet<>();
    answer
        .path("index")
        .fields()
        .forEachRemaining(
            name -> {
              if (!name.getValue().path(Action.READ).asBoolean(true)) {
                refused.add(name.getKey());
              }
            });
    return refused;
  }

  /**
   * Fails with the missing privilege named when the account may see a name but not read it.
   *
   * @throws ClusterException of kind PERMISSION when {@code _has_privileges} says no
   */
  public void requireReadable(String name) {
    if (!unreadable(List.of(name)).isEmpty()) {
      throw ClusterException.forbidden(
          settings.displayUrl(),
          settings.credentials(),
          Action.read("read index '" + name + "'", name),
          "its roles grant 'view_index_metadata' but not 'read'");
    }
  }

  /**
   * Returns the mappings of every concrete index behind a name, keyed by concrete index name.
   *
   * @throws ClusterException when no such index exists
   */
  public Map<String, JsonNode> mappings(String name) {
    Request request = new Request("GET", "/" + PathSegments.encode(name) + "/_mapping");
    JsonNode body = json(request, Action.metadata("read the mapping of '" + name + "'", name));
    Map<String, JsonNode> byIndex = new java.util.LinkedHashMap<>();
    body.fields().forEachRemaining(e -> byIndex.put(e.getKey(), e.getValue().path("mappings")));
    return byIndex;
  }

  /**
   * The primary shards across the concrete indices behind a name, and the most slices a scroll over
   * all of them may have ({@code index.max_slices_per_scroll}, 1024 unless an index lowers it).
   */
  public ShardLayout shardLayout(String name) {
    Request request =
        new Request(
            "GET",
            "/"
                + PathSegments.encode(name)
                + "/_settings/index.number_of_shards,index.max_slices_per_scroll");
    request.addParameter("flat_settings", "true");
    request.addParameter("include_defaults", "true");
    JsonNode body = json(request, Action.metadata("read the settings of '" + name + "'", name));
    int shards = 0;
    int maxSlices = Integer.MAX_VALUE;
    List<String> indices = new ArrayList<>();
    for (var fields = body.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> index = fields.next();
      indices.add(index.getKey());
      shards += setting(index.getValue(), "index.number_of_shards", 1);
      maxSlices =
          Math.min(maxSlices, setting(index.getValue(), "index.max_slices_per_scroll", 1024));
    }
    return new ShardLayout(
        Math.max(1, shards), maxSlices == Integer.MAX_VALUE ? 1024 : maxSlices, indices);
  }

  /** A setting of one index, as set on it or else as the cluster's default. */
  private static int setting(JsonNode index, String key, int fallback) {
    JsonNode set = index.path("settings").path(key);
    return (set.isMissingNode() ? index.path("defaults").path(key) : set).asInt(fallback);
  }

  /** The number of documents behind a name, as a search would see them now. */
  public long count(String name) {
    Request request = new Request("GET", "/" + PathSegments.encode(name) + "/_count");
    return countOf(name, json(request, Action.read("count documents in '" + name + "'", name)));
  }

  /**
   * The number of documents behind a name that match a query.
   *
   * @param query the query as JSON, or null for all documents
   */
  public long count(String name, String query) {
    if (query == null) {
      return count(name);
    }
    Request request = new Request("POST", "/" + PathSegments.encode(name) + "/_count");
    request.setEntity(new NStringEntity("{\"query\":" + query + "}", ContentType.APPLICATION_JSON));
    return countOf(name, json(request, Action.read("count documents in '" + name + "'", name)));
  }

  /**
   * The count of an answer that every shard gave: a count missing a failed shard's documents would
   * pass for the whole, so it fails instead.
   */
  private static long countOf(String name, JsonNode answer) {
    checkShards(name, answer.path("_shards"), "the count");
    return answer.path("count").asLong();
  }

  private static void checkShards(String name, JsonNode shards, String answering) {
    if (shards.path("failed").asInt(0) > 0) {
      List<String> reasons = new ArrayList<>();
      shards.path("failures").forEach(f -> reasons.add(f.path("reason").path("reason").asText()));
      throw ClusterException.shardsFailed(
          name, shards.path("failed").asInt(), shards.path("total").asInt(), reasons, answering);
    }
  }

  /**
   * Sends a search that reads no documents, only aggregations, and returns its parsed answer. Safe
   * to repeat, so it is retried like a count.
   *
   * @param body the search body as JSON
   * @param what what the search computes, as in "Cannot {what} of 'index'"
   */
  public JsonNode aggregate(String name, String body, String what) {
    Request request = new Request("POST", "/" + PathSegments.encode(name) + "/_search");
    request.addParameter(
        "filter_path", "aggregations,_shards.total,_shards.failed,_shards.failures,timed_out");
    request.setEntity(new NStringEntity(body, ContentType.APPLICATION_JSON));
    JsonNode answer = json(request, Action.read(what + " of '" + name + "'", name));
    checkShards(name, answer.path("_shards"), "the search");
    if (answer.path("timed_out").asBoolean(false)) {
      throw ClusterException.timedOut(name);
    }
    return answer;
  }

  /**
   * Checks that a later page of a paged aggregation was answered by as many shards as its first:
   * with fewer, an index behind the name went away between the pages and the groups would be short
   * without any shard failing.
   *
   * @param firstShards the {@code _shards.total} of the first page's answer
   * @param indices the concrete indices behind the name when the read was planned, to name the one
   *     that went away; empty when not known
   * @return the page's {@code _shards.total}
   */
  public int checkSameShards(String name, List<String> indices, int firstShards, JsonNode answer) {
    int now = answer.path("_shards").path("total").asInt(firstShards);
    if (firstShards >= 0 && now < firstShards) {
      throw explainLostRead(name, indices, ClusterException.shardsDropped(name, firstShards, now));
    }
    return now;
  }

  /**
   * The shards a search of a name runs on now ({@code _shards.total} of a search for no hits): for
   * a data stream or alias, its indices' shards as routing picks them.
   */
  public int searchedShards(String name) {
    Request request = new Request("POST", "/" + PathSegments.encode(name) + "/_search");
    request.addParameter("size", "0");
    request.addParameter("track_total_hits", "false");
    request.addParameter("filter_path", "_shards.total");
    JsonNode answer = json(request, Action.read("count the shards of '" + name + "'", name));
    return answer.path("_shards").path("total").asInt(-1);
  }

  /** Opens the scroll of one slice and returns its first page. */
  public SearchPage openScroll(ScrollQuery query) {
    Request request = searchRequest(query);
    request.addParameter("scroll", query.keepAlive());
    String name = query.index();
    return page(request, name, Action.read("open a scroll on '" + name + "'", name), false);
  }

  /** Reads the first page of a query without opening a scroll: a sample of the documents. */
  public SearchPage firstPage(ScrollQuery query) {
    String name = query.index();
    Action action = Action.read("read a sample of '" + name + "'", name);
    return page(searchRequest(query), name, action, true);
  }

  /** Fetches the next page of a slice's scroll. */
  public SearchPage continueScroll(ScrollQuery query, String scrollId) {
    Request request = new Request("POST", "/_search/scroll");
    ObjectNode body =
        JSON.createObjectNode().put("scroll", query.keepAlive()).put("scroll_id", scrollId);
    request.setEntity(new NStringEntity(body.toString(), ContentType.APPLICATION_JSON));
    request.setOptions(pageOptions);
    String name = query.index();
    return page(request, name, Action.read("read the next page of '" + name + "'", name), false);
  }

  /**
   * Tells a read whose index was deleted or closed while it ran from one that lost its scroll for
   * another reason. The cluster drops a scroll's contexts with its index and then answers as for an
   * expired scroll (HTTP 404, or failed shards), and a slice that opens its scroll afterwards is
   * told the index does not exist or is closed; none of these names what happened. For such a
   * failure this asks the cluster what became of the name ({@code _resolve/index}, one request).
   *
   * @return a failure saying the index was deleted or closed during the read, or the given one when
   *     the index is still open, the failure is of another kind, or the question fails
   */
  public ClusterException explainLostRead(String name, ClusterException failure) {
    return explainLostRead(name, List.of(), failure);
  }

  /**
   * {@link #explainLostRead(String, ClusterException)} for a name that may stand for several
   * indices: when the name is still there as a data stream or an alias, the indices that were
   * behind it when the read was planned and are no longer among its indices are named as deleted
   * during the read (a data stream's old backing index deleted by a retention policy), and those
   * now closed as closed. The same one request answers it: {@code _resolve/index} lists a stream's
   * backing indices and an alias's indices, and which indices are closed.
   *
   * @param indices the concrete indices behind the name when the read was planned; empty when not
   *     known
   */
  public ClusterException explainLostRead(
      String name, List<String> indices, ClusterException failure) {
    if (!failure.indexMayBeGone()) {
      return failure;
    }
    ResolvedNames now;
    try {
      now = resolve(name, true);
    } catch (ClusterException e) {
      return failure;
    }
    boolean closed = now.index(name).filter(ResolvedNames.Index::isClosed).isPresent();
    Optional<List<String>> stream =
        now.dataStream(name).map(ResolvedNames.DataStream::backingIndices);
    Optional<List<String>> alias = now.alias(name).map(ResolvedNames.Alias::indices);
    if (closed || !now.has(name)) {
      return ClusterException.indexGoneMidRead(name, closed, failure);
    }
    List<String> members = stream.or(() -> alias).orElse(List.of(name));
    List<String> deleted =
        indices.stream().filter(i -> !i.equals(name) && !members.contains(i)).toList();
    if (!deleted.isEmpty()) {
      return ClusterException.indicesGoneMidRead(name, stream.isPresent(), deleted, false, failure);
    }
    List<String> closedMembers =
        closedAmong(indices.stream().filter(i -> !i.equals(name)).toList());
    if (!closedMembers.isEmpty()) {
      return ClusterException.indicesGoneMidRead(
          name, stream.isPresent(), closedMembers, true, failure);
    }
    return failure;
  }

  /**
   * Which of these indices are closed now, by one {@code _resolve/index} of their names (a data
   * stream's answer lists its backing indices without saying which are closed); none when the
   * question fails.
   */
  private List<String> closedAmong(List<String> names) {
    if (names.isEmpty()) {
      return List.of();
    }
    try {
      return resolve(String.join(",", names), true).indices().stream()
          .filter(ResolvedNames.Index::isClosed)
          .map(ResolvedNames.Index::name)
          .toList();
    } catch (ClusterException e) {
      return List.of();
    }
  }

  /**
   * Releases a scroll context on the cluster. Never throws: a failure to clear is not worth hiding
   * the outcome of the read; the context then expires on its own after its keep-alive.
   *
   * @return whether the cluster confirmed the release
   */
  public boolean clearScroll(String scrollId) {
    Request request = new Request("DELETE", "/_search/scroll");
    ObjectNode body = JSON.createObjectNode();
    body.putArray("scroll_id").add(scrollId);
    request.setEntity(new NStringEntity(body.toString(), ContentType.APPLICATION_JSON));
    try {
      Response response = rest.performRequest(request);
      EntityUtils.consumeQuietly(response.getEntity());
      return true;
    } catch (ResponseException e) {
      // 404: the cluster holds no such scroll (its index was deleted, or it expired): nothing left.
      return e.getResponse().getStatusLine().getStatusCode() == 404;
    } catch (IOException | RuntimeException e) {
      // The client says an interrupted wait with a RuntimeException.
      return false;
    }
  }

  /**
   * Sends any request and returns its parsed JSON body; for callers outside the read path.
   *
   * @param what what the request does, as in "Cannot {what}"
   * @param index the index the request names, for messages
   * @param privilege the least index privilege the request needs, for messages
   */
  public JsonNode send(
      String method,
      String endpoint,
      String jsonBody,
      String what,
      String index,
      String privilege) {
    Request request = new Request(method, endpoint);
    if (jsonBody != null) {
      request.setEntity(new NStringEntity(jsonBody, ContentType.APPLICATION_JSON));
    }
    return json(request, new Action(what, index, privilege));
  }

  @Override
  public void close() {
    if (shared) {
      SharedClients.release(this);
    } else {
      closePool();
    }
  }

  /** Whether the connection pool still sends requests. */
  boolean isRunning() {
    return rest.isRunning();
  }

  /** Closes the connection pool. */
  void closePool() {
    try {
      rest.close();
    } catch (IOException ignored) {
      // Closing a pool that failed to close leaves nothing a caller can act on.
    }
  }

  /**
   * A search request for one page. It carries no filter_path: a filtered response is parsed and
   * written again by the cluster, which rewrites the numbers of every _source (12.50 becomes 12.5,
   * 1500800000000.123456 a double), and _source must reach the decoder as it was indexed.
   */
  private Request searchRequest(ScrollQuery query) {
    Request request = new Request("POST", "/" + PathSegments.encode(query.searched()) + "/_search");
    request.setEntity(new NStringEntity(query.body().toString(), ContentType.APPLICATION_JSON));
    request.setOptions(pageOptions);
    return request;
  }

  private SearchPage page(Request request, String name, Action action, boolean idempotent) {
    Response response = perform(request, action, idempotent);
    try {
      if (response.getEntity() instanceof PageBuffers.Page body) {
        return SearchPage.open(body, name);
      }
      return SearchPage.open(response.getEntity().getContent(), name);
    } catch (IOException e) {
      throw ClusterException.unexpectedResponse(action.description(), e.getMessage(), e);
    }
  }

  private JsonNode json(Request request, Action action) {
    Response response = perform(request, action);
    try (InputStream content = response.getEntity().getContent()) {
      return JSON.readTree(content);
    } catch (IOException e) {
      throw ClusterException.unexpectedResponse(action.description(), e.getMessage(), e);
    }
  }

  private Response perform(Request request, Action action) {
    return perform(request, action, true);
  }

  /**
   * Sends a request, trying it again under the retry policy when the cluster refused it for the
   * moment (429, 502, 503, 504) or a node that answered before cannot be connected to (it is
   * restarting). A connection lost after the request was sent is retried only when the request is
   * idempotent: a scroll page is not, since the cluster may have moved the scroll on.
   *
   * @param idempotent whether sending the request twice has the effect of sending it once
   */
  private Response perform(Request request, Action action, boolean idempotent) {
    RetryPolicy policy = settings.retry();
    for (int retry = 0; ; retry++) {
      Response response;
      try {
        response = rest.performRequest(request);
      } catch (ResponseException e) {
        int status = e.getResponse().getStatusLine().getStatusCode();
        if (retry < policy.maxRetries() && RetryPolicy.retryableStatus(status)) {
          EntityUtils.consumeQuietly(e.getResponse().getEntity());
          retries.incrementAndGet();
          pause(policy, retry, action, "HTTP " + status);
          continue;
        }
        throw translate(e, action);
      } catch (IOException e) {
        if (retry < policy.maxRetries() && retryable(e, idempotent)) {
          retries.incrementAndGet();
          pause(policy, retry, action, ClusterException.deepestMessage(e));
          continue;
        }
        throw translate(e);
      }
      requireSearchServer(response);
      REACHED.add(settings.displayUrl());
      return response;
    }
  }

  /**
   * Whether a request that failed without an answer may be sent again. A refused connection never
   * reached the cluster, but is retried only for a cluster this JVM has reached before: for one it
   * never reached, the URL or port is more likely wrong than the node restarting. So is a socket
   * timeout: a server that accepts connections but never answered is more likely not the cluster
   * (or a firewall's black hole) than a busy node, and each try would wait the whole timeout.
   */
  private boolean retryable(IOException failure, boolean idempotent) {
    boolean lostAfterSending = false;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SSLException || t instanceof CertificateException) {
        return false;
      }
      if (t instanceof java.net.ConnectException) {
        return REACHED.contains(settings.displayUrl());
      }
      if (t instanceof java.net.SocketTimeoutException
          && !REACHED.contains(settings.displayUrl())) {
        return false;
      }
      lostAfterSending |=
          t instanceof java.net.SocketException
              || t instanceof java.net.SocketTimeoutException
              || (t instanceof ConnectionClosedException
                  && (isCutShort(t) || REACHED.contains(settings.displayUrl())));
    }
    return idempotent && lostAfterSending;
  }

  private static void pause(RetryPolicy policy, int retry, Action action, String why) {
    long wait = policy.waitBefore(retry);
    LOG.warn(
        "Retrying to {} in {} ms after {} (retry {} of {})",
        action.description(),
        wait,
        why,
        retry + 1,
        policy.maxRetries());
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ClusterException.interrupted(action.description());
    }
  }

  /**
   * Elasticsearch 7.14 and later mark every successful answer with {@code X-elastic-product}; that
   * header is enough and costs no request. An answer without it comes from OpenSearch, an older
   * Elasticsearch or something else listening on the port (another service, a web server): {@link
   * #server()} then asks {@code GET /} once, and throws when it is none of them.
   */
  private void requireSearchServer(Response response) {
    if (ELASTICSEARCH.equals(response.getHeader(PRODUCT_HEADER))) {
      if (server == null) {
        server = ServerInfo.elasticsearchByHeader();
      }
      return;
    }
    try {
      server();
    } catch (ClusterException e) {
      EntityUtils.consumeQuietly(response.getEntity());
      throw e;
    }
  }

  private ClusterException translate(ResponseException e, Action action) {
    Response response = e.getResponse();
    int status = response.getStatusLine().getStatusCode();
    String body = readQuietly(response);
    ErrorBody error = ErrorBody.parse(body);
    String url = settings.displayUrl();
    if (status == 401) {
      return ClusterException.unauthorized(url, settings.credentials());
    }
    if (status == 403) {
      return ClusterException.forbidden(url, settings.credentials(), action, error.reason());
    }
    // 404 when every shard lost its context; 500 when the index's deletion raced the page.
    if ((status == 404 || status == 500) && error.scrollLost()) {
      return ClusterException.scrollLost(action.index(), error.rootReason());
    }
    if (body.contains("max_open_scroll_context")) {
      java.util.regex.Matcher limit = TOO_MANY_SCROLLS.matcher(body);
      String reason = limit.find() ? limit.group() : error.reason();
      return ClusterException.tooManyScrolls(url, action.index(), reason);
    }
    if (status == 400
        && !settings.pathPrefix().isEmpty()
        && error.reason().startsWith("no handler found for uri")) {
      return ClusterException.wrongPathPrefix(url, settings.pathPrefix(), error.reason());
    }
    if (status == 404 && error.type().equals("index_not_found_exception")) {
      return ClusterException.noSuchIndex(error.index().isEmpty() ? action.index() : error.index());
    }
    if (!error.fromElasticsearch() && status < 500 && status != 429) {
      return ClusterException.notElasticsearch(
          url, "it answered HTTP " + status + " with a body that is not an Elasticsearch error");
    }
    String closed = error.type().equals("index_closed_exception") ? error.type() : null;
    return ClusterException.requestFailed(
        url, action.description(), status, error.reason(), closed);
  }

  /**
   * Tells a TLS failure (an untrusted certificate, one for another host, a node without TLS) and a
   * connection closed without an answer from a node that cannot be reached. The REST client wraps
   * most failures in a plain IOException, so the cause chain is searched.
   */
  private ClusterException translate(IOException e) {
    String url = settings.displayUrl();
    boolean tls = false;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CertificateException) {
        return ClusterException.untrustedCertificate(url, settings.tls(), e);
      }
      if (t instanceof SSLPeerUnverifiedException) {
        return ClusterException.certificateForAnotherHost(url, e);
      }
      if (t instanceof SSLException ssl
          && String.valueOf(ssl.getMessage()).contains("SSL message")) {
        return ClusterException.notTls(url, e);
      }
      if (t instanceof ConnectionClosedException && isCutShort(t)) {
        return ClusterException.cutShort(url, t.getMessage(), e);
      }
      if (t instanceof ConnectionClosedException && REACHED.contains(url)) {
        return ClusterException.closedMidRequest(url, e);
      }
      if (t instanceof ConnectionClosedException) {
        return ClusterException.closedWithoutAnswer(url, e);
      }
      if (t instanceof java.net.SocketException && isReset(t)) {
        return ClusterException.connectionReset(url, e);
      }
      if (t instanceof java.net.SocketTimeoutException) {
        return ClusterException.timedOutWaiting(url, settings.socketTimeoutMillis(), e);
      }
      tls |= t instanceof SSLException;
    }
    if (tls) {
      return ClusterException.tlsFailed(url, e);
    }
    return ClusterException.unreachable(url, e, REACHED.contains(url));
  }

  /** A body shorter than its declared length: the HTTP client says "Premature end of ...". */
  private static boolean isCutShort(Throwable closed) {
    return String.valueOf(closed.getMessage()).startsWith("Premature end");
  }

  private static boolean isReset(Throwable socketFailure) {
    return String.valueOf(socketFailure.getMessage())
        .toLowerCase(java.util.Locale.ROOT)
        .contains("reset");
  }

  private static String readQuietly(Response response) {
    try {
      return response.getEntity() == null
          ? ""
          : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The parts of an error body worth showing.
   *
   * @param rootType the type of the error's first root cause, which names what went wrong where the
   *     error's own type is the search phase that failed
   * @param rootReason that root cause's reason
   * @param fromElasticsearch whether the body has the shape of an Elasticsearch error
   */
  private record ErrorBody(
      String type,
      String reason,
      String index,
      String rootType,
      String rootReason,
      boolean fromElasticsearch) {
    static ErrorBody parse(String body) {
      try {
        JsonNode error = JSON.readTree(body).path("error");
        if (error.isTextual()) {
          return new ErrorBody("", error.asText(), "", "", error.asText(), true);
        }
        JsonNode root = error.path("root_cause").path(0);
        String reason = error.path("reason").asText(body);
        return new ErrorBody(
            error.path("type").asText(""),
            reason + shardReason(error) + causeReason(error),
            error.path("index").asText(""),
            root.path("type").asText(error.path("type").asText("")),
            root.path("reason").asText(reason),
            error.isObject());
      } catch (IOException | RuntimeException e) {
        String shown = body.length() > 300 ? body.substring(0, 300) : body;
        return new ErrorBody("", shown, "", "", shown, false);
      }
    }

    /**
     * Whether the cluster no longer holds the scroll: the error itself, or, as Elasticsearch 8
     * answers a scroll page whose every shard lost its context, the root cause of a failed search
     * phase.
     */
    boolean scrollLost() {
      return type.equals(ClusterException.SCROLL_LOST_TYPE)
          || rootType.equals(ClusterException.SCROLL_LOST_TYPE);
    }

    /**
     * The first failed shard's own reason and its deepest cause, which say what went wrong where
     * the top reason says only "all shards failed"; empty when there is none.
     */
    private static String shardReason(JsonNode error) {
      JsonNode reason = error.path("failed_shards").path(0).path("reason");
      if (reason.isMissingNode()) {
        return "";
      }
      String text = reason.path("reason").asText("");
      String deepest = deepestCause(reason).path("reason").asText("");
      return " (" + text + (deepest.isEmpty() ? "" : ": " + deepest) + ")";
    }
  }

  /**
   * The deepest cause's type and reason, where the error's own reason is empty and it names no
   * failed shard (a search that fails while reducing answers HTTP 500 with an empty reason and the
   * cause only in {@code caused_by}); empty otherwise.
   */
  private static String causeReason(JsonNode error) {
    JsonNode reason = error.path("reason");
    boolean shardSays = error.path("failed_shards").path(0).isObject();
    if (!reason.isTextual() || !reason.asText().isBlank() || shardSays) {
      return "";
    }
    JsonNode cause = deepestCause(error);
    if (!cause.isObject()) {
      return "";
    }
    return cause.path("type").asText("") + ": " + cause.path("reason").asText("");
  }

  /** The innermost {@code caused_by} of an error object, or a missing node when it has none. */
  private static JsonNode deepestCause(JsonNode error) {
    JsonNode cause = error.path("caused_by");
    while (cause.path("caused_by").isObject()) {
      cause = cause.path("caused_by");
    }
    return cause;
  }

  /** The first node, for messages. */
  URI firstNode() {
    return settings.nodes().get(0);
  }

  /** Names from {@code _resolve/index} as lists, in the order the cluster gave them. */
  static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}

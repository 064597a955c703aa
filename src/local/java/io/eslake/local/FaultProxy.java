package io.eslake.local;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A loopback HTTP/1.1 proxy on raw sockets in front of a real cluster, for fault tests. Requests
 * pass through unchanged unless a rule matches them; a rule applies its fault a given number of
 * times. Raw sockets let it do what an HTTP server library would not: reset a connection in the
 * middle of a body, or declare more body than it sends.
 */
public final class FaultProxy implements AutoCloseable {

  /** A request as the proxy saw it. */
  public record Request(String method, String path, String query, String body) {

    /** Whether this asks for the next page of a scroll. */
    public boolean isScrollPage() {
      return method.equals("POST") && path.equals("/_search/scroll");
    }

    /** Whether this opens a scroll (the first page of a slice). */
    public boolean opensScroll() {
      return path.endsWith("/_search") && query.contains("scroll=");
    }
  }

  /** What the proxy does to a matching request. */
  public enum Fault {
    /** Answers 429 Too Many Requests without forwarding. */
    TOO_MANY_REQUESTS,
    /** Answers 503 Service Unavailable without forwarding. */
    UNAVAILABLE,
    /**
     * Forwards, then answers 503 Service Unavailable instead of the cluster's answer, as a gateway
     * that lost it: the cluster has served the request (a scroll has moved on a page).
     */
    UNAVAILABLE_AFTER_FORWARDING,
    /** Forwards, then sends the headers and half the body and resets the connection (RST). */
    RESET_MID_BODY,
    /** Forwards, then declares the whole body's length, sends half of it and closes (FIN). */
    CUT_BODY_IN_HALF,
    /** Forwards, then rewrites the answer's {@code _shards} to one failed shard. */
    SHARD_FAILURE,
    /**
     * Answers 404 as Elasticsearch 8 answers a scroll page after the scroll expired: a failed
     * search phase whose root cause is search_context_missing_exception.
     */
    SCROLL_CONTEXT_MISSING,
    /** Forwards after waiting {@link #DELAY_MILLIS}. */
    DELAY
  }

  /** How long a {@link Fault#DELAY} holds a request. */
  public static final long DELAY_MILLIS = 5_000;

  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "content-length", "transfer-encoding", "keep-alive", "host", "upgrade");

  private record Rule(Predicate<Request> matcher, Fault fault, AtomicInteger remaining) {}

  /** An action run before a matching request is forwarded, such as deleting its index. */
  private record Hook(Predicate<Request> matcher, Runnable action, AtomicInteger remaining) {}

  private final URI target;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<Hook> hooks = new CopyOnWriteArrayList<>();
  private final List<String> injected = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  public FaultProxy(String targetUrl) throws IOException {
    this.target = URI.create(targetUrl);
    this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    threads.submit(this::acceptLoop);
  }

  /** The proxy's URL, to give the product instead of the cluster's. */
  public String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Applies a fault to the next {@code times} requests the matcher accepts. */
  public FaultProxy inject(Predicate<Request> matcher, Fault fault, int times) {
    rules.add(new Rule(matcher, fault, new AtomicInteger(times)));
    return this;
  }

  /**
   * Runs an action before each of the next {@code times} requests the matcher accepts is forwarded,
   * on the thread that serves it: the request waits for the action, then reaches the cluster as the
   * action left it (an index deleted between two pages of a scroll, say).
   */
  public FaultProxy beforeForwarding(Predicate<Request> matcher, Runnable action, int times) {
    hooks.add(new Hook(matcher, action, new AtomicInteger(times)));
    return this;
  }

  /** Removes every rule and hook and forgets the faults applied so far. */
  public void clearFaults() {
    rules.clear();
    hooks.clear();
    injected.clear();
  }

  /** The faults applied so far, as "FAULT METHOD path", oldest first. */
  public List<String> injected() {
    return List.copyOf(injected);
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // Nothing more to release.
    }
    open.forEach(FaultProxy::closeQuietly);
    threads.shutdownNow();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket socket = server.accept();
        open.add(socket);
        threads.submit(() -> serve(socket));
      } catch (IOException e) {
        if (!closed) {
          sleep(10);
        }
      }
    }
  }

  /** Serves requests on one kept-alive connection until the client or a fault closes it. */
  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (!closed) {
        Map<String, String> headers = new LinkedHashMap<>();
        String requestLine = readHead(in, headers);
        if (requestLine == null) {
          return;
        }
        byte[] body = readBody(in, headers);
        if (!answer(socket, out, requestLine, headers, body)) {
          return;
        }
      }
    } catch (IOException e) {
      // The client went away; nothing to answer.
    } finally {
      open.remove(socket);
    }
  }

  /** Answers one request; returns whether the connection stays open. */
  private boolean answer(
      Socket socket, OutputStream out, String requestLine, Map<String, String> headers, byte[] body)
      throws IOException {
    String[] parts = requestLine.split(" ");
    String method = parts[0];
    String pathAndQuery = parts[1];
    int q = pathAndQuery.indexOf('?');
    Request request =
        new Request(
            method,
            q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
            q < 0 ? "" : pathAndQuery.substring(q + 1),
            new String(body, StandardCharsets.UTF_8));
    runHooks(request);
    Fault fault = faultFor(request);
    if (fault == Fault.TOO_MANY_REQUESTS) {
      write(out, 429, errorBody("es_rejected_execution_exception", "rejected by FaultProxy"));
      return true;
    }
    if (fault == Fault.UNAVAILABLE) {
      write(out, 503, errorBody("unavailable_shards_exception", "unavailable by FaultProxy"));
      return true;
    }
    if (fault == Fault.SCROLL_CONTEXT_MISSING) {
      write(out, 404, scrollLostBody());
      return true;
    }
    if (fault == Fault.DELAY) {
      sleep(DELAY_MILLIS);
    }
    HttpResponse<byte[]> response;
    try {
      response = forward(method, pathAndQuery, headers, body);
    } catch (IOException e) {
      // The cluster is down: the client sees its connection reset, as from a node that died.
      socket.setSoLinger(true, 0);
      socket.close();
      return false;
    }
    if (fault == Fault.UNAVAILABLE_AFTER_FORWARDING) {
      write(out, 503, errorBody("unavailable_shards_exception", "answer lost by FaultProxy"));
      return true;
    }
    byte[] answer = response.body();
    if (fault == Fault.SHARD_FAILURE) {
      answer = withFailedShard(answer);
    }
    String head = head(response.statusCode(), response.headers().map(), answer.length);
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    if (fault == Fault.RESET_MID_BODY || fault == Fault.CUT_BODY_IN_HALF) {
      out.write(answer, 0, answer.length / 2);
      out.flush();
      if (fault == Fault.RESET_MID_BODY) {
        socket.setSoLinger(true, 0);
      }
      socket.close();
      return false;
    }
    out.write(answer);
    out.flush();
    return true;
  }

  private void runHooks(Request request) {
    for (Hook hook : hooks) {
      if (hook.matcher().test(request) && hook.remaining().getAndDecrement() > 0) {
        injected.add("HOOK " + request.method() + " " + request.path());
        hook.action().run();
      }
    }
  }

  private Fault faultFor(Request request) {
    for (Rule rule : rules) {
      if (rule.matcher().test(request) && rule.remaining().getAndDecrement() > 0) {
        injected.add(rule.fault() + " " + request.method() + " " + request.path());
        return rule.fault();
      }
    }
    return null;
  }

  private HttpResponse<byte[]> forward(
      String method, String pathAndQuery, Map<String, String> headers, byte[] body)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target.resolve(pathAndQuery))
            .timeout(Duration.ofMinutes(5))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(
        (name, value) -> {
          if (!HOP_BY_HOP.contains(name) && !name.equals("expect")) {
            request.header(name, value);
          }
        });
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Rewrites a search answer's shard header to report one failed shard with a reason. */
  private static byte[] withFailedShard(byte[] answer) {
    String text = new String(answer, StandardCharsets.UTF_8);
    int start = text.indexOf("\"_shards\":{");
    int end = start < 0 ? -1 : text.indexOf('}', start);
    if (end < 0) {
      return answer;
    }
    String shards =
        "\"_shards\":{\"total\":2,\"successful\":1,\"skipped\":0,\"failed\":1,\"failures\":[{"
            + "\"shard\":1,\"index\":\"x\",\"reason\":{\"type\":\"node_disconnected_exception\","
            + "\"reason\":\"injected by FaultProxy\"}}]}";
    return (text.substring(0, start) + shards + text.substring(end + 1))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String scrollLostBody() {
    String lost =
        "{\"type\":\"search_context_missing_exception\","
            + "\"reason\":\"No search context found for id [1] (FaultProxy)\"}";
    return "{\"error\":{\"root_cause\":["
        + lost
        + "],\"type\":\"search_phase_execution_exception\",\"reason\":\"all shards failed\","
        + "\"phase\":\"query\",\"grouped\":true,\"failed_shards\":[{\"shard\":-1,"
        + "\"index\":null,\"reason\":"
        + lost
        + "}],\"caused_by\":"
        + lost
        + "},\"status\":404}";
  }

  private static String errorBody(String type, String reason) {
    return "{\"error\":{\"root_cause\":[{\"type\":\""
        + type
        + "\",\"reason\":\""
        + reason
        + "\"}],\"type\":\""
        + type
        + "\",\"reason\":\""
        + reason
        + "\"},\"status\":0}";
  }

  private static void write(OutputStream out, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    Map<String, List<String>> headers =
        Map.of(
            "content-type", List.of("application/json"),
            "x-elastic-product", List.of("Elasticsearch"));
    out.write(head(status, headers, body.length).getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private static String head(int status, Map<String, List<String>> headers, int length) {
    StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " " + reason(status) + "\r\n");
    headers.forEach(
        (name, values) -> {
          if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
            values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n"));
          }
        });
    return head.append("content-length: ").append(length).append("\r\n\r\n").toString();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 404 -> "Not Found";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  /** Reads the request line and headers (names lower-cased); null at the end of the stream. */
  private static String readHead(InputStream in, Map<String, String> headers) throws IOException {
    String requestLine = readLine(in);
    while (requestLine != null && requestLine.isEmpty()) {
      requestLine = readLine(in);
    }
    if (requestLine == null) {
      return null;
    }
    for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
    }
    return requestLine;
  }

  private static byte[] readBody(InputStream in, Map<String, String> headers) throws IOException {
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
        body.write(in.readNBytes(size));
        readLine(in);
      }
      for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
        // Trailer lines carry nothing the cluster needs.
      }
      return body.toByteArray();
    }
    String length = headers.get("content-length");
    return length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
  }

  private static int chunkSize(InputStream in) throws IOException {
    String line = readLine(in);
    if (line == null) {
      throw new SocketException("connection closed inside a chunked body");
    }
    int semicolon = line.indexOf(';');
    return Integer.parseInt((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
  }

  private static String readLine(InputStream in) throws IOException {
    List<Byte> bytes = new ArrayList<>();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        break;
      }
      if (b != '\r') {
        bytes.add((byte) b);
      }
    }
    if (b == -1 && bytes.isEmpty()) {
      return null;
    }
    byte[] line = new byte[bytes.size()];
    for (int i = 0; i < line.length; i++) {
      line[i] = bytes.get(i);
    }
    return new String(line, StandardCharsets.ISO_8859_1);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

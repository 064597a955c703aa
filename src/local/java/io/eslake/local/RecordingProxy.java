package io.eslake.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP proxy in front of a real cluster that records every request it forwards, so a
 * test can check what the product sent. Subclasses may alter exchanges to inject faults.
 */
public class RecordingProxy implements AutoCloseable {

  /** One forwarded request. */
  public record Exchange(String method, String pathAndQuery, String body, String authorization) {}

  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "content-length", "transfer-encoding", "keep-alive", "host", "upgrade");

  private final URI target;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final Set<InetSocketAddress> connections = ConcurrentHashMap.newKeySet();

  public RecordingProxy(String targetUrl) throws IOException {
    this.target = URI.create(targetUrl);
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** The proxy's own URL, to give the product instead of the cluster's. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Everything forwarded so far, oldest first. */
  public List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /**
   * How many connections requests came on so far: each has an address (client port) of its own, and
   * requests on a kept-alive connection share it.
   */
  public int connections() {
    return connections.size();
  }

  public void clear() {
    exchanges.clear();
    connections.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String pathAndQuery =
          exchange.getRequestURI().getRawPath()
              + (exchange.getRequestURI().getRawQuery() == null
                  ? ""
                  : "?" + exchange.getRequestURI().getRawQuery());
      Exchange recorded =
          new Exchange(
              exchange.getRequestMethod(),
              pathAndQuery,
              new String(body, StandardCharsets.UTF_8),
              exchange.getRequestHeaders().getFirst("Authorization"));
      exchanges.add(recorded);
      connections.add(exchange.getRemoteAddress());
      forward(exchange, recorded, body);
    }
  }

  /** Lets a subclass change a request after it was recorded, before it goes to the cluster. */
  protected void beforeForward(HttpRequest.Builder request, Exchange recorded) {}

  /** Sends the request on to the cluster and its answer back. */
  protected void forward(HttpExchange exchange, Exchange recorded, byte[] body) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target.resolve(recorded.pathAndQuery()))
            .timeout(Duration.ofMinutes(5))
            .method(recorded.method(), HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
              }
            });
    beforeForward(request, recorded);
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
              }
            });
    byte[] answer;
    try (InputStream in = response.body()) {
      answer = in.readAllBytes();
    }
    exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer);
    }
  }
}

package io.eslake.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;

/**
 * Plain HTTP requests as the cluster's administrator, for setting up and inspecting test data.
 * Deliberately separate from the product's client, so tests do not check the product with itself.
 */
public final class AdminClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String url;
  private final String authorization;
  private final HttpClient http;

  AdminClient(String url, String username, String password, SSLContext sslContext) {
    this.url = url;
    this.authorization =
        username == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (sslContext != null) {
      builder.sslContext(sslContext);
    }
    this.http = builder.build();
  }

  /** Sends a request with a JSON body and returns the parsed response; fails on HTTP errors. */
  public JsonNode send(String method, String path, String body) {
    Response response = raw(method, path, body, "application/json");
    if (response.status() >= 300) {
      throw new IllegalStateException(
          method + " " + path + " answered " + response.status() + ": " + response.body());
    }
    return parse(response.body());
  }

  /** Sends a request and returns its status and body, whatever the status. */
  public Response raw(String method, String path, String body, String contentType) {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url + path))
            .header("Content-Type", contentType)
            .timeout(Duration.ofMinutes(5))
            .method(method, publisher);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Creates an index with a body of settings and mappings, replacing any index of that name. */
  public void recreateIndex(String name, String body) {
    raw("DELETE", "/" + name, null, "application/json");
    send("PUT", "/" + name, body);
  }

  /** The bulk action line that indexes the document after it into {@code index} as {@code id}. */
  public static String indexAction(String index, Object id) {
    return "{\"index\":{\"_index\":\"" + index + "\",\"_id\":\"" + id + "\"}}\n";
  }

  /**
   * Sends a bulk body (newline-delimited JSON) and fails if any item failed.
   *
   * @return the number of items
   */
  public int bulk(String ndjson) {
    Response response = raw("POST", "/_bulk", ndjson, "application/x-ndjson");
    JsonNode body = parse(response.body());
    if (response.status() >= 300 || body.path("errors").asBoolean()) {
      throw new IllegalStateException("Bulk request failed: " + firstError(body, response));
    }
    return body.path("items").size();
  }

  public void refresh(String index) {
    send("POST", "/" + index + "/_refresh", null);
  }

  public long count(String index) {
    return send("GET", "/" + index + "/_count", null).path("count").asLong();
  }

  /** The number of search contexts (scroll and point-in-time) open on the cluster. */
  public long openSearchContexts() {
    JsonNode stats = send("GET", "/_nodes/stats/indices/search", null);
    long open = 0;
    for (JsonNode node : stats.path("nodes")) {
      open += node.path("indices").path("search").path("open_contexts").asLong();
    }
    return open;
  }

  private static String firstError(JsonNode body, Response response) {
    for (JsonNode item : body.path("items")) {
      JsonNode action = item.elements().next();
      if (action.has("error")) {
        return action.path("_id").asText() + ": " + action.get("error");
      }
    }
    return response.status() + " " + response.body();
  }

  private static JsonNode parse(String body) {
    try {
      return body == null || body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An HTTP status and body. */
  public record Response(int status, String body) {}
}

package io.eslake.local;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.http.HttpHost;
import org.apache.http.entity.ContentType;
import org.apache.http.message.BasicHeader;
import org.apache.http.nio.entity.NStringEntity;
import org.elasticsearch.client.HttpAsyncResponseConsumerFactory;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;

/**
 * The benchmark's limit: the sliced scroll our reader sends, read by the plain low-level client
 * with one thread per slice, counting bytes and hits and decoding nothing else.
 */
final class PlainScroll {

  private static final JsonFactory JSON = new JsonFactory();

  private PlainScroll() {}

  /** What one read saw. */
  record Counts(long hits, long bytes) {}

  static Counts read(LocalElasticsearch es, String index, int slices, int pageSize)
      throws Exception {
    URI uri = URI.create(es.url());
    String auth =
        Base64.getEncoder()
            .encodeToString((es.username() + ":" + es.password()).getBytes(StandardCharsets.UTF_8));
    try (RestClient rest =
        RestClient.builder(new HttpHost(uri.getHost(), uri.getPort(), uri.getScheme()))
            .setDefaultHeaders(
                new BasicHeader[] {new BasicHeader("Authorization", "Basic " + auth)})
            .build()) {
      ExecutorService threads = Executors.newFixedThreadPool(slices);
      try {
        List<Future<Counts>> futures = new ArrayList<>();
        for (int slice = 0; slice < slices; slice++) {
          int id = slice;
          futures.add(threads.submit(() -> readSlice(rest, index, id, slices, pageSize)));
        }
        long hits = 0;
        long bytes = 0;
        for (Future<Counts> future : futures) {
          hits += future.get().hits();
          bytes += future.get().bytes();
        }
        return new Counts(hits, bytes);
      } finally {
        threads.shutdownNow();
      }
    }
  }

  private static Counts readSlice(RestClient rest, String index, int slice, int max, int size)
      throws IOException {
    RequestOptions options =
        RequestOptions.DEFAULT.toBuilder()
            .setHttpAsyncResponseConsumerFactory(
                new HttpAsyncResponseConsumerFactory.HeapBufferedResponseConsumerFactory(
                    512 * 1024 * 1024))
            .build();
    Request open = new Request("POST", "/" + index + "/_search");
    open.addParameter("scroll", "5m");
    String body =
        "{\"size\":"
            + size
            + ",\"sort\":[\"_doc\"]"
            + (max > 1 ? ",\"slice\":{\"id\":" + slice + ",\"max\":" + max + "}" : "")
            + "}";
    open.setEntity(new NStringEntity(body, ContentType.APPLICATION_JSON));
    open.setOptions(options);
    long hits = 0;
    long bytes = 0;
    Page page = page(rest.performRequest(open));
    while (page.hits() > 0) {
      hits += page.hits();
      bytes += page.bytes();
      Request next = new Request("POST", "/_search/scroll");
      next.setEntity(
          new NStringEntity(
              "{\"scroll\":\"5m\",\"scroll_id\":\"" + page.scrollId() + "\"}",
              ContentType.APPLICATION_JSON));
      next.setOptions(options);
      page = page(rest.performRequest(next));
    }
    Request clear = new Request("DELETE", "/_search/scroll");
    clear.setEntity(
        new NStringEntity(
            "{\"scroll_id\":[\"" + page.scrollId() + "\"]}", ContentType.APPLICATION_JSON));
    rest.performRequest(clear);
    return new Counts(hits, bytes);
  }

  private record Page(String scrollId, int hits, long bytes) {}

  /** Counts the hits of a page, skipping over every source without reading it. */
  private static Page page(Response response) throws IOException {
    byte[] content;
    try (InputStream in = response.getEntity().getContent()) {
      content = in.readAllBytes();
    }
    String scrollId = null;
    int hits = 0;
    try (JsonParser parser = JSON.createParser(content)) {
      parser.nextToken();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        if (field.equals("_scroll_id")) {
          scrollId = parser.getText();
        } else if (field.equals("hits")) {
          hits = countHits(parser);
        } else {
          parser.skipChildren();
        }
      }
    }
    return new Page(scrollId, hits, content.length);
  }

  private static int countHits(JsonParser parser) throws IOException {
    int hits = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("hits") && value == JsonToken.START_ARRAY) {
        while (parser.nextToken() == JsonToken.START_OBJECT) {
          parser.skipChildren();
          hits++;
        }
      } else {
        parser.skipChildren();
      }
    }
    return hits;
  }
}

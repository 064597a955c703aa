package io.eslake.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import io.eslake.IntegrationTest;
import io.eslake.local.AdminClient;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.apache.http.ContentTooLongException;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pages received into reused arrays: every hit of pages that shrink and grow comes out whole, a
 * closed page's array serves a later page, and an answer beyond the limit fails as before.
 */
class PageBuffersIT extends IntegrationTest {

  private static final String INDEX = "page-buffers";
  private static final int DOCUMENTS = 300;

  @BeforeAll
  static void load() {
    AdminClient admin = admin();
    admin.recreateIndex(
        INDEX,
        "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
            + "\"mappings\":{\"properties\":{\"text\":{\"type\":\"keyword\",\"index\":false}}}}");
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < DOCUMENTS; i++) {
      bulk.append(AdminClient.indexAction(INDEX, String.format("d%03d", i)))
          .append("{\"text\":\"")
          .append(text(i))
          .append("\"}\n");
    }
    admin.bulk(bulk.toString());
    admin.refresh(INDEX);
  }

  /** Small documents, then large ones with non-ASCII text and escapes, then small again. */
  private static String text(int i) {
    if (i < 100 || i >= 200) {
      return "small " + i;
    }
    return ("gro\u00df \\\"" + i + "\\\" \u65e5\u672c ").repeat(150);
  }

  @Test
  void pagesThatShrinkAndGrowAreReadWholeFromReusedArrays() throws IOException {
    Map<String, String> read = new HashMap<>();
    ScrollQuery query = new ScrollQuery(INDEX, null, 50, "1m", 0, 1);
    try (ClusterClient client = ClusterClient.connect(connection())) {
      PageBuffers buffers = client.pageBuffers();
      SearchPage page = client.openScroll(query);
      String scrollId = null;
      int pages = 0;
      boolean reused = false;
      try {
        while (true) {
          page.readEnvelope();
          scrollId = page.scrollId();
          while (page.nextHit(collector(read))) {
            // each hit goes to the map
          }
          int hits = page.hitCount();
          page.close();
          pages++;
          assertTrue(buffers.kept() <= PageBuffers.KEPT, "arrays kept: " + buffers.kept());
          if (hits == 0) {
            break;
          }
          int keptBefore = buffers.kept();
          page = client.continueScroll(query, scrollId);
          reused |= keptBefore > 0 && buffers.kept() == keptBefore - 1;
        }
      } finally {
        page.close();
        client.clearScroll(scrollId);
      }
      assertEquals(DOCUMENTS / 50 + 1, pages);
      assertTrue(reused, "a later page took the array of a closed one");
    }
    assertEquals(DOCUMENTS, read.size());
    for (int i = 0; i < DOCUMENTS; i++) {
      String expected = text(i).replace("\\\"", "\"");
      assertEquals(expected, read.get(String.format("d%03d", i)), "document " + i);
    }
  }

  /**
   * A scroll the cluster no longer holds (cleared, expired, or dropped with its deleted index) is
   * answered 404 when cleared: nothing is left to release, so the clear succeeds, and the reader
   * does not warn that the cluster keeps it until its keep-alive.
   */
  @Test
  void clearingAScrollTheClusterNoLongerHoldsSucceeds() throws IOException {
    try (ClusterClient client = ClusterClient.connect(connection())) {
      SearchPage page = client.openScroll(new ScrollQuery(INDEX, null, 10, "1m", 0, 1));
      page.readEnvelope();
      String scrollId = page.scrollId();
      page.close();

      assertTrue(client.clearScroll(scrollId), "the first clear releases the scroll");
      assertTrue(client.clearScroll(scrollId), "the second finds nothing left to release");
    }
  }

  @Test
  void anAnswerBeyondTheLimitFailsAsTheClientsOwnBufferWould() throws IOException {
    URI url = URI.create(es().url());
    String auth = connection().credentials().authorizationHeader().orElseThrow();
    try (RestClient rest =
        RestClient.builder(new HttpHost(url.getHost(), url.getPort(), url.getScheme()))
            .setDefaultHeaders(new BasicHeader[] {new BasicHeader("Authorization", auth)})
            .build()) {
      Request request = new Request("GET", "/" + INDEX + "/_search");
      request.addParameter("size", "100");
      RequestOptions.Builder options = RequestOptions.DEFAULT.toBuilder();
      options.setHttpAsyncResponseConsumerFactory(new PageBuffers(4096));
      request.setOptions(options);

      IOException failure = assertThrows(IOException.class, () -> rest.performRequest(request));
      Throwable cause = failure;
      while (cause.getCause() != null && !(cause instanceof ContentTooLongException)) {
        cause = cause.getCause();
      }
      assertInstanceOf(ContentTooLongException.class, cause, failure.toString());
      assertTrue(cause.getMessage().contains("[4096]"), cause.getMessage());
    }
  }

  private static SearchPage.HitVisitor collector(Map<String, String> read) {
    String[] id = new String[1];
    return new SearchPage.HitVisitor() {
      @Override
      public void id(JsonParser parser) throws IOException {
        id[0] = parser.getText();
      }

      @Override
      public void index(JsonParser parser) {
        // the index is known
      }

      @Override
      public void source(JsonParser parser) throws IOException {
        com.fasterxml.jackson.databind.JsonNode source = ClusterClient.JSON.readTree(parser);
        read.put(id[0], source.path("text").asText());
      }
    };
  }

  private static ConnectionSettings connection() {
    return ConnectionSettings.fromUrls(
        es().url(),
        es().secured() ? Credentials.basic(es().username(), es().password()) : Credentials.none());
  }
}

package io.eslake.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.eslake.IntegrationTest;
import io.eslake.local.AdminClient;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cluster's limits on a read: slices per scroll, open scrolls, document and id sizes. */
class LimitsIT extends IntegrationTest {

  private static final String CATALOG = "limits";

  @BeforeAll
  static void setUp() {
    registerCatalog(CATALOG);
    admin()
        .recreateIndex(
            "limit-slices",
            "{\"settings\":{\"number_of_shards\":3,\"number_of_replicas\":0,"
                + "\"index.max_slices_per_scroll\":2},"
                + "\"mappings\":{\"properties\":{\"n\":{\"type\":\"long\"}}}}");
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      bulk.append("{\"index\":{\"_index\":\"limit-slices\",\"_id\":\"")
          .append(i)
          .append("\"}}\n{\"n\":")
          .append(i)
          .append("}\n");
    }
    admin().bulk(bulk.toString());
    admin().refresh("limit-slices");
  }

  @Test
  void autoSlicesStayWithinTheIndexMaxSlicesPerScroll() {
    Dataset<Row> table = spark().table(CATALOG + ".`limit-slices`");

    assertEquals(2, table.rdd().getNumPartitions(), "3 shards, but at most 2 slices");
    assertEquals(200, table.count());
    assertEquals(200, table.select("_id").distinct().count());
  }

  @Test
  void moreSlicesThanTheIndexAllowsReadWithTheLimit() {
    Dataset<Row> table = spark().read().option("slices", "4").table(CATALOG + ".`limit-slices`");

    assertEquals(2, table.rdd().getNumPartitions(), "4 asked, the index allows 2");
    assertEquals(200, table.select("_id").distinct().count());
  }

  @Test
  void aClusterOutOfScrollContextsIsNamedWithTheSettingAndWhatToDo() {
    admin()
        .send(
            "PUT", "/_cluster/settings", "{\"transient\":{\"search.max_open_scroll_context\":1}}");
    String held =
        admin()
            .send("POST", "/limit-slices/_search?scroll=1m", "{\"size\":1}")
            .path("_scroll_id")
            .asText();
    try {
      Exception e =
          assertThrows(
              Exception.class,
              () ->
                  spark()
                      .read()
                      .option("slices", "1")
                      .option("max_retries", "0")
                      .table(CATALOG + ".`limit-slices`")
                      .collectAsList());

      String message = rootMessage(e);
      assertTrue(message.contains("search.max_open_scroll_context"), message);
      assertTrue(message.contains("fewer 'slices'"), message);
    } finally {
      admin().send("DELETE", "/_search/scroll", "{\"scroll_id\":[\"" + held + "\"]}");
      admin()
          .send(
              "PUT",
              "/_cluster/settings",
              "{\"transient\":{\"search.max_open_scroll_context\":null}}");
    }
  }

  @Test
  void aStringOverTwentyMillionCharactersAndA512ByteIdAreReadWhole() {
    admin()
        .recreateIndex(
            "limit-large",
            "{\"mappings\":{\"properties\":{\"big\":{\"type\":\"text\",\"index\":false},"
                + "\"n\":{\"type\":\"long\"}}}}");
    String longId = "i".repeat(500) + "é".repeat(6);
    assertEquals(512, longId.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    String big = "0123456789".repeat(2_500_000);
    admin()
        .bulk(
            "{\"index\":{\"_index\":\"limit-large\",\"_id\":\""
                + longId
                + "\"}}\n{\"n\":1,\"big\":\""
                + big
                + "\"}\n{\"index\":{\"_index\":\"limit-large\",\"_id\":\"small\"}}\n{\"n\":2}\n");
    admin().refresh("limit-large");

    List<Row> rows =
        spark()
            .table(CATALOG + ".`limit-large`")
            .selectExpr("_id", "n", "length(big)", "substring(big, 24999991, 10)", "_rescued")
            .orderBy("n")
            .collectAsList();

    assertEquals(2, rows.size());
    assertEquals(longId, rows.get(0).getString(0));
    assertEquals(25_000_000, rows.get(0).getInt(2), "over Jackson's default of 20,000,000");
    assertEquals("0123456789", rows.get(0).getString(3));
    assertTrue(rows.get(0).isNullAt(4), "nothing rescued");
    assertEquals("small", rows.get(1).getString(0));
    JsonNode count = admin().send("GET", "/limit-large/_count", null);
    assertEquals(2, count.path("count").asLong());
  }

  /**
   * A document as deep as Elasticsearch indexes (1,000 levels) sits 4 levels deeper in a search
   * response; it is read whole, in a read of its column and in a read of the whole document.
   */
  @Test
  void aDocumentAsDeepAsTheClusterIndexesIsRead() {
    admin()
        .recreateIndex(
            "limit-deep",
            "{\"mappings\":{\"properties\":{\"o\":{\"type\":\"object\",\"enabled\":false},"
                + "\"n\":{\"type\":\"long\"}}}}");
    String deep = "[".repeat(998) + "1" + "]".repeat(998);
    admin().bulk(AdminClient.indexAction("limit-deep", "deep") + "{\"n\":1,\"o\":" + deep + "}\n");
    admin().refresh("limit-deep");
    String table = CATALOG + ".`limit-deep`";

    List<Row> column = spark().table(table).selectExpr("length(o)").collectAsList();
    List<Row> whole = spark().table(table).selectExpr("o", "_rescued").collectAsList();

    assertEquals(deep.length(), column.get(0).getInt(0));
    assertEquals(deep, whole.get(0).getString(0));
    assertTrue(whole.get(0).isNullAt(1));
  }

  private static String rootMessage(Throwable failure) {
    StringBuilder messages = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      messages.append(t.getMessage()).append(" | ");
    }
    return messages.toString();
  }
}

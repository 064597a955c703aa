package io.eslake.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eslake.IntegrationTest;
import io.eslake.local.RecordingProxy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CatalogIT extends IntegrationTest {

  private static final String CATALOG = "catalog_it";

  @BeforeAll
  static void createIndices() throws IOException {
    String coreTypes;
    try (InputStream in = CatalogIT.class.getResourceAsStream("/mappings/core-types.json")) {
      coreTypes = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    admin().recreateIndex("cat-core", "{\"mappings\":" + coreTypes + "}");
    admin()
        .recreateIndex(
            "cat-plain", "{\"mappings\":{\"properties\":{\"a\":{\"type\":\"keyword\"}}}}");
    admin()
        .recreateIndex(
            ".cat-system-like",
            "{\"settings\":{\"index.hidden\":true},\"mappings\":{\"properties\":{}}}");
    admin()
        .send(
            "PUT",
            "/_index_template/cat-logs",
            "{\"index_patterns\":[\"cat-logs-*\"],\"data_stream\":{},\"priority\":500,"
                + "\"template\":{\"mappings\":{\"properties\":"
                + "{\"@timestamp\":{\"type\":\"date\"}}}}}");
    admin().raw("DELETE", "/_data_stream/cat-logs-app", null, "application/json");
    admin()
        .send(
            "POST", "/cat-logs-app/_doc?refresh=true", "{\"@timestamp\":\"2024-01-01T00:00:00Z\"}");
    registerCatalog(CATALOG);
  }

  @Test
  void listsOrdinaryIndicesButNeitherSystemNorBackingIndices() {
    List<String> tables =
        spark().sql("SHOW TABLES IN " + CATALOG).collectAsList().stream()
            .map(r -> r.getString(1))
            .toList();
    assertTrue(tables.contains("cat-core"), tables.toString());
    assertTrue(tables.contains("cat-plain"), tables.toString());
    assertTrue(tables.stream().noneMatch(t -> t.startsWith(".")), tables.toString());
    JsonNode resolved = admin().send("GET", "/_resolve/index/*?expand_wildcards=all", null);
    String backing = resolved.path("data_streams").get(0).path("backing_indices").get(0).asText();
    assertTrue(backing.startsWith(".ds-cat-logs-app"), backing);
    assertFalse(tables.contains(backing), tables.toString());
  }

  @Test
  void describeShowsIdFirstThenEveryMappedField() {
    Map<String, String> columns =
        spark().sql("DESCRIBE " + CATALOG + ".`cat-core`").collectAsList().stream()
            .collect(
                Collectors.toMap(
                    r -> r.getString(0),
                    r -> r.getString(1),
                    (a, b) -> a,
                    java.util.LinkedHashMap::new));
    // Elasticsearch lists a mapping's fields in name order; the columns follow it.
    assertEquals(
        List.of(
            "_id",
            "active",
            "author",
            "comments",
            "created",
            "flag",
            "half",
            "level",
            "location",
            "rank",
            "ratio",
            "score",
            "tag",
            "title",
            "views",
            "_rescued"),
        List.copyOf(columns.keySet()));
    assertEquals("string", columns.get("_id"));
    assertEquals("bigint", columns.get("views"));
    assertEquals("smallint", columns.get("level"));
    assertEquals("tinyint", columns.get("flag"));
    assertEquals("float", columns.get("half"));
    assertEquals("timestamp", columns.get("created"));
    assertEquals("struct<age:int,name:string>", columns.get("author"));
    assertEquals("array<struct<stars:smallint,user:string>>", columns.get("comments"));
    assertEquals("struct<lat:double,lon:double>", columns.get("location"));
    assertEquals("string", columns.get("_rescued"));
    assertFalse(
        spark().table(CATALOG + ".`cat-core`").schema().apply("_id").nullable(), "_id nullable");
  }

  @Test
  void anUnknownIndexIsAnUnknownTable() {
    assertThrows(AnalysisException.class, () -> spark().table(CATALOG + ".`no-such-index`"));
  }

  @Test
  void aReadSpansSeveralSlicesAndReturnsEachDocumentOnce() {
    admin()
        .recreateIndex(
            "cat-sliced",
            "{\"settings\":{\"number_of_shards\":3,\"number_of_replicas\":0},"
                + "\"mappings\":{\"properties\":{\"n\":{\"type\":\"long\"}}}}");
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      bulk.append("{\"index\":{\"_index\":\"cat-sliced\",\"_id\":\"doc-")
          .append(i)
          .append("\"}}\n{\"n\":")
          .append(i)
          .append("}\n");
    }
    admin().bulk(bulk.toString());
    admin().refresh("cat-sliced");

    Dataset<Row> auto = spark().table(CATALOG + ".`cat-sliced`");
    assertEquals(3, auto.rdd().getNumPartitions(), "one partition per primary shard by default");

    Dataset<Row> rows =
        spark()
            .read()
            .option("slices", "5")
            .option("page_size", "300")
            .table(CATALOG + ".`cat-sliced`");
    assertEquals(5, rows.rdd().getNumPartitions());
    Row stats =
        rows.selectExpr("count(*)", "count(distinct _id)", "sum(n)", "min(n)", "max(n)").head();
    assertEquals(5000L, stats.getLong(0));
    assertEquals(5000L, stats.getLong(1));
    assertEquals(4999L * 5000 / 2, stats.getLong(2));
    assertEquals(0L, stats.getLong(3));
    assertEquals(4999L, stats.getLong(4));
    assertEquals(0, admin().openSearchContexts(), "every scroll is cleared after the read");
  }

  @Test
  void onlyTheSelectedColumnsAreFetched() throws IOException {
    admin()
        .bulk(
            "{\"index\":{\"_index\":\"cat-core\",\"_id\":\"p1\"}}\n"
                + "{\"tag\":\"x\",\"views\":3,\"author\":{\"name\":\"n\",\"age\":4}}\n");
    admin().refresh("cat-core");
    try (RecordingProxy proxy = new RecordingProxy(es().url())) {
      registerCatalog("catalog_proxied", proxy.url());
      List<Row> rows =
          spark().sql("SELECT tag, author.age FROM catalog_proxied.`cat-core`").collectAsList();
      assertEquals(List.of(RowFactory.create("x", 4)), rows);
      JsonNode search =
          proxy.exchanges().stream()
              .filter(e -> e.pathAndQuery().startsWith("/cat-core/_search"))
              .filter(e -> e.pathAndQuery().contains("scroll="))
              .map(e -> parse(e.body()))
              .findFirst()
              .orElseThrow();
      assertEquals("[\"author.age\",\"tag\"]", search.path("_source").path("includes").toString());
    }
  }

  /**
   * A sub-field selected alone keeps the values written with dotted keys: {@code {"host.name": x}}
   * fills {@code host.name} as {@code {"host": {"name": x}}} does, also when Spark prunes the
   * object to the selected sub-field, in a filter, and without pushdown (a fresh-user trial found
   * NULL for the dotted documents whenever only the sub-field was read).
   */
  @Test
  void aSubFieldReadAloneKeepsValuesWrittenWithDottedKeys() {
    admin()
        .recreateIndex(
            "cat-dotted",
            "{\"mappings\":{\"properties\":{\"host\":{\"properties\":{\"name\":"
                + "{\"type\":\"keyword\"}}},\"comments\":{\"type\":\"nested\",\"properties\":"
                + "{\"author\":{\"type\":\"keyword\"}}}}}}");
    admin()
        .bulk(
            "{\"index\":{\"_index\":\"cat-dotted\",\"_id\":\"d1\"}}\n"
                + "{\"host.name\":\"web1\",\"comments.author\":\"ann\"}\n"
                + "{\"index\":{\"_index\":\"cat-dotted\",\"_id\":\"d2\"}}\n"
                + "{\"host\":{\"name\":\"web2\"},\"comments\":[{\"author\":\"bob\"}]}\n");
    admin().refresh("cat-dotted");
    String table = CATALOG + ".`cat-dotted`";
    assertEquals(
        List.of(RowFactory.create("d1", "web1"), RowFactory.create("d2", "web2")),
        spark().sql("SELECT _id, host.name FROM " + table + " ORDER BY _id").collectAsList());
    assertEquals(
        List.of(RowFactory.create("d1", List.of("ann")), RowFactory.create("d2", List.of("bob"))),
        spark()
            .sql("SELECT _id, comments.author FROM " + table + " ORDER BY _id")
            .collectAsList()
            .stream()
            .map(row -> RowFactory.create(row.getString(0), row.getList(1)))
            .toList());
    assertEquals(
        List.of(RowFactory.create("d1", "web1")),
        spark()
            .sql("SELECT _id, host.name FROM " + table + " WHERE host.name = 'web1'")
            .collectAsList());
    registerCatalog("catalog_unpushed");
    spark().conf().set("spark.sql.catalog.catalog_unpushed.pushdown_filters", "false");
    spark().conf().set("spark.sql.catalog.catalog_unpushed.pushdown_aggregates", "false");
    String unpushed = "catalog_unpushed.`cat-dotted`";
    assertEquals(
        List.of(RowFactory.create("d1")),
        spark().sql("SELECT _id FROM " + unpushed + " WHERE host.name = 'web1'").collectAsList());
    assertEquals(
        List.of(RowFactory.create("web1", 1L), RowFactory.create("web2", 1L)),
        spark()
            .sql(
                "SELECT host.name, count(*) FROM "
                    + unpushed
                    + " GROUP BY host.name ORDER BY host.name")
            .collectAsList());
  }

  @Test
  void countingFetchesNoSource() throws IOException {
    try (RecordingProxy proxy = new RecordingProxy(es().url())) {
      registerCatalog("catalog_counted", proxy.url());
      long counted = spark().table("catalog_counted.`cat-plain`").count();
      assertEquals(admin().count("cat-plain"), counted);
      assertTrue(
          proxy.exchanges().stream().noneMatch(e -> e.pathAndQuery().contains("scroll=")),
          "COUNT(*) is answered by _count: " + proxy.exchanges());
      long count =
          spark()
              .read()
              .option("pushdown_aggregates", "false")
              .table("catalog_counted.`cat-plain`")
              .count();
      assertEquals(admin().count("cat-plain"), count);
      JsonNode search =
          proxy.exchanges().stream()
              .filter(e -> e.pathAndQuery().startsWith("/cat-plain/_search"))
              .filter(e -> e.pathAndQuery().contains("scroll="))
              .map(e -> parse(e.body()))
              .findFirst()
              .orElseThrow();
      assertEquals("false", search.path("_source").toString());
    }
  }

  @Test
  void aSampleTheClusterRefusesLeavesTheTableReadableWithArraysRescued() {
    admin()
        .recreateIndex(
            "cat-small-window",
            "{\"settings\":{\"index.max_result_window\":5},"
                + "\"mappings\":{\"properties\":{\"tags\":{\"type\":\"keyword\"}}}}");
    admin()
        .bulk(
            "{\"index\":{\"_index\":\"cat-small-window\",\"_id\":\"w\"}}\n"
                + "{\"tags\":[\"a\",\"b\"]}\n");
    admin().refresh("cat-small-window");

    Dataset<Row> table =
        spark().read().option("page_size", "5").table(CATALOG + ".`cat-small-window`");

    assertEquals("string", table.schema().apply("tags").dataType().simpleString());
    Row row = table.head();
    assertTrue(row.isNullAt(row.fieldIndex("tags")));
    assertEquals("{\"tags\":[\"a\",\"b\"]}", row.getString(row.fieldIndex("_rescued")));
  }

  private static JsonNode parse(String body) {
    try {
      return new ObjectMapper().readTree(body);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

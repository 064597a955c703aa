package io.eslake.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.IntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the catalog lists and how it reads what it lists, against the real cluster: a data stream
 * after a rollover, an alias over two indices whose mappings disagree, a closed index, a hidden
 * index, and the include and exclude options.
 */
public class DiscoveryIT extends IntegrationTest {

  /**
   * A name of its own per run: the test distribution cannot delete a data stream (DELETE
   * _data_stream answers 405), so a stream of an earlier run on the same cluster would remain.
   */
  public static final String STREAM = "disc-logs-" + Long.toString(System.currentTimeMillis(), 36);

  /** The data is made once per JVM: the sync tests read it too. */
  private static boolean created;

  @BeforeAll
  public static synchronized void createDiscoveryData() {
    if (created) {
      return;
    }
    createStreamWithTwoBackingIndices();
    createAliasOverConflictingIndices();
    admin().recreateIndex("disc-closed", "{\"settings\":{\"number_of_replicas\":0}}");
    admin().send("POST", "/disc-closed/_close", null);
    admin()
        .recreateIndex(
            "disc-hidden", "{\"settings\":{\"index.hidden\":true,\"number_of_replicas\":0}}");
    admin()
        .recreateIndex(
            ".disc-dot", "{\"settings\":{\"index.hidden\":true,\"number_of_replicas\":0}}");
    created = true;
  }

  /**
   * Ids 1-5 before the rollover and 1-7 after: ids repeat across backing indices, as they may in a
   * data stream, so only (_index, _id) is a key.
   */
  static void createStreamWithTwoBackingIndices() {
    admin()
        .send(
            "PUT",
            "/_index_template/disc-logs",
            "{\"index_patterns\":[\"disc-logs-*\"],\"data_stream\":{},\"priority\":500,"
                + "\"template\":{\"settings\":{\"number_of_replicas\":0},\"mappings\":"
                + "{\"properties\":{\"@timestamp\":{\"type\":\"date\"},"
                + "\"n\":{\"type\":\"long\"}}}}}");
    admin().bulk(streamDocuments(1, 5, 0));
    admin().send("POST", "/" + STREAM + "/_rollover", null);
    admin().bulk(streamDocuments(1, 7, 100));
    admin().refresh(STREAM);
  }

  static String streamDocuments(int firstId, int lastId, int offset) {
    StringBuilder bulk = new StringBuilder();
    for (int id = firstId; id <= lastId; id++) {
      bulk.append("{\"create\":{\"_index\":\"" + STREAM + "\",\"_id\":\"" + id + "\"}}\n");
      bulk.append(
          "{\"@timestamp\":\"2024-01-01T00:00:0"
              + (id % 10)
              + "Z\",\"n\":"
              + (offset + id)
              + "}\n");
    }
    return bulk.toString();
  }

  /**
   * disc-a maps code as a long and obj as a long; disc-b maps code as a keyword and obj as an
   * object. The alias disc-all reads disc-a whole and disc-b through a filter on keep.
   */
  static void createAliasOverConflictingIndices() {
    admin()
        .recreateIndex(
            "disc-a",
            "{\"settings\":{\"number_of_replicas\":0},\"mappings\":{\"properties\":{"
                + "\"code\":{\"type\":\"long\"},\"obj\":{\"type\":\"long\"},"
                + "\"keep\":{\"type\":\"boolean\"}}}}");
    admin()
        .recreateIndex(
            "disc-b",
            "{\"settings\":{\"number_of_replicas\":0},\"mappings\":{\"properties\":{"
                + "\"code\":{\"type\":\"keyword\"},"
                + "\"obj\":{\"properties\":{\"x\":{\"type\":\"long\"}}},"
                + "\"keep\":{\"type\":\"boolean\"},\"only_b\":{\"type\":\"keyword\"}}}}");
    admin()
        .bulk(
            "{\"index\":{\"_index\":\"disc-a\",\"_id\":\"1\"}}\n"
                + "{\"code\":12,\"obj\":5,\"keep\":false}\n"
                + "{\"index\":{\"_index\":\"disc-b\",\"_id\":\"1\"}}\n"
                + "{\"code\":\"ab-1\",\"obj\":{\"x\":7},\"keep\":true,\"only_b\":\"yes\"}\n"
                + "{\"index\":{\"_index\":\"disc-b\",\"_id\":\"2\"}}\n"
                + "{\"code\":\"filtered-out\",\"keep\":false}\n");
    admin().refresh("disc-a,disc-b");
    admin()
        .send(
            "POST",
            "/_aliases",
            "{\"actions\":[{\"add\":{\"index\":\"disc-a\",\"alias\":\"disc-all\"}},"
                + "{\"add\":{\"index\":\"disc-b\",\"alias\":\"disc-all\","
                + "\"filter\":{\"term\":{\"keep\":true}}}}]}");
  }

  /** Registers a catalog with extra options; each name is registered once per session. */
  static String catalog(String name, Map<String, String> extra) {
    registerCatalog(name);
    extra.forEach(
        (key, value) -> spark().conf().set("spark.sql.catalog." + name + "." + key, value));
    return name;
  }

  static List<String> tables(String catalog) {
    return spark().sql("SHOW TABLES IN " + catalog).collectAsList().stream()
        .map(row -> row.getString(1))
        .filter(
            name -> name.startsWith("disc-") || name.startsWith(".disc") || name.contains("ds-"))
        .sorted()
        .toList();
  }

  @Test
  void listsIndicesStreamsAndClosedIndicesButNoHiddenDotOrBackingIndices() {
    String plain = catalog("disc_plain", Map.of());

    assertEquals(List.of("disc-a", "disc-b", "disc-closed", STREAM), tables(plain));
    assertTrue(
        tables(plain).stream().noneMatch(name -> name.startsWith(".")), tables(plain).toString());
  }

  @Test
  void aDataStreamIsOneTableOfAllItsBackingIndicesWithEveryDocumentOnce() {
    String plain = catalog("disc_stream", Map.of());

    List<Row> rows =
        spark()
            .sql("SELECT _index, _id, n FROM " + plain + ".`" + STREAM + "` ORDER BY n")
            .collectAsList();

    assertEquals(12, rows.size(), rows.toString());
    List<Long> values = rows.stream().map(row -> row.getLong(2)).toList();
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 101L, 102L, 103L, 104L, 105L, 106L, 107L), values);
    List<String> backing = rows.stream().map(row -> row.getString(0)).distinct().toList();
    assertEquals(2, backing.size(), backing.toString());
    assertTrue(backing.stream().allMatch(index -> index.startsWith(".ds-" + STREAM + "-")));
    assertEquals(7, rows.stream().map(row -> row.getString(1)).distinct().count());
    List<String> columns = describe(plain + ".`" + STREAM + "`").keySet().stream().toList();
    assertEquals(List.of("_id", "_index", "@timestamp", "n", "_rescued"), columns);
    assertEquals(
        "_index,_id",
        spark()
            .sql("SHOW TBLPROPERTIES " + plain + ".`" + STREAM + "`")
            .where("key = 'es.key'")
            .first()
            .getString(1));
  }

  @Test
  void anAliasIsListedOnlyWhenAskedAndReadsThroughItsFilterWithConflictsWidened() {
    String withAliases = catalog("disc_alias", Map.of("include_aliases", "true"));

    assertTrue(tables(withAliases).contains("disc-all"), tables(withAliases).toString());
    String noAliases = catalog("disc_no_alias", Map.of());
    assertFalse(tables(noAliases).contains("disc-all"));
    Exception notListed =
        assertThrows(Exception.class, () -> spark().table(noAliases + ".`disc-all`"));
    assertEquals(
        "Table 'disc-all' of catalog 'disc_no_alias' is not listed: 'disc-all' is an alias (of"
            + " disc-a, disc-b), and the catalog lists aliases only when its option"
            + " include_aliases is true (set"
            + " spark.sql.catalog.disc_no_alias.include_aliases=true).",
        notListed.getMessage());
    assertFalse(spark().catalog().tableExists(noAliases + ".`disc-all`"));
    Map<String, String> columns = describe(withAliases + ".`disc-all`");
    assertEquals("string", columns.get("code"), columns.toString());
    assertEquals("string", columns.get("obj"), columns.toString());
    assertEquals("boolean", columns.get("keep"), columns.toString());
    assertEquals("string", columns.get("only_b"), columns.toString());
    assertEquals("string", columns.get("_index"), columns.toString());
    List<Row> rows =
        spark()
            .sql("SELECT _index, _id, code, obj, only_b FROM " + withAliases + ".`disc-all`")
            .orderBy("_index")
            .collectAsList();
    assertEquals(
        List.of(
            List.of("disc-a", "1", "12", "5", "null"),
            List.of("disc-b", "1", "ab-1", "{\"x\":7}", "yes")),
        rows.stream().map(DiscoveryIT::texts).toList());
    // disc-a would answer a term query on code with an error and aggregate it as a long: the
    // widened column's filter and group stay in Spark.
    String filtered = "SELECT _index, _id FROM " + withAliases + ".`disc-all` WHERE code = 'ab-1'";
    assertEquals(
        List.of(List.of("disc-b", "1")),
        spark().sql(filtered).collectAsList().stream().map(DiscoveryIT::texts).toList());
    assertFalse(plan(filtered).contains("query="), plan(filtered));
    String grouped =
        "SELECT code, count(*) FROM " + withAliases + ".`disc-all` GROUP BY code ORDER BY code";
    assertEquals(
        List.of(List.of("12", "1"), List.of("ab-1", "1")),
        spark().sql(grouped).collectAsList().stream().map(DiscoveryIT::texts).toList());
    assertFalse(plan(grouped).contains("aggregation"), plan(grouped));
  }

  private static String plan(String query) {
    return spark().sql(query).queryExecution().executedPlan().toString();
  }

  @Test
  void aClosedIndexIsListedAndReadingItSaysItIsClosed() {
    String plain = catalog("disc_closed", Map.of());

    assertTrue(tables(plain).contains("disc-closed"));
    Exception describe =
        assertThrows(Exception.class, () -> spark().sql("DESCRIBE " + plain + ".`disc-closed`"));
    assertTrue(
        describe.getMessage().contains("Cannot read index 'disc-closed': it is closed"),
        describe.getMessage());
    Exception select =
        assertThrows(
            Exception.class,
            () -> spark().sql("SELECT * FROM " + plain + ".`disc-closed`").collectAsList());
    assertTrue(select.getMessage().contains("it is closed"), select.getMessage());
  }

  @Test
  void hiddenIndicesOnlyWhenAskedAndDotNamesNever() {
    String hidden = catalog("disc_hidden", Map.of("include_hidden", "true"));

    List<String> listed = tables(hidden);
    assertTrue(listed.contains("disc-hidden"), listed.toString());
    assertFalse(listed.contains(".disc-dot"), listed.toString());
    assertTrue(listed.stream().noneMatch(name -> name.startsWith(".")), listed.toString());
    assertEquals(0, spark().table(hidden + ".`disc-hidden`").count());
    Exception notListed =
        assertThrows(
            Exception.class,
            () -> spark().table(catalog("disc_unhidden", Map.of()) + ".`disc-hidden`"));
    assertTrue(
        notListed.getMessage().contains("'disc-hidden' is a hidden index")
            && notListed
                .getMessage()
                .contains("(set spark.sql.catalog.disc_unhidden.include_hidden=true)"),
        notListed.getMessage());
  }

  @Test
  void includeAndExcludeOptionsPickTheTables() {
    String picked = catalog("disc_pick", Map.of("include", "disc-?,disc-l*", "exclude", "disc-b"));

    assertEquals(List.of("disc-a", STREAM), tables(picked));
    Exception notListed = assertThrows(Exception.class, () -> spark().table(picked + ".`disc-b`"));
    assertEquals(
        "Table 'disc-b' of catalog 'disc_pick' is not listed: the catalog's options include"
            + " [disc-?, disc-l*] and exclude [disc-b] leave it out (set"
            + " spark.sql.catalog.disc_pick.include or spark.sql.catalog.disc_pick.exclude).",
        notListed.getMessage());
    assertThrows(Exception.class, () -> spark().table(picked + ".`disc-nothing-so-named`"));
    String missing = catalog("disc_missing", Map.of("include", "disc-a,disc-bb"));
    Exception error = assertThrows(Exception.class, () -> tables(missing));
    assertTrue(
        error.getMessage().contains("No index, data stream or alias named 'disc-bb' (closest:"),
        error.getMessage());
    assertTrue(error.getMessage().contains("disc-b"), error.getMessage());
    assertTrue(error.getMessage().contains("option 'include'"), error.getMessage());
  }

  @Test
  void aUserWhoseRoleReadsSomeIndicesListsExactlyThoseAndReadsThem() {
    String user = "eslake-disc-reader";
    String password = "Disc-" + java.util.UUID.randomUUID();
    fileRealmUser(user, password, List.of("disc-a", STREAM), List.of("disc-b"));
    String catalog = "disc_reader";
    String prefix = "spark.sql.catalog." + catalog;
    spark().conf().set(prefix, ElasticsearchCatalog.class.getName());
    spark().conf().set(prefix + ".url", es().url());
    spark().conf().set(prefix + ".username", user);
    spark().conf().set(prefix + ".password", password);
    spark().conf().set(prefix + ".include_aliases", "true");

    List<String> all =
        spark().sql("SHOW TABLES IN " + catalog).collectAsList().stream()
            .map(row -> row.getString(1))
            .toList();

    assertEquals(List.of("disc-a", STREAM), all, "disc-b is seen, not readable: not a table");
    Map<String, String> options = Map.of("url", es().url(), "username", user, "password", password);
    try (io.eslake.client.ClusterClient client =
        io.eslake.client.ClusterClient.connect(ConnectorOptions.of(options).connection())) {
      assertTrue(
          client.resolve("*", false).indices().stream().anyMatch(i -> i.name().equals("disc-b")),
          "the role's view_index_metadata shows disc-b in the resolve answer");
    }
    assertEquals(1, spark().table(catalog + ".`disc-a`").count());
    assertEquals(12, spark().table(catalog + ".`" + STREAM + "`").count());
    // Read in two slices, the stream's search names its backing indices, which the role grants
    // through the stream's name only.
    assertEquals(
        12,
        spark()
            .read()
            .option("slices", "2")
            .table(catalog + ".`" + STREAM + "`")
            .select("_index", "_id")
            .distinct()
            .collectAsList()
            .size());
  }

  /**
   * An index made while the catalog was listing, so absent from a listing only milliseconds old, is
   * still found: the proxy makes it after the cluster answered {@code _resolve/index} and before
   * the privilege check that ends the listing.
   */
  @Test
  void anIndexMadeJustAfterAListingIsFoundAtOnce() throws Exception {
    String index = "disc-just-made";
    admin().raw("DELETE", "/" + index + "?ignore_unavailable=true", null, "application/json");
    java.util.concurrent.atomic.AtomicBoolean armed =
        new java.util.concurrent.atomic.AtomicBoolean();
    try (io.eslake.local.RecordingProxy proxy =
        new io.eslake.local.RecordingProxy(es().url()) {
          @Override
          protected void beforeForward(java.net.http.HttpRequest.Builder request, Exchange sent) {
            if (sent.pathAndQuery().startsWith("/_security/user/_has_privileges")
                && armed.getAndSet(false)) {
              admin().recreateIndex(index, "{\"settings\":{\"number_of_replicas\":0}}");
            }
          }
        }) {
      ElasticsearchCatalog catalog = new ElasticsearchCatalog();
      Map<String, String> options = new java.util.HashMap<>();
      options.put("url", proxy.url());
      options.put("cache_ttl", "10m");
      if (es().secured()) {
        options.put("username", es().username());
        options.put("password", es().password());
      }
      catalog.initialize(
          "disc_just_made", new org.apache.spark.sql.util.CaseInsensitiveStringMap(options));
      armed.set(true);

      List<String> listed =
          java.util.Arrays.stream(catalog.listTables(new String[0]))
              .map(org.apache.spark.sql.connector.catalog.Identifier::name)
              .toList();
      long listedAt = System.nanoTime();
      org.apache.spark.sql.connector.catalog.Table table =
          catalog.loadTable(
              org.apache.spark.sql.connector.catalog.Identifier.of(new String[0], index));
      long millisAfterListing = (System.nanoTime() - listedAt) / 1_000_000;

      assertFalse(armed.get(), "the proxy made the index during the listing");
      assertFalse(listed.contains(index), "listed before the index was made: " + listed);
      assertEquals(index, table.name(), "loaded " + millisAfterListing + " ms after the listing");
    } finally {
      admin().raw("DELETE", "/" + index + "?ignore_unavailable=true", null, "application/json");
    }
  }

  static Map<String, String> describe(String table) {
    return spark().sql("DESCRIBE " + table).collectAsList().stream()
        .filter(row -> !row.getString(0).isEmpty() && !row.getString(0).startsWith("#"))
        .collect(
            Collectors.toMap(
                row -> row.getString(0),
                row -> row.getString(1),
                (a, b) -> a,
                java.util.LinkedHashMap::new));
  }

  static List<String> texts(Row row) {
    return java.util.stream.IntStream.range(0, row.size())
        .mapToObj(i -> String.valueOf(row.get(i)))
        .toList();
  }
}

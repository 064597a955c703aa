package io.eslake.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.client.ClusterClient;
import io.eslake.client.ConnectionSettings;
import io.eslake.client.Credentials;
import io.eslake.client.ServerInfo;
import io.eslake.local.AdminClient;
import io.eslake.local.LocalElasticsearch;
import io.eslake.local.LocalSpark;
import io.eslake.local.RecordingProxy;
import io.eslake.security.SyncRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite every supported server passes: detection, listing, schema, sliced reads, projection and
 * the sync into Delta. One subclass per server version starts its own node (the default version
 * uses the node the whole test JVM shares) and stops it after its tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServerSuite {

  private static final int DOCUMENTS = 3000;

  @TempDir Path folder;

  private LocalElasticsearch server;
  private boolean owned;
  private String catalog;

  /** The server product this class runs against. */
  abstract ServerInfo.Product product();

  /** The server version this class runs against. */
  abstract String version();

  /** Whether this is the version the build starts by default, which the test JVM shares. */
  boolean sharedDefault() {
    return false;
  }

  @BeforeAll
  void startServerAndLoad() throws IOException {
    if (sharedDefault()) {
      server = LocalElasticsearch.shared();
    } else {
      LocalElasticsearch.Product launched =
          product() == ServerInfo.Product.OPENSEARCH
              ? LocalElasticsearch.Product.OPENSEARCH
              : LocalElasticsearch.Product.ELASTICSEARCH;
      server = LocalElasticsearch.start(LocalElasticsearch.Settings.server(launched, version()));
      owned = true;
    }
    catalog = "srv_" + getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    register(catalog, server.url());
    AdminClient admin = server.admin();
    admin.recreateIndex("srv-core", "{\"mappings\":" + resource("/mappings/core-types.json") + "}");
    admin.recreateIndex(
        "srv-docs",
        "{\"settings\":{\"number_of_shards\":3,\"number_of_replicas\":0},"
            + "\"mappings\":{\"properties\":{\"n\":{\"type\":\"long\"},"
            + "\"word\":{\"type\":\"keyword\"},\"at\":{\"type\":\"date\"},"
            + "\"inner\":{\"properties\":{\"x\":{\"type\":\"integer\"}}}}}}");
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < DOCUMENTS; i++) {
      bulk.append("{\"index\":{\"_index\":\"srv-docs\",\"_id\":\"d")
          .append(i)
          .append("\"}}\n{\"n\":")
          .append(i)
          .append(",\"word\":\"w")
          .append(i % 7)
          .append("\",\"at\":\"2024-01-01T00:00:")
          .append(String.format("%02d", i % 60))
          .append("Z\",\"inner\":{\"x\":")
          .append(i % 11)
          .append("}}\n");
    }
    admin.bulk(bulk.toString());
    admin.refresh("srv-docs");
  }

  @AfterAll
  void stopServer() {
    if (owned) {
      server.close();
    }
  }

  @Test
  void theServerIsDetectedByAskingIt() {
    try (ClusterClient client = ClusterClient.connect(connection(server.url()))) {
      ServerInfo info = client.server();

      assertEquals(product(), info.product());
      assertEquals(version(), info.version());
      assertTrue(client.supportsPointInTime("srv-docs"), "point in time on " + info);
      assertEquals(3, client.shardLayout("srv-docs").primaryShards());
      assertEquals(1024, client.shardLayout("srv-docs").maxSlicesPerScroll());
    }
  }

  @Test
  void whereGetRootIsRefusedTheAnswersStillServe() throws IOException {
    try (RootRefusingProxy proxy = new RootRefusingProxy(server.url())) {
      String refused = register(catalog + "_refused", proxy.url());
      long rows = spark().table(refused + ".`srv-docs`").count();

      try (ClusterClient client = ClusterClient.connect(connection(proxy.url()))) {
        client.count("srv-docs");
        ServerInfo info = client.server();

        boolean header = product() == ServerInfo.Product.ELASTICSEARCH;
        assertEquals(
            header ? ServerInfo.Product.ELASTICSEARCH : ServerInfo.Product.COMPATIBLE,
            info.product());
        assertEquals("", info.version());
        assertTrue(client.supportsPointInTime("srv-docs"), "point in time behind a refusal");
      }
      assertEquals(DOCUMENTS, rows);
    }
  }

  @Test
  void listsTablesAndDescribesEveryCoreType() {
    List<String> tables =
        spark().sql("SHOW TABLES IN " + catalog).collectAsList().stream()
            .map(r -> r.getString(1))
            .toList();
    Map<String, String> columns =
        spark().sql("DESCRIBE " + catalog + ".`srv-core`").collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1), (a, b) -> a));

    assertTrue(tables.containsAll(List.of("srv-core", "srv-docs")), tables.toString());
    assertEquals("bigint", columns.get("views"));
    assertEquals("smallint", columns.get("level"));
    assertEquals("tinyint", columns.get("flag"));
    assertEquals("timestamp", columns.get("created"));
    assertEquals("struct<age:int,name:string>", columns.get("author"));
    assertEquals("array<struct<stars:smallint,user:string>>", columns.get("comments"));
    assertEquals("struct<lat:double,lon:double>", columns.get("location"));
  }

  @Test
  void aSlicedReadReturnsEachDocumentOnceAndClearsItsScrolls() {
    Row stats =
        spark()
            .read()
            .option("slices", "4")
            .option("page_size", "250")
            .table(catalog + ".`srv-docs`")
            .selectExpr(
                "count(*)", "count(distinct _id)", "sum(n)", "sum(inner.x)", "count(distinct at)")
            .head();

    assertEquals(DOCUMENTS, stats.getLong(0));
    assertEquals(DOCUMENTS, stats.getLong(1));
    assertEquals((long) (DOCUMENTS - 1) * DOCUMENTS / 2, stats.getLong(2));
    long innerSum = 0;
    for (int i = 0; i < DOCUMENTS; i++) {
      innerSum += i % 11;
    }
    assertEquals(innerSum, stats.getLong(3));
    assertEquals(60L, stats.getLong(4));
    assertEquals(0, server.admin().openSearchContexts(), "every scroll is cleared");
  }

  @Test
  void onlyTheSelectedColumnsAreFetched() throws IOException {
    try (RecordingProxy proxy = new RecordingProxy(server.url())) {
      String proxied = register(catalog + "_proxied", proxy.url());
      List<Row> rows =
          spark()
              .sql(
                  "SELECT upper(word), count(*) FROM "
                      + proxied
                      + ".`srv-docs` GROUP BY upper(word)")
              .collectAsList();

      String body =
          proxy.exchanges().stream()
              .filter(e -> e.pathAndQuery().startsWith("/srv-docs/_search?scroll="))
              .map(RecordingProxy.Exchange::body)
              .findFirst()
              .orElseThrow();
      assertEquals(7, rows.size());
      assertTrue(body.contains("\"includes\":[\"word\"]"), body);
    }
  }

  @Test
  void theSyncJobWritesWhatTheIndexHolds() throws IOException {
    Path warehouse = folder.resolve("warehouse");
    List<String> args = new ArrayList<>(List.of("--url", server.url()));
    if (server.secured()) {
      Path password = Files.writeString(folder.resolve("password"), server.password());
      args.addAll(List.of("--username", server.username(), "--password-file", password.toString()));
    }
    args.addAll(List.of("--warehouse", warehouse.toString(), "--indices", "srv-*"));

    SyncRun run = SyncRun.of(args);

    assertEquals(0, run.code(), run.out() + run.err());
    Row stats =
        spark()
            .read()
            .format("delta")
            .load(warehouse.resolve("srv_docs").toString())
            .selectExpr("count(*)", "sum(n)", "count(distinct word)")
            .head();
    assertEquals(DOCUMENTS, stats.getLong(0));
    assertEquals((long) (DOCUMENTS - 1) * DOCUMENTS / 2, stats.getLong(1));
    assertEquals(7L, stats.getLong(2));
  }

  private static SparkSession spark() {
    return LocalSpark.session();
  }

  private String register(String name, String url) {
    String prefix = "spark.sql.catalog." + name;
    spark().conf().set(prefix, "io.eslake.spark.ElasticsearchCatalog");
    spark().conf().set(prefix + ".url", url);
    if (server.secured()) {
      spark().conf().set(prefix + ".username", server.username());
      spark().conf().set(prefix + ".password", server.password());
    }
    return name;
  }

  private ConnectionSettings connection(String url) {
    return ConnectionSettings.fromUrls(
        url,
        server.secured()
            ? Credentials.basic(server.username(), server.password())
            : Credentials.none());
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ServerSuite.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

package io.eslake.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.eslake.IntegrationTest;
import io.eslake.local.RecordingProxy;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listing 2,000 empty indices costs one request, and a listing within the catalog's cache_ttl none:
 * every request is counted on a recording proxy in front of the real cluster.
 */
class ManyIndicesIT extends IntegrationTest {

  private static final Logger LOG = LoggerFactory.getLogger(ManyIndicesIT.class);

  static final int INDICES = 2000;
  static final String SETTINGS =
      "{\"settings\":{\"index.number_of_shards\":1,\"index.number_of_replicas\":0,"
          + "\"index.routing.allocation.enable\":\"none\"}}";

  private static RecordingProxy proxy;

  /**
   * Creates the indices with one bulk request of a create per index: the cluster creates missing
   * indices in batches of cluster state updates, where 2,000 create-index requests would take one
   * update each (several minutes on a loaded machine). An index template leaves their shards
   * unassigned, so the documents are refused after the bulk's timeout and the indices stay empty.
   */
  @BeforeAll
  static void createManyIndices() throws java.io.IOException {
    admin()
        .send(
            "PUT",
            "/_cluster/settings",
            "{\"persistent\":{\"cluster.max_shards_per_node\":" + (INDICES + 1000) + "}}");
    admin()
        .send(
            "PUT",
            "/_index_template/many",
            "{\"index_patterns\":[\"many-*\"],\"priority\":500,\"template\":" + SETTINGS + "}");
    long start = System.nanoTime();
    StringBuilder bulk = new StringBuilder();
    for (String index : names()) {
      bulk.append("{\"create\":{\"_index\":\"").append(index).append("\"}}\n{}\n");
    }
    admin().raw("POST", "/_bulk?timeout=20s", bulk.toString(), "application/x-ndjson");
    LOG.info(
        "Created {} indices in {} s",
        INDICES,
        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
    JsonNode resolved = admin().send("GET", "/_resolve/index/many-*", null);
    assertEquals(INDICES, resolved.path("indices").size(), "indices the cluster holds");
    proxy = new RecordingProxy(es().url());
  }

  @AfterAll
  static void deleteManyIndices() {
    if (proxy != null) {
      proxy.close();
    }
    List<String> names = names();
    for (int i = 0; i < names.size(); i += 100) {
      String batch = String.join(",", names.subList(i, Math.min(names.size(), i + 100)));
      admin().raw("DELETE", "/" + batch + "?ignore_unavailable=true", null, "application/json");
    }
    admin()
        .send(
            "PUT", "/_cluster/settings", "{\"persistent\":{\"cluster.max_shards_per_node\":null}}");
  }

  static List<String> names() {
    return IntStream.range(0, INDICES)
        .mapToObj(i -> String.format(Locale.ROOT, "many-%04d", i))
        .toList();
  }

  static String catalog(String name, String cacheTtl) {
    registerCatalog(name, proxy.url());
    spark().conf().set("spark.sql.catalog." + name + ".include", "many-*");
    spark().conf().set("spark.sql.catalog." + name + ".cache_ttl", cacheTtl);
    return name;
  }

  static List<String> tables(String catalog) {
    return spark().sql("SHOW TABLES IN " + catalog).collectAsList().stream()
        .map(row -> row.getString(1))
        .toList();
  }

  static List<String> sent() {
    return proxy.exchanges().stream().map(e -> e.method() + " " + e.pathAndQuery()).toList();
  }

  @Test
  void twoThousandIndicesAreListedInTwoRequestsAndCachedForCacheTtl() {
    String cached = catalog("many_cached", "10m");
    proxy.clear();

    List<String> first = tables(cached);
    List<String> afterFirst = sent();
    List<String> second = tables(cached);
    spark().sql("DESCRIBE " + cached + ".`many-0007`").collectAsList();

    assertEquals(names(), first);
    assertEquals(
        List.of(
            "GET /_resolve/index/*?expand_wildcards=open%2Cclosed&ignore_unavailable=true",
            "POST /_security/user/_has_privileges"),
        afterFirst);
    assertEquals(first, second);
    List<String> all = sent();
    assertEquals(1, all.stream().filter(r -> r.contains("_resolve")).count(), all.toString());
    assertTrue(all.stream().anyMatch(r -> r.startsWith("GET /many-0007/_mapping")), all.toString());
  }

  @Test
  void aCacheTtlOfZeroListsAnewEveryTime() {
    String uncached = catalog("many_uncached", "0");
    proxy.clear();

    assertEquals(INDICES, tables(uncached).size());
    assertEquals(INDICES, tables(uncached).size());

    List<String> all = sent();
    assertEquals(4, all.size(), all.toString());
    assertEquals(2, all.stream().filter(r -> r.startsWith("GET /_resolve/index/*")).count());
    assertEquals(2, all.stream().filter(r -> r.contains("_has_privileges")).count());
  }
}

package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.eslake.IntegrationTest;
import io.eslake.fixtures.Fixture;
import io.eslake.fixtures.FixtureAssertions;
import io.eslake.fixtures.SparkRows;
import io.eslake.types.DecodeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the fixtures whose mappings the local distribution supports end to end: each is indexed into
 * a real Elasticsearch, then every read is checked live through the catalog, and every read that
 * succeeds is checked again in the Delta table the sync job writes with the same options.
 */
class FixtureIT extends IntegrationTest {

  private static final AtomicInteger CATALOGS = new AtomicInteger();

  @TempDir static Path warehouse;

  private static List<Fixture> fixtures;

  @BeforeAll
  static void indexFixtures() {
    fixtures = Fixture.all().stream().filter(Fixture::local).toList();
    for (Fixture fixture : fixtures) {
      admin()
          .recreateIndex(
              fixture.indexName(),
              "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},\"mappings\":"
                  + fixture.mapping()
                  + "}");
      StringBuilder bulk = new StringBuilder();
      for (Fixture.Document document : fixture.documents()) {
        bulk.append("{\"index\":{\"_index\":\"")
            .append(fixture.indexName())
            .append("\",\"_id\":\"")
            .append(document.id())
            .append("\"}}\n")
            .append(document.source())
            .append('\n');
      }
      if (!bulk.isEmpty()) {
        admin().bulk(bulk.toString());
      }
      admin().refresh(fixture.indexName());
    }
  }

  @TestFactory
  Stream<DynamicTest> everyLocalFixtureReadsTheSameThroughTheCatalog() {
    return reads().map(r -> DynamicTest.dynamicTest(r.where(), () -> readLive(r)));
  }

  @TestFactory
  Stream<DynamicTest> everyLocalFixtureSyncsTheSameIntoDelta() {
    Map<Map<String, String>, List<FixtureRead>> byOptions = new LinkedHashMap<>();
    reads()
        .filter(r -> r.read().error() == null)
        .forEach(r -> byOptions.computeIfAbsent(r.read().options(), k -> new ArrayList<>()).add(r));
    return byOptions.entrySet().stream()
        .map(
            group ->
                DynamicTest.dynamicTest(
                    "sync with " + group.getKey(), () -> sync(group.getKey(), group.getValue())));
  }

  /**
   * The cluster is the reference for what does not fit: a fixture that says so rescues exactly the
   * fields Elasticsearch ignored (its {@code _ignored}, under {@code ignore_malformed}), apart from
   * the differences it lists.
   */
  @TestFactory
  Stream<DynamicTest> fixturesRescueWhatTheClusterIgnored() {
    return fixtures.stream()
        .filter(fixture -> fixture.clusterDiffers() != null)
        .map(f -> DynamicTest.dynamicTest(f.id(), () -> assertRescuedAsIgnored(f)));
  }

  private static void assertRescuedAsIgnored(Fixture fixture) {
    JsonNode hits =
        admin()
            .send(
                "POST",
                "/" + fixture.indexName() + "/_search",
                "{\"size\":100,\"_source\":false,\"fields\":[\"_ignored\"]}")
            .path("hits")
            .path("hits");
    Map<String, JsonNode> expected = new LinkedHashMap<>();
    fixture.reads().get(0).rows().forEach(row -> expected.put(row.path("_id").asText(), row));
    assertEquals(expected.size(), hits.size(), fixture.id());
    for (JsonNode hit : hits) {
      String id = hit.path("_id").asText();
      java.util.Set<String> ignored = new java.util.TreeSet<>();
      hit.path("_ignored").forEach(field -> ignored.add(field.asText()));
      hit.path("fields").path("_ignored").forEach(field -> ignored.add(field.asText()));
      java.util.Set<String> rescued = new java.util.TreeSet<>();
      expected
          .get(id)
          .path("_rescued")
          .fieldNames()
          .forEachRemaining(path -> rescued.add(path.split("[.\\[]")[0]));
      java.util.Set<String> differs = new java.util.TreeSet<>();
      fixture.clusterDiffers().path(id).forEach(field -> differs.add(field.asText()));
      java.util.Set<String> ignoredAndDiffering = new java.util.TreeSet<>(ignored);
      ignoredAndDiffering.addAll(differs);
      assertEquals(ignoredAndDiffering, rescued, fixture.id() + " " + id + ": _ignored " + ignored);
      differs.retainAll(ignored);
      assertTrue(differs.isEmpty(), fixture.id() + " " + id + ": listed as differing " + differs);
    }
  }

  /**
   * A read of some columns gets {@code _source} filtered by the cluster, which rewrites a number
   * with a fraction or exponent as a double ({@code 9223372036854775807.0} as {@code
   * 9.223372036854776E18}); a long column reads the same value either way.
   */
  @Test
  void aLongWrittenAsADoubleReadsTheSameFilteredAndWhole() {
    String catalog = registerCatalog("fixture_" + CATALOGS.incrementAndGet());
    String table = catalog + ".`fx-numbers-within-elasticsearch-bounds`";

    List<Row> filtered =
        spark().sql("SELECT _id, l FROM " + table + " ORDER BY _id").collectAsList();
    List<Row> whole =
        spark().sql("SELECT _id, l, _rescued FROM " + table + " ORDER BY _id").collectAsList();

    assertEquals(11, filtered.size());
    Map<String, Object> byId = new LinkedHashMap<>();
    for (int i = 0; i < filtered.size(); i++) {
      assertEquals(whole.get(i).get(1), filtered.get(i).get(1), whole.get(i).toString());
      byId.put(filtered.get(i).getString(0), filtered.get(i).get(1));
    }
    assertEquals(Long.MAX_VALUE, byId.get("n1"));
    assertEquals(Long.MAX_VALUE, byId.get("n2"));
    assertEquals(Long.MIN_VALUE, byId.get("n3"));
    assertEquals(12345678901234568L, byId.get("n6"));
  }

  /**
   * A dotted key into a nested field is a nested document of its own to Elasticsearch: its nested
   * query's inner hits list, per document, the nested objects in order with their values. The
   * catalog's read of the column must list the same objects in the same order.
   */
  @Test
  void dottedKeysIntoANestedFieldReadAsTheNestedDocumentsTheClusterIndexed() {
    String index = "fx-nested-dotted-keys";
    JsonNode hits =
        admin()
            .send(
                "POST",
                "/" + index + "/_search",
                "{\"size\":100,\"_source\":false,\"query\":{\"nested\":{\"path\":\"comments\","
                    + "\"query\":{\"match_all\":{}},\"inner_hits\":{\"size\":100,"
                    + "\"_source\":false,"
                    + "\"docvalue_fields\":[\"comments.author\",\"comments.n\"]}}}}")
            .path("hits")
            .path("hits");
    Map<String, String> clusterSays = new java.util.TreeMap<>();
    for (JsonNode hit : hits) {
      List<String> objects = new ArrayList<>();
      for (JsonNode inner : hit.path("inner_hits").path("comments").path("hits").path("hits")) {
        JsonNode fields = inner.path("fields");
        objects.add(
            inner.path("_nested").path("offset").asInt()
                + ":"
                + fields.path("comments.author").path(0).asText("null")
                + "/"
                + fields.path("comments.n").path(0).asText("null"));
      }
      clusterSays.put(hit.path("_id").asText(), String.join(" ", objects));
    }
    String catalog = registerCatalog("fixture_" + CATALOGS.incrementAndGet());
    List<Row> rows =
        spark()
            .sql(
                "SELECT _id, concat_ws(' ', transform(comments, (c, i) -> concat(i, ':',"
                    + " coalesce(c.author, 'null'), '/', coalesce(string(c.n), 'null'))))"
                    + " FROM "
                    + catalog
                    + ".`"
                    + index
                    + "` WHERE size(comments) > 0")
            .collectAsList();
    Map<String, String> weRead = new java.util.TreeMap<>();
    rows.forEach(row -> weRead.put(row.getString(0), row.getString(1)));

    assertEquals(6, clusterSays.size(), clusterSays.toString());
    assertEquals("0:p/null 1:null/3", clusterSays.get("d3"), clusterSays.toString());
    assertEquals(clusterSays, weRead);
  }

  /**
   * {@code "NaN"} in an integer, short or byte field: the cluster coerces it and indexes 0 (its doc
   * values and a term query for 0 say so) and lists nothing in {@code _ignored}; 0 would be a value
   * the document never held, so the read keeps the text in {@code _rescued} and leaves the column
   * null.
   */
  @Test
  void nanInAnIntegerFieldIsZeroToTheClusterAndRescuedByTheRead() {
    String index = "fx-nan-as-zero";
    admin()
        .recreateIndex(
            index,
            "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},\"mappings\":"
                + "{\"properties\":{\"i\":{\"type\":\"integer\"},\"s\":{\"type\":\"short\"},"
                + "\"b\":{\"type\":\"byte\"}}}}");
    admin()
        .bulk(
            "{\"index\":{\"_index\":\""
                + index
                + "\",\"_id\":\"nan\"}}\n{\"i\":\"NaN\",\"s\":\"NaN\",\"b\":\"NaN\"}\n");
    admin().refresh(index);
    JsonNode hit =
        admin()
            .send(
                "POST",
                "/" + index + "/_search",
                "{\"query\":{\"bool\":{\"filter\":[{\"term\":{\"i\":0}},{\"term\":{\"s\":0}},"
                    + "{\"term\":{\"b\":0}}]}},\"docvalue_fields\":[\"i\",\"s\",\"b\"],"
                    + "\"fields\":[\"_ignored\"],\"_source\":false}")
            .path("hits")
            .path("hits")
            .path(0);
    String catalog = registerCatalog("fixture_" + CATALOGS.incrementAndGet());
    Row row = spark().sql("SELECT i, s, b, _rescued FROM " + catalog + ".`" + index + "`").head();

    assertEquals("nan", hit.path("_id").asText(), "a term query for 0 finds the document");
    assertEquals("[0]", hit.path("fields").path("i").toString());
    assertEquals("[0]", hit.path("fields").path("s").toString());
    assertEquals("[0]", hit.path("fields").path("b").toString());
    assertTrue(hit.path("fields").path("_ignored").isMissingNode(), hit.toString());
    assertTrue(row.isNullAt(0) && row.isNullAt(1) && row.isNullAt(2), row.toString());
    assertEquals("{\"i\":\"NaN\",\"s\":\"NaN\",\"b\":\"NaN\"}", row.getString(3));
  }

  @Test
  void aValueThatDoesNotFitFailsTheSyncWhenAskedNamingDocumentFieldAndFlags() {
    SyncJobIT.Run run =
        SyncJobIT.run(
            SyncJobIT.argsFor(
                warehouse,
                es().password(),
                "--indices",
                "fx-case1-one-or-many",
                "--prefix",
                "failing_",
                "--array-sample-size",
                "0",
                "--on-mismatch",
                "fail"));
    assertEquals(1, run.code(), run.err() + run.out());
    String line = run.out().lines().filter(l -> l.contains("FAILED")).findFirst().orElse(run.out());
    assertTrue(line.contains("field 'grade' of document 'a2'"), line);
    assertTrue(line.contains("--array-fields"), line);
    assertTrue(line.contains("--on-mismatch"), line);
  }

  @Test
  void selectingTheRescueColumnAloneStillFindsWhatItHolds() {
    String catalog = registerCatalog("fixture_" + CATALOGS.incrementAndGet());
    spark().conf().set("spark.sql.catalog." + catalog + ".array_sample_size", "0");
    String table = catalog + ".`fx-case1-one-or-many`";

    List<Row> rescued =
        spark()
            .sql("SELECT _id, _rescued FROM " + table + " WHERE _rescued IS NOT NULL")
            .collectAsList();
    assertEquals(1, rescued.size(), rescued.toString());
    assertEquals("a2", rescued.get(0).getString(0));
    assertEquals("{\"grade\":[\"B\",\"C\"],\"ids\":[7,8]}", rescued.get(0).getString(1));

    List<Row> grades =
        spark().sql("SELECT _id, grade FROM " + table + " ORDER BY _id").collectAsList();
    assertEquals("[[a1,B], [a2,null], [a3,null], [a4,null]]", grades.toString());
  }

  /** One read of one fixture. */
  record FixtureRead(Fixture fixture, Fixture.Read read) {
    String where() {
      return fixture.id() + ": " + read.name();
    }
  }

  private static Stream<FixtureRead> reads() {
    return fixtures.stream().flatMap(f -> f.reads().stream().map(read -> new FixtureRead(f, read)));
  }

  private static void readLive(FixtureRead fixtureRead) {
    String catalog = registerCatalog("fixture_" + CATALOGS.incrementAndGet());
    fixtureRead
        .read()
        .options()
        .forEach(
            (key, value) -> spark().conf().set("spark.sql.catalog." + catalog + "." + key, value));
    Dataset<Row> table = spark().table(catalog + ".`" + fixtureRead.fixture().indexName() + "`");
    JsonNode error = fixtureRead.read().error();
    if (error != null) {
      Exception e = assertThrows(Exception.class, table::collectAsList);
      DecodeException decode = decodeException(e);
      assertNotNull(decode, "a DecodeException in " + e);
      assertEquals(error.path("_id").asText(), decode.documentId());
      assertEquals(error.path("field").asText(), decode.fieldPath());
      assertTrue(
          decode.getMessage().contains(fixtureRead.fixture().indexName()), decode.getMessage());
      return;
    }
    FixtureAssertions.assertRead(
        fixtureRead.read(), table.schema(), rows(table), "catalog " + fixtureRead.where());
  }

  private static void sync(Map<String, String> options, List<FixtureRead> group) {
    String prefix = "g" + CATALOGS.incrementAndGet() + "_";
    List<String> args = new ArrayList<>(List.of("--indices", indices(group), "--prefix", prefix));
    options.forEach((key, value) -> args.addAll(List.of("--" + key.replace('_', '-'), value)));
    SyncJobIT.Run run =
        SyncJobIT.run(SyncJobIT.argsFor(warehouse, es().password(), args.toArray(String[]::new)));
    assertEquals(0, run.code(), run.err() + run.out());
    for (FixtureRead fixtureRead : group) {
      String table =
          TableNames.assign(prefix, List.of(fixtureRead.fixture().indexName()))
              .get(fixtureRead.fixture().indexName());
      Dataset<Row> delta = SyncJobIT.delta(warehouse, table);
      FixtureAssertions.assertRead(
          fixtureRead.read(), delta.schema(), rows(delta), "delta " + fixtureRead.where());
      assertRescueReported(fixtureRead, run.out());
    }
  }

  /** Every field with rescued values in the expected rows has a line in the job's output. */
  private static void assertRescueReported(FixtureRead fixtureRead, String out) {
    for (JsonNode row : fixtureRead.read().rows()) {
      row.path("_rescued")
          .fieldNames()
          .forEachRemaining(
              path -> {
                String field = path.replaceAll("\\[[0-9]+\\]", "");
                assertTrue(out.contains("_rescued: " + field + " in "), field + " in " + out);
              });
    }
  }

  private static String indices(List<FixtureRead> group) {
    return String.join(",", group.stream().map(r -> r.fixture().indexName()).distinct().toList());
  }

  private static List<Map<String, Object>> rows(Dataset<Row> table) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Row row : table.collectAsList()) {
      rows.add(SparkRows.toJava(row, table.schema()));
    }
    return rows;
  }

  private static DecodeException decodeException(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof DecodeException decode) {
        return decode;
      }
    }
    return null;
  }
}

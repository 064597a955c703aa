package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.CapturedLogs;
import io.eslake.IntegrationTest;
import io.eslake.spark.ElasticsearchCatalog;
import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Indices whose mapping keeps no _source, or only part of it: the documents read back lack what
 * _source leaves out, which must not become NULL columns without a word.
 */
class SourceSettingsIT extends IntegrationTest {

  private static final String CATALOG = "source_it";

  @TempDir static Path warehouse;

  @BeforeAll
  static void createIndices() {
    String properties =
        "\"properties\":{\"name\":{\"type\":\"keyword\"},\"n\":{\"type\":\"long\"},"
            + "\"secret\":{\"type\":\"keyword\"}}";
    admin()
        .recreateIndex(
            "src-off", "{\"mappings\":{\"_source\":{\"enabled\":false}," + properties + "}}");
    admin().recreateIndex("src-on", "{\"mappings\":{" + properties + "}}");
    admin()
        .recreateIndex(
            "src-excludes",
            "{\"mappings\":{\"_source\":{\"excludes\":[\"secret\"]}," + properties + "}}");
    for (String index : List.of("src-off", "src-on", "src-excludes")) {
      admin()
          .bulk(
              "{\"index\":{\"_index\":\""
                  + index
                  + "\",\"_id\":\"1\"}}\n{\"name\":\"a\",\"n\":1,\"secret\":\"s1\"}\n"
                  + "{\"index\":{\"_index\":\""
                  + index
                  + "\",\"_id\":\"2\"}}\n{\"name\":\"b\",\"n\":2,\"secret\":\"s2\"}\n");
      admin().refresh(index);
    }
    admin()
        .send(
            "POST",
            "/_aliases",
            "{\"actions\":[{\"add\":{\"index\":\"src-on\",\"alias\":\"src-both\"}},"
                + "{\"add\":{\"index\":\"src-off\",\"alias\":\"src-both\"}}]}");
    registerCatalog(CATALOG);
    spark().conf().set("spark.sql.catalog." + CATALOG + ".include_aliases", "true");
  }

  private static String[] args(String... extra) {
    return SyncJobIT.argsFor(warehouse, es().password(), extra);
  }

  @Test
  void theCatalogRefusesAnIndexWithoutSourceNamingIt() {
    Exception e =
        assertThrows(
            Exception.class,
            () -> spark().table(CATALOG + ".`src-off`").collectAsList(),
            "an index without _source must not read as rows of NULLs");

    String message = Failures.oneLine(e);
    assertTrue(message.contains("'src-off'"), message);
    assertTrue(message.contains("disables _source"), message);
  }

  @Test
  void theCatalogRefusesAnAliasWhenOneOfItsIndicesHasNoSource() {
    Exception e =
        assertThrows(Exception.class, () -> spark().table(CATALOG + ".`src-both`").collectAsList());

    String message = Failures.oneLine(e);
    assertTrue(message.contains("alias 'src-both'"), message);
    assertTrue(message.contains("its index 'src-off' disables _source"), message);
  }

  @Test
  void theSyncFailsAnIndexWithoutSourceAndSyncsTheOthers() {
    SyncJobIT.Run run = SyncJobIT.run(args("--indices", "src-off,src-on"));

    assertEquals(SyncJob.EXIT_INDEX_FAILED, run.code(), run.out() + run.err());
    String all = run.out() + run.err();
    assertTrue(all.contains("index 'src-off'"), all);
    assertTrue(all.contains("disables _source"), all);
    assertEquals(2, SyncJobIT.delta(warehouse, "src_on").count());
    assertEquals(
        0,
        SyncJobIT.delta(warehouse, "src_on").where("name IS NULL OR n IS NULL").count(),
        "the index with _source reads its values");
  }

  @Test
  void theCheckReportsAnIndexWithoutSource() {
    SyncJobIT.Run run = SyncJobIT.run(args("--indices", "src-off", "--check"));

    assertEquals(SyncJob.EXIT_INDEX_FAILED, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("CANNOT READ"), run.out());
    assertTrue(run.out().contains("Check FAILED"), run.out());
    assertTrue(run.err().contains("'src-off'") && run.err().contains("_source"), run.err());
  }

  @Test
  void fieldsExcludedFromSourceReadNullWithAWarningNamingTheFilter() {
    List<String> warnings;
    List<Row> rows;
    try (CapturedLogs logs = CapturedLogs.start(Level.INFO, ElasticsearchCatalog.class.getName())) {
      spark().catalog().refreshTable(CATALOG + ".`src-excludes`");
      rows = spark().table(CATALOG + ".`src-excludes`").orderBy("n").collectAsList();
      warnings = logs.containing("src-excludes");
    }

    assertEquals(2, rows.size());
    assertEquals("a", rows.get(0).getAs("name"));
    assertNull(rows.get(0).getAs("secret"), "excluded from _source: no value to read");
    assertTrue(
        warnings.stream()
            .anyMatch(line -> line.startsWith("WARN") && line.contains("excludes [secret]")),
        String.valueOf(warnings));
  }

  /**
   * Synthetic source (index.mapping.source.mode, accepted by this distribution with a basic
   * license) rebuilds each document from doc values: the values read back are the ones indexed, but
   * an array's values come back sorted and without repeats.
   */
  @Test
  void aSyntheticSourceIndexReadsItsValuesAsTheClusterRebuildsThem() {
    admin()
        .recreateIndex(
            "src-synthetic",
            "{\"settings\":{\"index.mapping.source.mode\":\"synthetic\"},"
                + "\"mappings\":{\"properties\":{\"name\":{\"type\":\"keyword\"},"
                + "\"n\":{\"type\":\"long\"}}}}");
    admin()
        .send(
            "POST", "/src-synthetic/_doc/1?refresh=true", "{\"name\":[\"b\",\"a\",\"b\"],\"n\":7}");

    List<Row> rows = spark().table(CATALOG + ".`src-synthetic`").collectAsList();

    assertEquals(1, rows.size());
    assertEquals(7L, (long) rows.get(0).getAs("n"));
    assertEquals(List.of("a", "b"), rows.get(0).getList(rows.get(0).fieldIndex("name")));
  }
}

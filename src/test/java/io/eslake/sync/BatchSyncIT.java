package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.IntegrationTest;
import io.eslake.sync.SyncJobIT.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.AddFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small indices synced together in shared Spark jobs (BatchSync): each table must hold what the
 * same index synced on its own holds, with the same columns and properties, and keep each index's
 * own result, replace and failure.
 */
class BatchSyncIT extends IntegrationTest {

  @TempDir static Path work;

  /** Indices of 20 documents or fewer are batched in these runs; batch-big has 30. */
  private static final String MAX = "20";

  @BeforeAll
  static void indices() {
    index(
        "batch-a",
        "{\"k\":{\"type\":\"keyword\"},\"n\":{\"type\":\"long\"},\"t\":{\"type\":\"date\"},"
            + "\"o\":{\"properties\":{\"x\":{\"type\":\"double\"}}}}",
        12,
        i ->
            "{\"k\":\"k"
                + i
                + "\",\"n\":"
                + (i * 7)
                + ",\"t\":\"2026-01-0"
                + (1 + i % 9)
                + "T10:00:00Z\",\"o\":{\"x\":"
                + (i / 4.0)
                + "}}");
    index(
        "batch-b",
        "{\"s\":{\"type\":\"text\"},\"f\":{\"type\":\"float\"},\"b\":{\"type\":\"boolean\"}}",
        7,
        i -> "{\"s\":\"text " + i + "\",\"f\":" + (i + 0.5) + ",\"b\":" + (i % 2 == 0) + "}");
    index("batch-c", "{\"k\":{\"type\":\"keyword\"}}", 0, i -> "{}");
    SyncJobIT.indexWithMalformedNumbers("batch-d", "1", "\"two\"", "3");
    // Dates before 1900 and before the Gregorian reform, written as they are.
    String[] old = {"1899-12-31", "0001-01-01T00:00:00Z", "1582-10-10", "2026-01-01"};
    index("batch-e", "{\"d\":{\"type\":\"date\"}}", old.length, i -> "{\"d\":\"" + old[i] + "\"}");
    index("batch-big", "{\"n\":{\"type\":\"long\"}}", 30, i -> "{\"n\":" + i + "}");
  }

  private static void index(
      String name, String properties, int documents, java.util.function.IntFunction<String> doc) {
    admin()
        .recreateIndex(
            name,
            "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
                + "\"mappings\":{\"properties\":"
                + properties
                + "}}");
    if (documents > 0) {
      StringBuilder bulk = new StringBuilder();
      for (int i = 0; i < documents; i++) {
        bulk.append(io.eslake.local.AdminClient.indexAction(name, i)).append(doc.apply(i));
        bulk.append('\n');
      }
      admin().bulk(bulk.toString());
    }
    admin().refresh(name);
  }

  private static Run sync(Path warehouse, String indices, String... extra) {
    List<String> all = new ArrayList<>(List.of("--indices", indices, "--parallelism", "4"));
    all.addAll(List.of(extra));
    return SyncJobIT.run(SyncJobIT.argsFor(warehouse, es().password(), all.toArray(String[]::new)));
  }

  private static Snapshot snapshot(Path warehouse, String table) {
    return DeltaLog.forTable(spark(), warehouse.resolve(table).toString())
        .update(false, scala.Option.empty(), scala.Option.empty());
  }

  private static List<AddFile> files(Path warehouse, String table) {
    return snapshot(warehouse, table).allFiles().collectAsList();
  }

  /** Whether a table's files were written by a batch: their statistics hold the row count only. */
  private static boolean batched(Path warehouse, String table) {
    List<AddFile> files = files(warehouse, table);
    return !files.isEmpty() && files.stream().allMatch(file -> !file.stats().contains("minValues"));
  }

  /** The rows the statistics of a table's files count. */
  private static long recordedRows(Path warehouse, String table) throws Exception {
    long rows = 0;
    for (AddFile file : files(warehouse, table)) {
      rows +=
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(file.stats())
              .path("numRecords")
              .asLong(-1);
    }
    return rows;
  }

  /** The newest entry of a table's history: its operation and its metrics. */
  private static Row history(Path warehouse, String table) {
    return spark()
        .sql("DESCRIBE HISTORY delta.`" + warehouse.resolve(table) + "` LIMIT 1")
        .select("operation", "operationMetrics")
        .head();
  }

  private static List<String> rows(Path warehouse, String table) {
    Dataset<Row> rows = SyncJobIT.delta(warehouse, table);
    return rows.orderBy("_id").collectAsList().stream().map(Row::toString).toList();
  }

  @Test
  void smallIndicesSyncedTogetherHoldWhatEachSyncedAloneHolds() throws Exception {
    Path batched = Files.createDirectories(work.resolve("together"));
    Path alone = Files.createDirectories(work.resolve("alone"));

    String indices = "batch-a,batch-b,batch-c,batch-d,batch-e,batch-big";
    Run together = sync(batched, indices, "--batch-max-documents", MAX);
    Run separate = sync(alone, indices, "--batch-max-documents", "0");

    assertEquals(0, together.code(), together.err() + together.out());
    assertEquals(0, separate.code(), separate.err() + separate.out());
    for (String table :
        List.of("batch_a", "batch_b", "batch_c", "batch_d", "batch_e", "batch_big")) {
      assertEquals(
          SyncJobIT.delta(alone, table).schema(),
          SyncJobIT.delta(batched, table).schema(),
          "columns of " + table);
      assertEquals(rows(alone, table), rows(batched, table), "rows of " + table);
      assertEquals(
          snapshot(alone, table).metadata().configuration(),
          snapshot(batched, table).metadata().configuration(),
          "properties of " + table);
      assertEquals(
          snapshot(alone, table).protocol(),
          snapshot(batched, table).protocol(),
          "protocol of " + table);
    }
    assertEquals(12, rows(batched, "batch_a").size());
    assertEquals(0, rows(batched, "batch_c").size());
    // The batch wrote the small tables; batch-big, over the limit, was synced on its own.
    assertTrue(batched(batched, "batch_a"));
    assertTrue(batched(batched, "batch_d"));
    assertTrue(batched(batched, "batch_e"));
    assertEquals(4, rows(batched, "batch_e").size());
    assertEquals(
        history(alone, "batch_a").getMap(1).keySet(),
        history(batched, "batch_a").getMap(1).keySet(),
        "the metrics the history shows");
    assertEquals("12", history(batched, "batch_a").getJavaMap(1).get("numOutputRows"));
    assertFalse(batched(batched, "batch_big"));
    assertFalse(batched(alone, "batch_a"));
    assertEquals(12, recordedRows(batched, "batch_a"), "row counts in the files' statistics");
    // The rescued value is reported the same way both times.
    for (Run run : List.of(together, separate)) {
      assertTrue(run.out().contains("batch-d -> "), run.out());
      assertTrue(run.out().contains("_rescued"), run.out());
      assertTrue(run.out().contains("Synced 6 of 6 indices"), run.out());
    }
    assertEquals(
        1, SyncJobIT.delta(batched, "batch_d").where("_id = '2' AND _rescued IS NOT NULL").count());
  }

  @Test
  void aSecondRunReplacesEachTableInOneCommit() throws Exception {
    Path warehouse = Files.createDirectories(work.resolve("replaced"));
    index("batch-r1", "{\"n\":{\"type\":\"long\"}}", 10, i -> "{\"n\":" + i + "}");
    index("batch-r2", "{\"n\":{\"type\":\"long\"}}", 5, i -> "{\"n\":" + i + "}");
    assertEquals(0, sync(warehouse, "batch-r*", "--batch-max-documents", MAX).code());
    List<AddFile> first = files(warehouse, "batch_r1");
    String id = snapshot(warehouse, "batch_r1").metadata().id();
    admin().bulk("{\"delete\":{\"_index\":\"batch-r1\",\"_id\":\"3\"}}\n");
    admin().refresh("batch-r1");
    // A field the first run did not see: the table's columns change with the mapping.
    admin()
        .bulk(
            io.eslake.local.AdminClient.indexAction("batch-r2", 99)
                + "{\"n\":99,\"extra\":\"new\"}\n");
    admin().refresh("batch-r2");

    Run second = sync(warehouse, "batch-r*", "--batch-max-documents", MAX);

    assertEquals(0, second.code(), second.err() + second.out());
    assertTrue(batched(warehouse, "batch_r1"));
    assertEquals(9, rows(warehouse, "batch_r1").size());
    assertFalse(rows(warehouse, "batch_r1").stream().anyMatch(row -> row.startsWith("[3,")));
    assertEquals(6, rows(warehouse, "batch_r2").size());
    assertTrue(
        List.of(SyncJobIT.delta(warehouse, "batch_r2").schema().fieldNames()).contains("extra"));
    assertTrue(second.out().contains("schema: added extra"), second.out());
    Snapshot replaced = snapshot(warehouse, "batch_r1");
    assertEquals(1, replaced.version());
    List<String> kept = files(warehouse, "batch_r1").stream().map(AddFile::path).toList();
    assertTrue(first.stream().noneMatch(file -> kept.contains(file.path())), "old files removed");
    // As Delta's CREATE OR REPLACE TABLE AS SELECT does, a replace gives the table a new id.
    assertFalse(id.equals(replaced.metadata().id()), "a new id");
    assertEquals("9", history(warehouse, "batch_r1").getJavaMap(1).get("numOutputRows"));
    List<Row> history =
        spark()
            .sql("DESCRIBE HISTORY delta.`" + warehouse.resolve("batch_r1") + "`")
            .select("operation")
            .collectAsList();
    assertEquals("CREATE OR REPLACE TABLE AS SELECT", history.get(0).getString(0));
    assertEquals("CREATE TABLE AS SELECT", history.get(1).getString(0));
  }

  @Test
  void anIndexThatFailsInABatchFailsAloneAndLeavesNoFiles() throws Exception {
    Path warehouse = Files.createDirectories(work.resolve("failing"));
    index("batch-f1", "{\"n\":{\"type\":\"long\"}}", 4, i -> "{\"n\":" + i + "}");
    index("batch-f2", "{\"n\":{\"type\":\"long\"}}", 6, i -> "{\"n\":" + i + "}");
    SyncJobIT.indexWithMalformedNumbers("batch-f3", "1", "\"x\"");

    Run run = sync(warehouse, "batch-f*", "--batch-max-documents", MAX, "--on-mismatch", "fail");

    assertEquals(1, run.code(), run.err() + run.out());
    assertTrue(run.out().contains("Synced 2 of 3 indices"), run.out());
    assertTrue(run.out().contains("failed: batch-f3"), run.out());
    assertTrue(run.out().contains("on_mismatch") || run.out().contains("--on-mismatch"), run.out());
    assertTrue(batched(warehouse, "batch_f1"));
    assertEquals(6, rows(warehouse, "batch_f2").size());
    try (Stream<Path> left = Files.walk(warehouse.resolve("batch_f3"))) {
      assertEquals(List.of(), left.filter(path -> path.toString().endsWith(".parquet")).toList());
    } catch (java.nio.file.NoSuchFileException e) {
      // No folder at all: nothing left either.
    }
  }

  @Test
  void aTableSomeoneElseWroteLastIsReplacedTheUsualWay() throws Exception {
    Path warehouse = Files.createDirectories(work.resolve("foreign"));
    index("batch-g1", "{\"n\":{\"type\":\"long\"}}", 3, i -> "{\"n\":" + i + "}");
    index("batch-g2", "{\"n\":{\"type\":\"long\"}}", 3, i -> "{\"n\":" + i + "}");
    index("batch-g3", "{\"n\":{\"type\":\"long\"}}", 2, i -> "{\"n\":" + i + "}");
    assertEquals(0, sync(warehouse, "batch-g*", "--batch-max-documents", MAX).code());
    // A user's append: the newest commit no longer lists every file of the table.
    SyncJobIT.delta(warehouse, "batch_g1")
        .limit(1)
        .write()
        .format("delta")
        .mode("append")
        .save(warehouse.resolve("batch_g1").toString());
    assertEquals(4, rows(warehouse, "batch_g1").size());

    Run second = sync(warehouse, "batch-g*", "--batch-max-documents", MAX);

    assertEquals(0, second.code(), second.err() + second.out());
    assertEquals(3, rows(warehouse, "batch_g1").size(), "the appended row is gone");
    assertFalse(batched(warehouse, "batch_g1"), "synced on its own");
    assertTrue(batched(warehouse, "batch_g2"), "the others are still batched");
    assertEquals(2, rows(warehouse, "batch_g3").size());
  }

  @Test
  void aSessionThatSetsDeltaTableDefaultsSyncsEachIndexOnItsOwn() throws Exception {
    Path warehouse = Files.createDirectories(work.resolve("defaults"));
    index("batch-h1", "{\"n\":{\"type\":\"long\"}}", 3, i -> "{\"n\":" + i + "}");
    index("batch-h2", "{\"n\":{\"type\":\"long\"}}", 4, i -> "{\"n\":" + i + "}");
    String key = BatchFiles.TABLE_DEFAULTS + "enableChangeDataFeed";
    spark().conf().set(key, "true");
    Run run;
    try {
      run = sync(warehouse, "batch-h*", "--batch-max-documents", MAX);
    } finally {
      spark().conf().unset(key);
    }

    assertEquals(0, run.code(), run.err() + run.out());
    for (String table : List.of("batch_h1", "batch_h2")) {
      assertFalse(batched(warehouse, table), table + " synced on its own");
      assertEquals(
          "true",
          snapshot(warehouse, table)
              .metadata()
              .configuration()
              .get("delta.enableChangeDataFeed")
              .get(),
          "the session's default is applied to " + table);
    }
  }

  @Test
  void anIndexClosedAfterTheListingIsSkippedAsClosed() throws Exception {
    Path warehouse = Files.createDirectories(work.resolve("closing"));
    for (String name : List.of("batch-k1", "batch-k2", "batch-k3")) {
      index(name, "{\"n\":{\"type\":\"long\"}}", 3, i -> "{\"n\":" + i + "}");
    }
    Run run;
    try (io.eslake.local.FaultProxy proxy = new io.eslake.local.FaultProxy(es().url())) {
      // batch-k3 is closed once the run has listed it, when batch-k1's read opens its scroll.
      proxy.beforeForwarding(
          request -> request.opensScroll() && request.path().startsWith("/batch-k1/"),
          () -> admin().send("POST", "/batch-k3/_close", null),
          1);
      run =
          SyncJobIT.run(
              SyncJobIT.argsFor(
                  warehouse,
                  es().password(),
                  "--indices",
                  "batch-k*",
                  "--parallelism",
                  "1",
                  "--url",
                  proxy.url()));
    } finally {
      admin().send("POST", "/batch-k3/_open", null);
    }

    assertEquals(0, run.code(), run.err() + run.out());
    assertTrue(run.out().contains("batch-k3 -> "), run.out());
    assertTrue(run.out().contains("skipped (closed)"), run.out());
    assertTrue(run.out().contains("Synced 2 of 3 indices"), run.out());
  }
}

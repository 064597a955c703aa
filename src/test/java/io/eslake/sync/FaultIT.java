package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import io.eslake.IntegrationTest;
import io.eslake.local.AdminClient;
import io.eslake.local.FaultProxy;
import io.eslake.local.FaultProxy.Fault;
import io.eslake.local.JvmFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/**
 * The sync job through a fault-injecting proxy in front of the real cluster. Each fault ends either
 * with every document exactly once in Delta, or with the index failed, its previous Delta version
 * untouched, and a message that names the fault.
 */
class FaultIT extends IntegrationTest {

  /** Two shards of about 12,500 documents: each slice reads a full page and a partial one. */
  private static final String INDEX = "fault-docs";

  private static final int DOCUMENTS = 25_000;
  private static final String TABLE = "fault_docs";

  @TempDir static Path warehouse;

  private static FaultProxy proxy;

  @BeforeAll
  static void loadAndSyncOnce() throws IOException {
    createIndex(INDEX, DOCUMENTS);
    proxy = new FaultProxy(es().url());
    SyncJobIT.Run first = sync("--indices", INDEX);
    assertEquals(0, first.code(), first.err() + first.out());
  }

  @AfterAll
  static void closeProxy() {
    proxy.close();
  }

  @AfterEach
  void clearFaults() {
    proxy.clearFaults();
  }

  @Test
  void burstsOf429And503AreRetriedAndEveryDocumentArrivesOnce() {
    proxy.inject(FaultProxy.Request::isScrollPage, Fault.TOO_MANY_REQUESTS, 4);
    proxy.inject(FaultProxy.Request::opensScroll, Fault.UNAVAILABLE, 2);
    proxy.inject(r -> r.path().endsWith("/_count"), Fault.TOO_MANY_REQUESTS, 2);
    proxy.inject(r -> r.path().endsWith("/_mapping"), Fault.UNAVAILABLE, 1);

    SyncJobIT.Run run = sync("--indices", INDEX);

    assertEquals(0, run.code(), run.err() + run.out());
    assertEquals(9, proxy.injected().size(), String.valueOf(proxy.injected()));
    Dataset<Row> table = SyncJobIT.delta(warehouse, TABLE);
    assertEquals(DOCUMENTS, table.count());
    assertEquals(DOCUMENTS, table.select("_id").distinct().count(), "every document once");
    assertEquals(
        (long) DOCUMENTS * (DOCUMENTS - 1) / 2,
        table.selectExpr("sum(n)").head().getLong(0),
        "every value as indexed");
  }

  @Test
  void theReadCountsItsRetriesInItsSparkUiMetric() {
    String catalog = registerCatalog("fault_metrics", proxy.url());
    spark().conf().set("spark.sql.catalog." + catalog + ".retry_wait_ms", "10");
    proxy.inject(FaultProxy.Request::isScrollPage, Fault.TOO_MANY_REQUESTS, 5);
    proxy.inject(FaultProxy.Request::opensScroll, Fault.UNAVAILABLE, 2);
    Dataset<Row> read = spark().table(catalog + ".`" + INDEX + "`").select("_id");

    assertEquals(DOCUMENTS, read.collectAsList().size());

    assertEquals(7, proxy.injected().size(), String.valueOf(proxy.injected()));
    Map<String, Long> metrics = scanMetrics(read);
    assertEquals(7L, metrics.get("esRetries"), metrics.toString());
    assertEquals((long) DOCUMENTS, metrics.get("esDocuments"), metrics.toString());
    assertEquals(4L, metrics.get("esPages"), "two pages per slice, no empty one after the count");
  }

  /** The read's metrics as the executed plan's scan holds them after the query ran. */
  private static Map<String, Long> scanMetrics(Dataset<Row> read) {
    SparkPlan plan = read.queryExecution().executedPlan();
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      plan = adaptive.executedPlan();
    }
    Map<String, Long> values = new TreeMap<>();
    for (SparkPlan leaf : JavaConverters.seqAsJavaList(plan.collectLeaves())) {
      if (leaf instanceof BatchScanExec scan) {
        JavaConverters.mapAsJavaMap(scan.metrics())
            .forEach((name, metric) -> values.put(name, metric.value()));
      }
    }
    return values;
  }

  @Test
  void aConnectionResetMidPageFailsTheIndexAndKeepsThePreviousVersion() {
    assertFailsKeepingPreviousVersion(
        FaultProxy.Request::isScrollPage, Fault.RESET_MID_BODY, "connection was reset");
  }

  @Test
  void aResponseCutInHalfFailsTheIndexAndKeepsThePreviousVersion() {
    assertFailsKeepingPreviousVersion(
        FaultProxy.Request::isScrollPage, Fault.CUT_BODY_IN_HALF, "response was cut short");
  }

  @Test
  void aShardFailureInAPageFailsTheIndexAndKeepsThePreviousVersion() {
    assertFailsKeepingPreviousVersion(
        FaultProxy.Request::isScrollPage, Fault.SHARD_FAILURE, "1 of 2 shards failed");
  }

  @Test
  void anExpiredScrollFailsTheIndexAndKeepsThePreviousVersion() {
    assertFailsKeepingPreviousVersion(
        FaultProxy.Request::isScrollPage,
        Fault.SCROLL_CONTEXT_MISSING,
        "scroll expired or was lost");
  }

  @Test
  void aFailingIndexDoesNotStopTheOthersAndOnlyFailedRerunsIt() throws IOException {
    createIndex("fault-other", 300);
    proxy.inject(r -> r.path().startsWith("/fault-other/_search"), Fault.SHARD_FAILURE, 100);

    SyncJobIT.Run run = sync("--indices", INDEX + ",fault-other");

    assertEquals(1, run.code(), run.out());
    assertTrue(run.out().contains(INDEX + " -> "), run.out());
    assertTrue(run.out().contains("Synced 1 of 2 indices"), run.out());
    assertTrue(run.out().contains("failed: fault-other"), run.out());
    assertTrue(run.out().contains("fault-other -> "), run.out());
    assertTrue(run.out().contains("failed to answer a page"), run.out());
    assertTrue(Files.exists(warehouse.resolve(RunReport.FILE_NAME)));
    assertEquals(DOCUMENTS, SyncJobIT.delta(warehouse, TABLE).count());

    // A rerun whose selection leaves out the failed index says so, instead of "nothing to rerun".
    SyncJobIT.Run elsewhere = sync("--only-failed", "--indices", INDEX);
    assertEquals(2, elsewhere.code(), elsewhere.out() + elsewhere.err());
    assertTrue(
        elsewhere
            .err()
            .startsWith(
                "eslake sync: The last run failed on fault-other, which --indices and --exclude"
                    + " do not select now"),
        elsewhere.err());

    proxy.clearFaults();
    SyncJobIT.Run rerun = sync("--only-failed");

    assertEquals(0, rerun.code(), rerun.err() + rerun.out());
    assertTrue(rerun.out().contains("Syncing 1 index"), rerun.out());
    assertTrue(rerun.out().contains("fault-other -> "), rerun.out());
    assertFalse(rerun.out().contains(INDEX + " -> "), rerun.out());
    assertEquals(300, SyncJobIT.delta(warehouse, "fault_other").count());

    SyncJobIT.Run nothing = sync("--only-failed");
    assertEquals(0, nothing.code(), nothing.err());
    assertTrue(nothing.out().startsWith("Nothing to rerun"), nothing.out());
  }

  /**
   * While a run syncs, its report says "running" and its rerun file names every index as not
   * finished: a run killed then leaves neither the previous run's "ok" for a monitor nor its rerun
   * file for --only-failed (which said "nothing to rerun" after a killed run). Read by a proxy hook
   * at the run's first scroll page.
   */
  @Test
  void aRunningSyncsReportSaysRunningUntilItEnds() throws IOException {
    Path report = warehouse.resolve("reports/running.json");
    Path rerun = warehouse.resolve(RunReport.FILE_NAME);
    List<String> seen = new ArrayList<>();
    proxy.beforeForwarding(
        FaultProxy.Request::opensScroll,
        () -> {
          try {
            seen.add(Files.readString(report));
            seen.add(String.join(",", RunReport.failedIndices(rerun)));
            seen.add(Files.readString(rerun));
          } catch (IOException e) {
            seen.add(e.toString());
          }
        },
        1);

    SyncJobIT.Run run = sync("--indices", INDEX, "--report", report.toString());

    assertEquals(0, run.code(), run.out() + run.err());
    assertEquals(3, seen.size(), seen.toString());
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var running = json.readTree(seen.get(0));
    assertEquals("running", running.path("status").asText(), seen.get(0));
    assertTrue(running.path("finished_at").isNull(), seen.get(0));
    assertEquals(INDEX, running.path("indices").path(0).path("index").asText(), seen.get(0));
    assertEquals(INDEX, seen.get(1));
    assertTrue(seen.get(2).contains("the run ended before this index finished"), seen.get(2));
    var after = json.readTree(report.toFile());
    assertEquals("ok", after.path("status").asText(), after.toString());
    assertEquals(List.of(), RunReport.failedIndices(rerun));
  }

  /**
   * A job asked to stop (its driver's shutdown hook on SIGTERM or Ctrl-C) begins no more indices:
   * the index being read finishes, the next is failed as not begun, for --only-failed, instead of
   * being started against a Spark context that is shutting down.
   */
  @Test
  void aStoppedJobBeginsNoMoreIndicesAndSaysSo() {
    createIndex("fault-later", 10);
    proxy.beforeForwarding(FaultProxy.Request::opensScroll, SyncJob::requestStop, 1);
    SyncJobIT.Run run;
    try {
      run = sync("--indices", INDEX + ",fault-later", "--parallelism", "1");
    } finally {
      SyncJob.clearStop();
    }

    assertEquals(1, run.code(), run.out() + run.err());
    assertTrue(run.out().contains(INDEX + " -> "), run.out());
    assertFalse(
        run.out().contains(INDEX + " -> " + warehouse.resolve(TABLE) + ": FAILED"), run.out());
    assertTrue(
        run.out().contains("fault-later -> ")
            && run.out().contains("FAILED after 0.0 s: " + SyncJob.STOPPED),
        run.out());
    assertEquals(
        List.of("fault-later"), RunReport.failedIndices(warehouse.resolve(RunReport.FILE_NAME)));
  }

  @Test
  void aSchemaChangeBetweenRunsIsAppliedAndNamed() {
    admin()
        .recreateIndex(
            "fault-schema", "{\"mappings\":{\"properties\":{\"n\":{\"type\":\"long\"}}}}");
    admin().bulk("{\"index\":{\"_index\":\"fault-schema\",\"_id\":\"1\"}}\n{\"n\":7}\n");
    admin().refresh("fault-schema");
    assertEquals(0, sync("--indices", "fault-schema").code());
    admin()
        .recreateIndex(
            "fault-schema",
            "{\"mappings\":{\"properties\":{\"n\":{\"type\":\"keyword\"},"
                + "\"added\":{\"type\":\"boolean\"}}}}");
    admin()
        .bulk(
            "{\"index\":{\"_index\":\"fault-schema\",\"_id\":\"1\"}}\n"
                + "{\"n\":\"7\",\"added\":true}\n");
    admin().refresh("fault-schema");

    SyncJobIT.Run run = sync("--indices", "fault-schema");

    assertEquals(0, run.code(), run.err() + run.out());
    assertTrue(run.out().contains("schema: added added; changed n bigint -> string"), run.out());
    Row row = SyncJobIT.delta(warehouse, "fault_schema").selectExpr("n", "added").head();
    assertEquals("7", row.getString(0));
    assertTrue(row.getBoolean(1));
  }

  /**
   * Starts the sync job in a JVM of its own, holds its scroll pages at the proxy until its Delta
   * write has begun (a new data file is in the table's folder), kills the JVM, and checks that the
   * table still reads as the version before, with all its rows.
   */
  @Test
  void aJobKilledDuringTheDeltaWriteLeavesThePreviousVersionWhole() throws Exception {
    long versionBefore = version();
    Path folder = warehouse.resolve(TABLE);
    Set<Path> filesBefore = dataFiles(folder);
    proxy.inject(FaultProxy.Request::isScrollPage, Fault.DELAY, 100);
    Path output = Files.createTempFile(warehouse, "killed-job", ".log");
    Process job = startJobProcess(output, "--indices", INDEX);
    try {
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (job.isAlive()
          && System.nanoTime() < deadline
          && (proxy.injected().isEmpty() || dataFiles(folder).equals(filesBefore))) {
        Thread.sleep(100);
      }
      assertTrue(job.isAlive(), "the job ended before it could be killed:\n" + tail(output));
      assertFalse(dataFiles(folder).equals(filesBefore), "the Delta write had begun");
    } finally {
      job.destroyForcibly();
      job.waitFor();
    }
    // A killed JVM cannot clear its scrolls; they would live until scroll_keep_alive passes.
    admin().send("DELETE", "/_search/scroll/_all", null);

    assertEquals(versionBefore, version(), "no version was committed by the killed job");
    Dataset<Row> table = SyncJobIT.delta(warehouse, TABLE);
    assertEquals(DOCUMENTS, table.count());
    assertEquals(DOCUMENTS, table.select("_id").distinct().count());
    proxy.clearFaults();
    SyncJobIT.Run again = sync("--indices", INDEX);
    assertEquals(0, again.code(), again.err() + again.out());
    assertEquals(DOCUMENTS, SyncJobIT.delta(warehouse, TABLE).count());
  }

  /** The job as its own JVM, through the proxy, with output to a file. */
  private static Process startJobProcess(Path output, String... extra) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JvmFlags.spark());
    command.add("-Xmx512m");
    command.add("-Dspark.master=local[2]");
    command.add("-Dspark.driver.host=127.0.0.1");
    command.add("-Dspark.driver.bindAddress=127.0.0.1");
    command.add("-Dspark.ui.enabled=false");
    command.add("-Dspark.sql.shuffle.partitions=4");
    command.add("-Dspark.sql.warehouse.dir=" + warehouse.resolve("spark-warehouse"));
    command.add(
        "-Dlog4j2.configurationFile=" + Path.of("conf", "log4j2.properties").toAbsolutePath());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SyncJob.class.getName());
    List<String> args = new ArrayList<>(List.of(SyncJobIT.argsFor(warehouse, es().password())));
    args.set(args.indexOf("--url") + 1, proxy.url());
    args.addAll(List.of(extra));
    command.addAll(args);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
  }

  private static Set<Path> dataFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".parquet"))
          .collect(Collectors.toSet());
    }
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /**
   * Syncs through the proxy with a fault on every matching request, and checks that the index
   * failed with a message naming the fault while its table kept the version before, all its rows.
   */
  private static void assertFailsKeepingPreviousVersion(
      Predicate<FaultProxy.Request> matcher, Fault fault, String named) {
    long versionBefore = version();
    proxy.inject(matcher, fault, 1);

    SyncJobIT.Run run = sync("--indices", INDEX);

    assertEquals(1, run.code(), run.err() + run.out());
    assertEquals(1, proxy.injected().size(), String.valueOf(proxy.injected()));
    assertTrue(run.out().contains(INDEX + " -> "), run.out());
    assertTrue(run.out().contains("FAILED"), run.out());
    assertTrue(run.out().contains(named), run.out());
    assertTrue(run.out().contains("rather than return part of the index"), run.out());
    assertEquals(versionBefore, version(), "no new Delta version was committed");
    Dataset<Row> table = SyncJobIT.delta(warehouse, TABLE);
    assertEquals(DOCUMENTS, table.count());
    assertEquals(DOCUMENTS, table.select("_id").distinct().count());
  }

  private static long version() {
    String path = warehouse.resolve(TABLE).toString();
    return DeltaTable.forPath(spark(), path).history(1).select("version").head().getLong(0);
  }

  /** Runs the job against the proxy with short retry waits. */
  static SyncJobIT.Run sync(String... extra) {
    List<String> args = new ArrayList<>(List.of(SyncJobIT.argsFor(warehouse, es().password())));
    args.set(args.indexOf("--url") + 1, proxy.url());
    args.addAll(List.of("--retry-wait-ms", "20", "--retry-max-wait-ms", "200"));
    args.addAll(List.of(extra));
    return SyncJobIT.run(args.toArray(String[]::new));
  }

  /** An index of two shards with documents {@code {"n": i, "s": "doc-i"}}, ids 0..count-1. */
  static void createIndex(String index, int count) {
    createIndex(admin(), index, count);
  }

  /** {@link #createIndex(String, int)} on a given cluster. */
  static void createIndex(AdminClient admin, String index, int count) {
    admin.recreateIndex(
        index,
        "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0},"
            + "\"mappings\":{\"properties\":{\"n\":{\"type\":\"long\"},"
            + "\"s\":{\"type\":\"keyword\"}}}}");
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < count; i++) {
      bulk.append("{\"index\":{\"_index\":\"")
          .append(index)
          .append("\",\"_id\":\"")
          .append(i)
          .append("\"}}\n{\"n\":")
          .append(i)
          .append(",\"s\":\"doc-")
          .append(i)
          .append("\"}\n");
      if (bulk.length() > 4_000_000) {
        admin.bulk(bulk.toString());
        bulk.setLength(0);
      }
    }
    if (bulk.length() > 0) {
      admin.bulk(bulk.toString());
    }
    admin.refresh(index);
  }
}

package io.eslake.local;

import io.eslake.sync.SyncJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The long-sync check: loads the 3 million rows of vega-datasets' flights-3m into a local
 * Elasticsearch, syncs the index with the sync job (progress lines every 2 s), and compares the
 * run-history row with the Delta table. Progress lines go to the log (standard error).
 *
 * <pre>
 * mvn -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *   -Dexec.args="-cp %classpath io.eslake.local.FlightsProgressRun" 2> progress.log
 * </pre>
 */
public final class FlightsProgressRun {

  private static final String INDEX = "flights-3m";
  private static final int BULK_DOCUMENTS = 10_000;

  private FlightsProgressRun() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(System.getProperty("eslake.work", "target")).toAbsolutePath();
    Path warehouse = Files.createTempDirectory(work, "flights-3m-warehouse");
    SparkSession spark = session(work);
    try (LocalElasticsearch es = LocalElasticsearch.start(LocalElasticsearch.Settings.defaults())) {
      long loadStart = System.nanoTime();
      long loaded = load(spark, es.admin(), SampleData.fetch().file("flights-3m.parquet"));
      System.out.printf(
          Locale.ROOT,
          "Loaded %,d documents into %s in %.0f s%n",
          loaded,
          INDEX,
          (System.nanoTime() - loadStart) / 1e9);

      Path password = Files.writeString(warehouse.resolve("password"), es.password());
      long syncStart = System.nanoTime();
      int code =
          SyncJob.run(
              new String[] {
                "--url",
                es.url(),
                "--username",
                es.username(),
                "--password-file",
                password.toString(),
                "--indices",
                INDEX,
                "--warehouse",
                warehouse.toString(),
                "--progress-interval",
                "2"
              },
              Map.of(),
              System.out,
              System.err);
      System.out.printf(
          Locale.ROOT,
          "Sync exit code %d in %.0f s%n",
          code,
          (System.nanoTime() - syncStart) / 1e9);

      long deltaRows = spark.read().format("delta").load(warehouse + "/flights_3m").count();
      Row history =
          spark.read().format("delta").load(warehouse + "/sync_runs").collectAsList().get(0);
      System.out.println("History row: " + history);
      System.out.printf(
          Locale.ROOT,
          "Elasticsearch _count %,d; Delta rows %,d; history rows %,d, index_count %,d: %s%n",
          es.admin().count(INDEX),
          deltaRows,
          history.<Long>getAs("rows"),
          history.<Long>getAs("index_count"),
          deltaRows == history.<Long>getAs("rows")
                  && deltaRows == history.<Long>getAs("index_count")
              ? "MATCH"
              : "MISMATCH");
    }
  }

  private static SparkSession session(Path work) {
    return SparkSession.builder()
        .appName("eslake-flights-3m")
        .master("local[2]")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config(
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.warehouse.dir", work.resolve("spark-warehouse").toString())
        .config("spark.executor.heartbeatInterval", "2s")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
  }

  /** Bulk-loads the parquet file's rows as JSON documents, ids 0, 1, 2, ... */
  private static long load(SparkSession spark, AdminClient admin, Path parquet) {
    admin.recreateIndex(
        INDEX,
        "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0,"
            + "\"refresh_interval\":\"-1\"}}");
    Iterator<String> documents =
        spark.read().parquet(parquet.toString()).toJSON().toLocalIterator();
    StringBuilder bulk = new StringBuilder();
    long count = 0;
    while (documents.hasNext()) {
      SampleData.appendIndexAction(bulk, INDEX, Long.toString(count), documents.next());
      count++;
      if (count % BULK_DOCUMENTS == 0) {
        admin.bulk(bulk.toString());
        bulk.setLength(0);
      }
    }
    if (bulk.length() > 0) {
      admin.bulk(bulk.toString());
    }
    admin.send("PUT", "/" + INDEX + "/_settings", "{\"index\":{\"refresh_interval\":\"1s\"}}");
    admin.refresh(INDEX);
    return count;
  }
}

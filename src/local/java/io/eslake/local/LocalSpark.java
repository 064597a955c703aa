package io.eslake.local;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of the tests, the quickstart's checks and the benchmarks: local, bound to
 * 127.0.0.1, UI off, Delta enabled, small settings for a small machine. One per JVM.
 */
public final class LocalSpark {

  private LocalSpark() {}

  /** The session, with Spark's warehouse in the folder spark-warehouse of the work folder. */
  public static SparkSession session() {
    return session(work().resolve("spark-warehouse"));
  }

  /**
   * The session, with Spark's warehouse (where its default database lives, which Spark creates on
   * the first statement that looks up a table) in the given folder when the session starts here.
   */
  public static synchronized SparkSession session(Path sparkWarehouse) {
    Path work = work();
    return SparkSession.builder()
        .appName("eslake-local")
        .master(System.getProperty("eslake.spark.master", "local[2]"))
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config(
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.warehouse.dir", sparkWarehouse.toAbsolutePath().toString())
        .config("spark.driver.extraJavaOptions", "-Dderby.system.home=" + work.resolve("derby"))
        .config("spark.sql.session.timeZone", "UTC")
        // Task metrics reach the driver with heartbeats; the sync progress tests need them often.
        .config("spark.executor.heartbeatInterval", "1s")
        .getOrCreate();
  }

  private static Path work() {
    return Path.of(System.getProperty("eslake.work", "target")).toAbsolutePath();
  }
}

package io.eslake.sync;

import io.eslake.spark.ElasticsearchCatalog;
import io.eslake.types.SchemaConverter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync job: for each selected index, reads the whole index through the Elasticsearch catalog
 * and replaces its Delta table with it. Run it with spark-submit; see {@link SyncArguments#help()}.
 */
public final class SyncJob {

  private static final Logger LOG = LoggerFactory.getLogger(SyncJob.class);

  /**
   * The prefix of the name the job registers its source catalog under. Each run takes a name of its
   * own, since Spark keeps a catalog's first options for the life of the session.
   */
  private static final String SOURCE_CATALOG_PREFIX = "eslake_sync_source_";

  private static final java.util.concurrent.atomic.AtomicInteger RUNS =
      new java.util.concurrent.atomic.AtomicInteger();

  static final int EXIT_OK = 0;
  static final int EXIT_INDEX_FAILED = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_CONNECTION = 3;

  private final SparkSession spark;
  private final SyncConfig config;
  private final PrintStream out;
  private final String sourceCatalog;

  SyncJob(SparkSession spark, SyncConfig config, PrintStream out) {
    this.spark = spark;
    this.config = config;
    this.out = out;
    this.sourceCatalog = SOURCE_CATALOG_PREFIX + RUNS.incrementAndGet();
  }

  /** Entry point for spark-submit. Exits with a non-zero code when anything failed. */
  public static void main(String[] args) {
    int code = run(args, System.getenv(), System.out, System.err);
    if (code != EXIT_OK) {
      System.exit(code);
    }
  }

  /**
   * Runs the job with the given arguments and environment, using the active Spark session or a new
   * one.
   *
   * @return the exit code: see {@link SyncArguments#help()}
   */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (Arrays.asList(args).contains("--help")) {
      out.print(SyncArguments.help());
      return EXIT_OK;
    }
    SyncConfig config;
    try {
      config = SyncArguments.parse(args, env);
    } catch (UsageException e) {
      err.println("eslake sync: " + e.getMessage());
      err.println("Run with --help to see every option.");
      return EXIT_USAGE;
    }
    return new SyncJob(session(), config, out).syncAll(err);
  }

  /** Syncs every selected index and prints one line per index and a summary. */
  int syncAll(PrintStream err) {
    long start = System.nanoTime();
    Map<String, String> tables;
    try {
      registerCatalog();
      List<String> selected =
          IndexSelection.select(listIndices(), config.include(), config.exclude());
      tables = TableNames.assign(config.tablePrefix(), selected);
    } catch (Exception e) {
      err.println("eslake sync: " + Failures.oneLine(e));
      return Failures.isConnectionFailure(e) ? EXIT_CONNECTION : EXIT_USAGE;
    }
    out.printf(Locale.ROOT, "Syncing %d indices%n", tables.size());
    List<IndexResult> results = new ArrayList<>();
    int position = 0;
    for (Map.Entry<String, String> entry : tables.entrySet()) {
      position++;
      IndexResult result = syncOne(entry.getKey(), entry.getValue(), position, tables.size());
      out.println(result.line());
      results.add(result);
    }
    return summarize(results, (System.nanoTime() - start) / 1e9);
  }

  private IndexResult syncOne(String index, String table, int position, int total) {
    DeltaTarget target = DeltaTarget.of(config.database(), config.warehouse(), table);
    long start = System.nanoTime();
    spark
        .sparkContext()
        .setJobDescription(
            String.format(
                Locale.ROOT, "sync %d/%d: %s -> %s", position, total, index, target.display()));
    try {
      Dataset<Row> rows = spark.table(sourceCatalog + "." + quote(index));
      long written =
          target.replaceWith(
              spark, rows, Map.of("eslake.source.index", index, "eslake.key", "_id"));
      List<RescueReport.RescuedField> rescued = RescueReport.of(target.table(spark), rows.schema());
      rescued.forEach(
          field ->
              LOG.warn(
                  "Index '{}': values of '{}' kept in {} in {} documents: {}",
                  index,
                  field.field(),
                  SchemaConverter.RESCUE_COLUMN,
                  field.documents(),
                  field.reason()));
      return IndexResult.success(index, target.display(), written, seconds(start), rescued);
    } catch (Exception e) {
      LOG.error("Sync of index '{}' failed", index, e);
      return IndexResult.failure(index, target.display(), seconds(start), Failures.oneLine(e));
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  private int summarize(List<IndexResult> results, double seconds) {
    long failed = results.stream().filter(r -> !r.succeeded()).count();
    long rows = results.stream().filter(IndexResult::succeeded).mapToLong(IndexResult::rows).sum();
    out.printf(
        Locale.ROOT,
        "Synced %d of %d indices, %,d rows in %.1f s%s%n",
        results.size() - failed,
        results.size(),
        rows,
        seconds,
        failed == 0 ? "" : "; failed: " + failedNames(results));
    return failed == 0 ? EXIT_OK : EXIT_INDEX_FAILED;
  }

  private static String failedNames(List<IndexResult> results) {
    return String.join(
        ", ", results.stream().filter(r -> !r.succeeded()).map(IndexResult::index).toList());
  }

  private void registerCatalog() {
    String prefix = "spark.sql.catalog." + sourceCatalog;
    spark.conf().set(prefix, ElasticsearchCatalog.class.getName());
    config.catalogOptions().forEach((key, value) -> spark.conf().set(prefix + "." + key, value));
  }

  private List<String> listIndices() {
    return spark.sql("SHOW TABLES IN " + sourceCatalog).collectAsList().stream()
        .map(row -> row.getString(1))
        .toList();
  }

  /** The active session, or a new one: local on all cores when no master is configured. */
  static SparkSession session() {
    SparkConf conf = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName("eslake sync");
    if (!conf.contains("spark.master")) {
      builder.master("local[*]");
    }
    if (!conf.contains("spark.sql.extensions")) {
      builder.config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    }
    if (!conf.contains("spark.sql.catalog.spark_catalog")) {
      builder.config(
          "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    }
    return builder.getOrCreate();
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}

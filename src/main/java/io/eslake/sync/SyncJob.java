package io.eslake.sync;

import io.eslake.client.ClusterClient;
import io.eslake.client.ClusterException;
import io.eslake.spark.ClosedIndexException;
import io.eslake.spark.ConnectorOptions;
import io.eslake.spark.ElasticsearchCatalog;
import io.eslake.types.SchemaConverter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.types.StructType;
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

  private static final AtomicInteger RUNS = new AtomicInteger();
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** How long the job's catalog keeps its listing: longer than any run. */
  private static final String RUN_LISTING_TTL = "1440m";

  /**
   * Delta's setting that keeps the list of a small table's files in each version's checksum file.
   * Building that list for a table's first version costs a Spark job per table, about a third of
   * the job's work on a small index; the sync turns it off for its own writes unless the session
   * sets it. The checksum keeps the version's protocol, metadata, file count and size; only the
   * list is left out, as Delta leaves it out of any table of more than 50 files.
   */
  static final String FILE_LIST_IN_CHECKSUM = "spark.databricks.delta.allFilesInCrc.enabled";

  /**
   * Delta's setting for how many partitions a table's state is rebuilt in from its log, which a
   * replace does to list the files of the version it replaces. Delta's default of 50 suits a large
   * table's log; the job's tables are replaced whole on each run, so their state holds the current
   * version's files and the removals Delta keeps (7 days by default): a few hundred entries even
   * for a large index, which one partition rebuilds, while 50 run 50 tasks for each Spark job of
   * the rebuild. Set for the job's session unless the caller's session sets it.
   */
  static final String STATE_PARTITIONS = "spark.databricks.delta.snapshotPartitions";

  /**
   * Spark's adaptive query execution. Off in the job's session unless the caller's session sets it:
   * the only shuffles there are those of Delta rebuilding a replaced table's state, which adaptive
   * execution runs as two Spark jobs each where one does, on a state of a few hundred rows that it
   * has nothing to adapt. The rescue report, which groups a table's rows, runs in the caller's
   * session with the caller's setting.
   */
  static final String ADAPTIVE = "spark.sql.adaptive.enabled";

  /**
   * The job's own settings, each set in its session where the caller's session does not set it
   * (README, "Running the sync job"): no file list in Delta's checksum; a replaced table's state
   * rebuilt in one partition, without adaptive execution; timestamps and dates before 1900 (and
   * before the Gregorian reform) written as they are, in the proleptic Gregorian calendar that
   * Spark and Elasticsearch both use, where Spark's default refuses to write them into Parquet (an
   * ancient-date error).
   */
  static final Map<String, String> JOB_DEFAULTS =
      Map.of(
          FILE_LIST_IN_CHECKSUM,
          "false",
          STATE_PARTITIONS,
          "1",
          ADAPTIVE,
          "false",
          "spark.sql.parquet.int96RebaseModeInWrite",
          "CORRECTED",
          "spark.sql.parquet.datetimeRebaseModeInWrite",
          "CORRECTED");

  static final int EXIT_OK = 0;
  static final int EXIT_INDEX_FAILED = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_CONNECTION = 3;

  /** Set when the driver program is being stopped: indices not yet started are not begun. */
  private static volatile boolean stopping;

  /** What a result says of an index a stopped job did not begin or finish. */
  static final String STOPPED =
      "the job was stopped (SIGTERM or Ctrl-C) before this index finished; its table keeps its"
          + " previous version, and --only-failed syncs it next time";

  /** Asks a running job to begin no more indices (the driver's shutdown hook calls it). */
  static void requestStop() {
    stopping = true;
  }

  /** Lets jobs begin indices again: for a job run in the same JVM after a stopped one (tests). */
  static void clearStop() {
    stopping = false;
  }

  /** Set in the environment of a Databricks cluster's driver. */
  static final String DATABRICKS_RUNTIME = "DATABRICKS_RUNTIME_VERSION";

  private final SparkSession spark;

  /** The caller's session, left as it was: the rescue report's queries run in it. */
  private final SparkSession callerSession;

  private final SyncConfig config;
  private final PrintStream out;
  private final String sourceCatalog;
  private volatile int concurrentIndices = 1;

  /** Whether {@link #out} is a terminal, where progress is redrawn in place rather than logged. */
  private final boolean outputIsTerminal;

  SyncJob(SparkSession spark, SyncConfig config, PrintStream out) {
    this(spark, config, out, out == System.out && System.console() != null);
  }

  SyncJob(SparkSession spark, SyncConfig config, PrintStream out, boolean outputIsTerminal) {
    this.spark = jobSession(spark);
    this.callerSession = spark;
    this.config = config;
    this.out = out;
    this.outputIsTerminal = outputIsTerminal;
    this.sourceCatalog = SOURCE_CATALOG_PREFIX + RUNS.incrementAndGet();
  }

  /** Entry point for spark-submit. Exits with a non-zero code when anything failed. */
  public static void main(String[] args) {
    // SIGTERM or Ctrl-C: Spark stops its context at once; indices not yet started are not begun.
    Runtime.getRuntime().addShutdownHook(new Thread(SyncJob::requestStop, "eslake-stop"));
    int code = run(args, System.getenv(), System.out, System.err);
    end(code, System.getenv(), System::exit);
  }

  /**
   * Ends the driver program with the run's exit code. On Databricks a JAR task fails by an
   * exception from main, not by System.exit, which ends the driver under the platform (its docs
   * advise against it): there a failed run throws, naming the code, and a run that succeeded
   * returns.
   *
   * @param exit ends the JVM with a code, elsewhere
   */
  static void end(int code, Map<String, String> env, java.util.function.IntConsumer exit) {
    if (code == EXIT_OK) {
      return;
    }
    if (env.containsKey(DATABRICKS_RUNTIME)) {
      throw new IllegalStateException(
          "eslake sync ended with exit code "
              + code
              + " ("
              + (code == EXIT_INDEX_FAILED
                  ? "an index failed"
                  : code == EXIT_USAGE ? "bad input" : "cannot reach the cluster")
              + "; the lines above say why)");
    }
    exit.accept(code);
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
      if (!e.getMessage().contains("--help")) {
        err.println("Run with --help to see every option.");
      }
      return EXIT_USAGE;
    }
    return new SyncJob(session(config.warehouse()), config, out).syncAll(err);
  }

  /**
   * Syncs every selected index and prints one line per index and a summary. A failing index does
   * not stop the others; the run's report in the warehouse then names it for {@code --only-failed}.
   */
  int syncAll(PrintStream err) {
    long start = System.nanoTime();
    Map<String, String> tables;
    Path rerunFile = RunReport.file(config.warehouse());
    try {
      checkWarehouse();
      checkDatabase();
      registerCatalog();
      List<String> selected = select(listIndices());
      if (selected.isEmpty()) {
        // A scheduled run whose pattern matches nothing would otherwise succeed on every run.
        err.println(
            "eslake sync: No index to sync: --indices "
                + (config.include().isEmpty() ? "*" : String.join(",", config.include()))
                + (config.exclude().isEmpty()
                    ? ""
                    : " less --exclude " + String.join(",", config.exclude()))
                + " matches no index the account can read. Check the patterns (--check lists"
                + " what would be synced).");
        return EXIT_USAGE;
      }
      if (config.onlyFailed()) {
        List<String> lastFailed = RunReport.failedIndices(rerunFile);
        Set<String> failed = new HashSet<>(lastFailed);
        List<String> chosen = selected;
        selected = selected.stream().filter(failed::contains).toList();
        List<String> left = lastFailed.stream().filter(i -> !chosen.contains(i)).toList();
        if (lastFailed.isEmpty()) {
          out.println("Nothing to rerun: no index failed in the last run (" + rerunFile + ")");
          return EXIT_OK;
        }
        if (!left.isEmpty()) {
          err.println(
              "eslake sync: The last run failed on "
                  + String.join(", ", left)
                  + ", which --indices and --exclude do not select now (or which no longer"
                  + " exist); give --indices "
                  + String.join(",", left)
                  + " with --only-failed to rerun "
                  + (left.size() == 1 ? "it" : "them")
                  + ".");
          if (selected.isEmpty()) {
            return EXIT_USAGE;
          }
        }
      }
      tables = TableNames.assign(config.tablePrefix(), selected);
      if (!config.check()) {
        checkHistoryTable(tables);
      }
    } catch (Exception e) {
      err.println("eslake sync: " + Failures.oneLine(e));
      return Failures.isConnectionFailure(e) ? EXIT_CONNECTION : EXIT_USAGE;
    }
    if (config.check()) {
      return check(tables, err);
    }
    String runId = UUID.randomUUID().toString();
    Instant started = Instant.now();
    int threads = Math.min(config.parallelism(), Math.max(1, tables.size()));
    concurrentIndices = threads;
    out.printf(
        Locale.ROOT,
        "Syncing %s (run %s), %s%n",
        Words.count(tables.size(), "index", "indices"),
        runId,
        threads == 1 ? "one at a time" : "up to " + threads + " at a time");
    if (!recordStart(runId, started, tables, rerunFile, err)) {
      return EXIT_USAGE;
    }
    List<IndexResult> results = new ArrayList<>();
    List<RunRecord> records = new ArrayList<>();
    for (Outcome outcome : syncEach(runId, tables, threads)) {
      results.add(outcome.result());
      records.add(outcome.record());
    }
    writeRerunFile(rerunFile, results);
    int code = summarize(results, (System.nanoTime() - start) / 1e9);
    boolean recorded = recordRun(runId, started, records, err);
    return recorded ? code : EXIT_INDEX_FAILED;
  }

  /**
   * The session the job reads and writes in: a copy of the caller's, with its settings, catalogs
   * and credentials, plus the job's own settings for its Delta writes where the caller's session
   * does not set them. The caller's session is left as it was: a notebook that runs the job sees
   * none of the job's settings, also while the job runs.
   */
  static SparkSession jobSession(SparkSession caller) {
    SparkSession own = cloneOf(caller);
    JOB_DEFAULTS.forEach(
        (key, value) -> {
          if (!caller.conf().contains(key)) {
            own.conf().set(key, value);
          }
        });
    return own;
  }

  /**
   * Spark's copy of a session. Called by name: Spark 3.5 declares it on SparkSession, Spark 4 on
   * its classic implementation only, and the sources compile against both (the spark4 profile).
   */
  private static SparkSession cloneOf(SparkSession caller) {
    try {
      return (SparkSession) caller.getClass().getMethod("cloneSession").invoke(caller);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("This Spark cannot copy a session: " + e, e);
    }
  }

  /** What syncing one index gave: its result line and its history row. */
  record Outcome(IndexResult result, RunRecord record) {}

  /**
   * Syncs the indices on a bounded pool of driver threads, each submitting the Spark jobs of one
   * index at a time, so that many small indices overlap their planning, listing and commit
   * overhead. Each index keeps its own outcome: one failing leaves the others running. Lines are
   * printed as indices finish; the outcomes come back in the order of the tables.
   */
  private List<Outcome> syncEach(String runId, Map<String, String> tables, int threads) {
    ExecutorService pool = Executors.newFixedThreadPool(threads, SyncJob::syncThread);
    try {
      Map<String, Outcome> batched =
          threads > 1 && config.batchMaxDocuments() > 0 && config.database() == null
              ? new BatchSync(this, pool).run(runId, tables)
              : Map.of();
      Map<String, Future<Outcome>> futures = new java.util.LinkedHashMap<>();
      int position = 0;
      for (Map.Entry<String, String> entry : tables.entrySet()) {
        int at = ++position;
        if (batched.containsKey(entry.getKey())) {
          continue;
        }
        futures.put(
            entry.getKey(),
            pool.submit(
                () -> {
                  SparkSession.setActiveSession(spark);
                  List<IndexResult> one = new ArrayList<>(1);
                  RunRecord record =
                      stopping
                          ? notBegun(runId, entry.getKey(), entry.getValue(), one)
                          : syncOne(
                              runId, entry.getKey(), entry.getValue(), at, tables.size(), one);
                  printResult(one.get(0));
                  return new Outcome(one.get(0), record);
                }));
      }
      List<Outcome> outcomes = new ArrayList<>();
      for (String index : tables.keySet()) {
        Outcome done = batched.get(index);
        outcomes.add(done != null ? done : await(futures.get(index)));
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Thread syncThread(Runnable task) {
    Thread thread = new Thread(task, "eslake-sync-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  }

  static <T> T await(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("The sync was interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("A sync thread failed", e.getCause());
    }
  }

  /**
   * Check mode: connects, lists the indices that would be synced with their document counts and
   * target tables, and writes nothing. Loading each table needs the privileges a sync needs:
   * reading the mapping, and searching and counting the index.
   */
  private int check(Map<String, String> tables, PrintStream err) {
    List<String[]> lines = new ArrayList<>();
    int closed = 0;
    int code = EXIT_OK;
    for (Map.Entry<String, String> entry : tables.entrySet()) {
      String index = entry.getKey();
      String table =
          DeltaTarget.of(config.database(), config.warehouse(), entry.getValue()).display();
      try {
        lines.add(
            new String[] {index, String.format(Locale.ROOT, "%,d", documentCount(index)), table});
      } catch (Exception e) {
        if (Failures.rootOf(e) instanceof ClosedIndexException) {
          lines.add(new String[] {index, "closed", "skipped: a closed index is not synced"});
          closed++;
          continue;
        }
        lines.add(new String[] {index, "CANNOT READ", table});
        err.println("eslake sync: " + Failures.oneLine(e));
        int failure = Failures.isConnectionFailure(e) ? EXIT_CONNECTION : EXIT_INDEX_FAILED;
        code = Math.max(code, failure);
      }
    }
    out.println(
        "Connected; credentials accepted. "
            + Words.count(tables.size() - closed, "index", "indices")
            + " would be synced"
            + (closed == 0
                ? ""
                : " (" + Words.count(closed, "closed index", "closed indices") + " skipped)")
            + ":");
    int width = 30;
    for (String[] line : lines) {
      width = Math.max(width, TerminalLine.width(line[0]));
    }
    int columns = width;
    String format = "%s %15s  %s%n";
    out.printf(Locale.ROOT, format, TerminalLine.padded("index", columns), "documents", "table");
    lines.forEach(
        line ->
            out.printf(
                Locale.ROOT, format, TerminalLine.padded(line[0], columns), line[1], line[2]));
    if (config.historyTable() != null) {
      out.println(
          "Run history: "
              + DeltaTarget.of(config.database(), config.warehouse(), config.historyTable())
                  .display());
    }
    out.println(code == EXIT_OK ? "Check OK: nothing was written." : "Check FAILED.");
    return code;
  }

  private RunRecord syncOne(
      String runId,
      String index,
      String table,
      int position,
      int total,
      List<IndexResult> results) {
    DeltaTarget target = DeltaTarget.of(config.database(), config.warehouse(), table);
    Instant startedAt = Instant.now();
    long start = System.nanoTime();
    String description =
        String.format(
            Locale.ROOT, "sync %d/%d: %s -> %s", position, total, index, target.display());
    spark.sparkContext().setJobDescription(description);
    long indexCount = -1;
    Finished finished = null;
    SyncProgress progress = null;
    try {
      indexCount = documentCount(index);
      StructType before = target.existingSchema(spark);
      progress =
          new SyncProgress(
              spark.sparkContext(), description, indexCount, terminal(), config.progressSeconds());
      Dataset<Row> rows = spark.table(sourceCatalog + "." + quote(index));
      long written =
          target.replaceWith(
              spark, rows, DeltaTarget.properties(index, rows.schema()), before != null);
      boolean settled = progress.settle(written);
      // The read counted the documents with rescued values: with none, the table need not be read.
      finished =
          finish(
              index,
              target,
              new Written(written, settled ? progress.rescuedDocuments() : -1, rows.schema()),
              before,
              null,
              indexCount,
              start);
    } catch (Exception | LinkageError e) {
      finished = new Finished(failed(index, target.display(), start, e), null);
    } finally {
      if (progress != null) {
        progress.close();
      }
      spark.sparkContext().setJobDescription(null);
    }
    results.add(finished.result());
    return RunRecord.of(
        runId,
        startedAt,
        finished.result(),
        indexCount,
        progress == null ? 0 : progress.bytes(),
        finished.schemaChanges());
  }

  /**
   * What a commit wrote.
   *
   * @param rows the rows committed
   * @param rescued the documents the read counted with values in the rescue column, or -1 when the
   *     count is not known to be complete (the table is then read to report them)
   * @param source the columns read
   */
  record Written(long rows, long rescued, StructType source) {}

  /** An index's result and how its table's columns changed (null when it was not written). */
  record Finished(IndexResult result, String schemaChanges) {}

  /**
   * The result of an index whose table was committed: the count check against the index after the
   * read, the schema change, and the rescued values.
   *
   * @param before the table's columns before the commit, or null when it was created
   * @param after the table's columns as committed, or null to read them from the table
   */
  Finished finish(
      String index,
      DeltaTarget target,
      Written written,
      StructType before,
      StructType after,
      long indexCount,
      long start) {
    long countAfter = -1;
    String notCounted = null;
    try {
      countAfter = documentCount(index);
    } catch (Exception e) {
      // The new version is committed: the result must say so, whatever the count's failure.
      notCounted = Failures.oneLine(e);
    }
    String schemaChanges =
        SchemaChanges.between(before, after != null ? after : target.table(spark).schema());
    List<String> notes = new ArrayList<>();
    if (!schemaChanges.equals(SchemaChanges.NONE) && !schemaChanges.equals(SchemaChanges.CREATED)) {
      notes.add("schema: " + schemaChanges);
    }
    List<RescueReport.RescuedField> rescued =
        written.rescued() == 0
            ? List.of()
            : RescueReport.of(target.table(callerSession), written.source());
    rescued.forEach(
        field ->
            LOG.warn(
                "Index '{}': values of '{}' kept in {} in {}: {}",
                index,
                field.field(),
                SchemaConverter.RESCUE_COLUMN,
                Words.count(field.documents(), "document", "documents"),
                field.reason()));
    IndexResult result =
        checkCount(
            IndexResult.success(
                index, target.display(), written.rows(), seconds(start), rescued, notes),
            indexCount,
            countAfter,
            notCounted);
    return new Finished(result, schemaChanges);
  }

  /** The result of an index whose sync failed, or was skipped as closed; the failure logged. */
  IndexResult failed(String index, String table, long start, Throwable e) {
    // A class that cannot be loaded (a clashing jar on the cluster) fails this index with its
    // name, like any other failure, and leaves the other indices and the run's report intact.
    if (Failures.rootOf(e) instanceof ClosedIndexException) {
      return closed(index, table);
    }
    return failed(index, table, start, Failures.oneLine(e), e);
  }

  /** A closed index's result: skipped. */
  static IndexResult closed(String index, String table) {
    LOG.info("Index '{}' is closed: skipped", index);
    return IndexResult.skip(index, table, "closed");
  }

  /** The result of an index whose sync failed for the reason given; the failure logged. */
  IndexResult failed(String index, String table, long start, String reason, Throwable e) {
    // The result line names the cause; the trace is for support, at DEBUG (README).
    String why = stopping ? STOPPED + " (" + reason + ")" : reason;
    LOG.error("Sync of index '{}' failed: {}", index, why);
    if (e != null) {
      LOG.debug("Sync of index '{}' failed", index, e);
    }
    return IndexResult.failure(index, table, seconds(start), why);
  }

  /** The record of an index a stopped job did not begin: failed, so --only-failed syncs it. */
  private RunRecord notBegun(String runId, String index, String table, List<IndexResult> results) {
    String display = DeltaTarget.of(config.database(), config.warehouse(), table).display();
    IndexResult result = IndexResult.failure(index, display, 0, STOPPED);
    results.add(result);
    return RunRecord.of(runId, Instant.now(), result, -1, 0, null);
  }

  /**
   * Compares the rows written with the index's {@code _count} before and after the read. Every
   * slice already checked that it read all its scroll counted, so the table holds the index at the
   * scroll's moment; when the count did not move, it must be exactly that count.
   */
  static IndexResult checkCount(IndexResult result, long before, long after) {
    return checkCount(result, before, after, null);
  }

  /**
   * Checks the rows written against the index's counts before and after the read.
   *
   * @param notCounted why the index could not be counted after the read (deleted, unreachable), or
   *     null when {@code after} is its count; the table is written either way
   */
  static IndexResult checkCount(IndexResult result, long before, long after, String notCounted) {
    long written = result.rows();
    if (notCounted != null) {
      if (written != before) {
        return result.withCountMismatch(
            String.format(
                Locale.ROOT,
                "the table holds %s but the index counted %s before the read and could not be"
                    + " counted after it (%s); the new version was committed, check it and sync"
                    + " again",
                rows(written),
                documents(before),
                notCounted));
      }
      return result.withNote(
          String.format(
              Locale.ROOT,
              "count: the table holds the %s the index counted before the read, every one"
                  + " read; the index could not be counted after it (%s)",
              documents(written),
              notCounted));
    }
    if (written == before && written == after) {
      return result;
    }
    if (before == after) {
      return result.withCountMismatch(
          String.format(
              Locale.ROOT,
              "the table holds %s but the index counted %s before and after the read; the new"
                  + " version was committed, check it and sync again",
              rows(written),
              documents(before)));
    }
    return result.withNote(
        String.format(
            Locale.ROOT,
            "count: the index changed during the sync (%s before the read, %,d after); the"
                + " table holds the %,d of the moment the read began",
            documents(before),
            after,
            written));
  }

  private static String rows(long n) {
    return Words.count(n, "row", "rows");
  }

  private static String documents(long n) {
    return Words.count(n, "document", "documents");
  }

  /**
   * Refuses a warehouse that cannot be a folder, before anything connects or reads: a file, or a
   * path through one, on the file system the tables are written to (the session's default one for a
   * path without a scheme, as for the tables). Nothing is created here.
   */
  private void checkWarehouse() throws IOException {
    org.apache.hadoop.fs.Path folder = DeltaTarget.hadoopPath(config.warehouse());
    FileSystem fs = folder.getFileSystem(spark.sessionState().newHadoopConf());
    org.apache.hadoop.fs.Path existing = folder;
    while (existing != null && !fs.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && !fs.getFileStatus(existing).isDirectory()) {
      throw new UsageException(
          "Cannot use --warehouse '"
              + config.warehouse()
              + "': "
              + existing
              + " is a file, not a folder. Give a folder this user may create or write to.");
    }
  }

  /**
   * A {@code --database} must exist, and must be kept by a metastore that outlives the job: in a
   * session whose catalog lives in memory (spark-submit without Hive support) a second run would
   * find the tables' folders but no tables, and fail to create them there.
   */
  private void checkDatabase() {
    String database = config.database();
    if (database == null) {
      return;
    }
    if (!spark.sessionState().catalog().databaseExists(database)) {
      throw new UsageException(
          "Database '"
              + database
              + "' does not exist in this session's catalog. Create it (CREATE DATABASE "
              + quote(database)
              + "), or give --warehouse alone to write the tables as folders.");
    }
    String catalog = spark.conf().get("spark.sql.catalogImplementation", "in-memory");
    if (catalog.equals("in-memory")) {
      throw new UsageException(
          "Cannot write to --database '"
              + database
              + "': this Spark session keeps its tables in memory"
              + " (spark.sql.catalogImplementation=in-memory), so the next run would find the"
              + " tables' folders but not the tables. Use a metastore that outlives the job"
              + " (spark.sql.catalogImplementation=hive with a Hive metastore, or Databricks), or"
              + " give --warehouse alone to write the tables as folders.");
    }
  }

  /**
   * The listed indices the options select. A name that is not listed may be hidden or an alias,
   * which are listed only with their switches: the message then says so.
   */
  private List<String> select(List<String> listed) {
    try {
      return IndexSelection.select(listed, config.include(), config.exclude());
    } catch (UsageException e) {
      requireReadable(
          config.include().stream()
              .filter(name -> name.indexOf('*') < 0 && name.indexOf('?') < 0)
              .filter(name -> !listed.contains(name))
              .toList());
      StringBuilder message = new StringBuilder(e.getMessage());
      Map<String, String> options = config.catalogOptions();
      if (!options.containsKey(SyncArguments.INCLUDE_HIDDEN.option())) {
        message.append(" Hidden indices and data streams are listed only with ");
        message.append(SyncArguments.INCLUDE_HIDDEN.name()).append('.');
      }
      if (!options.containsKey(SyncArguments.INCLUDE_ALIASES.option())) {
        message.append(" Aliases are listed only with ");
        message.append(SyncArguments.INCLUDE_ALIASES.name()).append('.');
      }
      throw new UsageException(message.toString());
    }
  }

  /**
   * Named indices the listing lacks may be ones the account sees but may not read (the listing
   * leaves those out): the failure then names the missing privilege, exit code 3, rather than "no
   * index named". Names the cluster does not have, or the account may not see, pass: a typo then
   * still gets the closest names.
   *
   * @throws ClusterException of kind PERMISSION for the first such index
   */
  private void requireReadable(List<String> names) {
    if (names.isEmpty()) {
      return;
    }
    var connection = ConnectorOptions.of(config.catalogOptions()).connection();
    try (ClusterClient client = ClusterClient.shared(connection)) {
      for (String name : names) {
        // Neither question is refused: _resolve/index leaves out names the account may not see
        // (ignore_unavailable), and every user may ask _has_privileges about itself.
        io.eslake.client.ResolvedNames seen;
        try {
          seen = client.resolve(name, true);
        } catch (ClusterException e) {
          continue;
        }
        if (seen.has(name)) {
          client.requireReadable(name);
        }
      }
    }
  }

  /** Keeps which indices failed, for {@code --only-failed}; a failure to write is only logged. */
  private static void writeRerunFile(Path file, List<IndexResult> results) {
    try {
      RunReport.write(file, results);
    } catch (java.io.IOException | RuntimeException e) {
      LOG.warn(
          "Could not write {} ({}); --only-failed cannot use this run", file, Failures.ioReason(e));
      LOG.debug("Writing the rerun file failed", e);
    }
  }

  /**
   * Writes, before any index is synced, the rerun file and the JSON report of a run that has not
   * finished, so that a run that is killed leaves them saying so: {@code --only-failed} then reruns
   * all its indices, and a monitor reading the report sees "running", not the last run's "ok". A
   * rerun file that cannot be written is only logged, as at the end; a report that cannot be
   * written stops the run before it syncs anything.
   *
   * @return false when the report could not be written
   */
  private boolean recordStart(
      String runId, Instant started, Map<String, String> tables, Path rerunFile, PrintStream err) {
    try {
      Map<String, String> targets = new java.util.LinkedHashMap<>();
      tables.forEach(
          (index, table) ->
              targets.put(
                  index, DeltaTarget.of(config.database(), config.warehouse(), table).display()));
      RunReport.writeStarted(rerunFile, targets);
    } catch (java.io.IOException | RuntimeException e) {
      LOG.warn(
          "Could not write {} ({}); a killed run leaves the previous run's there",
          rerunFile,
          Failures.ioReason(e));
    }
    if (config.reportFile() == null) {
      return true;
    }
    try {
      RunHistory.writeStartedReport(
          Path.of(config.reportFile()), runId, started, List.copyOf(tables.keySet()));
      return true;
    } catch (Exception e) {
      err.println(reportNotWritten(e));
      return false;
    }
  }

  private String reportNotWritten(Exception e) {
    return "eslake sync: Cannot write the report to "
        + config.reportFile()
        + ": "
        + Failures.ioReason(e)
        + ". Give --report a file in a folder this user may write to.";
  }

  /**
   * Appends the run to the history table and writes the JSON report, as configured.
   *
   * @return false when either could not be written
   */
  private boolean recordRun(
      String runId, Instant started, List<RunRecord> records, PrintStream err) {
    boolean ok = true;
    if (config.historyTable() != null && !records.isEmpty()) {
      DeltaTarget history =
          DeltaTarget.of(config.database(), config.warehouse(), config.historyTable());
      try {
        RunHistory.append(spark, history, records);
        LOG.info("Run {} recorded in {}", runId, history.display());
      } catch (Exception e) {
        err.println(
            "eslake sync: Cannot append the run to the history table "
                + history.display()
                + ": "
                + Failures.oneLine(e));
        ok = false;
      }
    }
    if (config.reportFile() != null) {
      try {
        RunHistory.writeReport(
            Path.of(config.reportFile()), runId, started, Instant.now(), records);
      } catch (Exception e) {
        err.println(reportNotWritten(e));
        ok = false;
      }
    }
    return ok;
  }

  /** Refuses a history table that an index would also write. */
  private void checkHistoryTable(Map<String, String> tables) {
    String history = config.historyTable();
    if (history == null) {
      return;
    }
    tables.forEach(
        (index, table) -> {
          if (table.equalsIgnoreCase(history)) {
            throw new UsageException(
                "Index '"
                    + index
                    + "' would write the table "
                    + table
                    + ", which is the run history table. Give another --history-table, or"
                    + " --prefix.");
          }
        });
  }

  /** The index's document count, read through the catalog's table properties. */
  long documentCount(String index) throws Exception {
    return documentCount(sourceTable(index));
  }

  /** A table's document count, as the catalog read it when it loaded the table. */
  static long documentCount(Table table) {
    return Long.parseLong(table.properties().get(ElasticsearchCatalog.DOCUMENTS_PROPERTY));
  }

  /** The index as the job's catalog loads it: its columns, count and scans. */
  Table sourceTable(String index) throws Exception {
    TableCatalog catalog =
        (TableCatalog) spark.sessionState().catalogManager().catalog(sourceCatalog);
    return catalog.loadTable(Identifier.of(new String[0], index));
  }

  SparkSession session() {
    return spark;
  }

  SyncConfig config() {
    return config;
  }

  /** Prints an index's result line, whole, among those of the indices syncing beside it. */
  void printResult(IndexResult result) {
    synchronized (out) {
      out.println(result.line());
    }
  }

  static boolean stopping() {
    return stopping;
  }

  /** The console to redraw progress on, or null to log it: also when indices sync at once. */
  private PrintStream terminal() {
    return outputIsTerminal && concurrentIndices == 1 ? out : null;
  }

  private int summarize(List<IndexResult> results, double seconds) {
    long failed = results.stream().filter(IndexResult::failed).count();
    long synced = results.stream().filter(IndexResult::succeeded).count();
    long rows = results.stream().filter(IndexResult::succeeded).mapToLong(IndexResult::rows).sum();
    out.printf(
        Locale.ROOT,
        "Synced %d of %s, %s in %.1f s%s%s%n",
        synced,
        Words.count(results.size(), "index", "indices"),
        Words.count(rows, "row", "rows"),
        seconds,
        synced + failed == results.size() ? "" : "; skipped: " + skippedNames(results),
        failed == 0 ? "" : "; failed: " + failedNames(results));
    return failed == 0 ? EXIT_OK : EXIT_INDEX_FAILED;
  }

  private static String failedNames(List<IndexResult> results) {
    return String.join(
        ", ", results.stream().filter(IndexResult::failed).map(IndexResult::index).toList());
  }

  private static String skippedNames(List<IndexResult> results) {
    return String.join(
        ", ",
        results.stream()
            .filter(r -> r.skipped() != null)
            .map(r -> r.index() + " (" + r.skipped() + ")")
            .toList());
  }

  private void registerCatalog() {
    String prefix = "spark.sql.catalog." + sourceCatalog;
    spark.conf().set(prefix, ElasticsearchCatalog.class.getName());
    // The job lists once, then loads each listed table: the listing need not be renewed mid-run.
    spark.conf().set(prefix + "." + ConnectorOptions.CACHE_TTL.name(), RUN_LISTING_TTL);
    config.catalogOptions().forEach((key, value) -> spark.conf().set(prefix + "." + key, value));
  }

  private List<String> listIndices() {
    return spark.sql("SHOW TABLES IN " + sourceCatalog).collectAsList().stream()
        .map(row -> row.getString(1))
        .toList();
  }

  /**
   * The active session, or a new one: local on all cores when no master is configured, with Spark's
   * own warehouse in the job's warehouse folder when none is configured (not a stray {@code
   * spark-warehouse} folder in the working directory).
   */
  static SparkSession session(String warehouse) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName("eslake sync");
    if (!conf.contains("spark.master")) {
      builder.master("local[*]");
    }
    if (!conf.contains("spark.sql.warehouse.dir")) {
      builder.config("spark.sql.warehouse.dir", warehouse);
    }
    if (!conf.contains("spark.executor.heartbeatInterval")) {
      // Task metrics reach the driver with heartbeats: the progress line is this fresh.
      builder.config("spark.executor.heartbeatInterval", "2s");
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

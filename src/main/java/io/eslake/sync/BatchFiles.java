package io.eslake.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eslake.spark.ClosedIndexException;
import io.eslake.spark.ReadMetrics;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * The mechanics of a batched sync (README, "Small indices synced together"): the tables of many
 * small indices written by one Spark job, each task reading one slice of one index and writing it
 * as one Parquet file into that index's table folder, then each table committed on the driver
 * through Delta's transaction API ({@code org.apache.spark.sql.delta}, internal to delta-spark). A
 * commit creates or replaces its table in one step, as the sync's CREATE OR REPLACE TABLE AS SELECT
 * does; what that statement costs per table (planning a query, a Spark job, rebuilding the replaced
 * version's state in two more) is what a batch saves.
 *
 * <p>A batch only takes what it can write as that statement would. A table it replaces must be one
 * the sync wrote last (the newest commit a table creation or replacement, so that its files are
 * listed by that commit alone), with no table feature past Delta's first protocol, and the session
 * must set no Delta table defaults; anything else is synced the usual way. The files carry their
 * row counts as statistics, not each column's minimum and maximum.
 */
final class BatchFiles {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The session settings that give every new Delta table properties of their own. */
  static final String TABLE_DEFAULTS = "spark.databricks.delta.properties.defaults.";

  private BatchFiles() {}

  /**
   * Whether this Spark has delta-spark's transaction classes under their open-source names
   * (Databricks' runtime has its own Delta under other names) and the session leaves new tables'
   * properties to Delta's defaults.
   */
  static boolean available(SparkSession spark, Map<String, String> env) {
    if (env.containsKey(SyncJob.DATABRICKS_RUNTIME)) {
      return false;
    }
    try {
      Class.forName("org.apache.spark.sql.delta.OptimisticTransaction");
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
    for (String key : JavaConverters.mapAsJavaMap(spark.conf().getAll()).keySet()) {
      if (key.startsWith(TABLE_DEFAULTS)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A table as a batch finds it before writing.
   *
   * @param version the version read, or -1 when the folder holds no table
   * @param schema the columns before the write, or null for a new table
   * @param files the table's files, each as its add action's JSON
   */
  record TableState(long version, StructType schema, List<String> files) {

    boolean exists() {
      return version >= 0;
    }
  }

  /**
   * The table in a folder, or null when a batch cannot replace it: a folder with a log but no
   * readable version (a first sync that failed), a table with features past Delta's first protocol
   * or properties the sync does not set, or one whose newest commit did not write it whole (a
   * user's DELETE, OPTIMIZE or append, say).
   */
  static TableState state(SparkSession spark, Configuration hadoop, String folder)
      throws IOException {
    Path log = new Path(folder, "_delta_log");
    FileSystem fs = log.getFileSystem(hadoop);
    if (!fs.exists(log)) {
      return new TableState(-1, null, List.of());
    }
    Snapshot snapshot = DeltaLog.forTable(spark, folder).startTransaction().snapshot();
    return stateOf(snapshot, fs, log);
  }

  private static TableState stateOf(Snapshot snapshot, FileSystem fs, Path log) throws IOException {
    if (snapshot.version() < 0
        || snapshot.protocol().minReaderVersion() > 1
        || snapshot.protocol().minWriterVersion() > 2
        || !snapshot.metadata().partitionColumns().isEmpty()) {
      return null;
    }
    for (String key : JavaConverters.setAsJavaSet(snapshot.metadata().configuration().keySet())) {
      if (!key.startsWith("eslake.") && !key.equals(StatsColumns.PROPERTY)) {
        return null;
      }
    }
    CommitFile commit;
    try {
      commit = CommitFile.read(fs, CommitFile.of(log, snapshot.version()));
    } catch (java.io.FileNotFoundException e) {
      return null;
    }
    if (!commit.wroteWholeTable()) {
      return null;
    }
    return new TableState(snapshot.version(), snapshot.schema(), commit.adds());
  }

  /**
   * Writers of Parquet files in one schema: the factory and its settings are made once on the
   * driver from the session's settings (compression, timestamp type, calendar rebase), as Spark's
   * own writes make them. Each schema needs settings of its own, since the writer reads the schema
   * from them.
   */
  record Writers(OutputWriterFactory factory, SerializableConfiguration configuration)
      implements Serializable {

    static Writers of(SparkSession spark, StructType schema) throws IOException {
      Job job = Job.getInstance(spark.sessionState().newHadoopConf());
      OutputWriterFactory factory =
          new ParquetFileFormat()
              .prepareWrite(
                  spark,
                  job,
                  scala.collection.immutable.Map$.MODULE$.<String, String>empty(),
                  schema);
      return new Writers(factory, new SerializableConfiguration(job.getConfiguration()));
    }
  }

  /**
   * What every task of a batch reading one index shares: how to read its slices, how to write its
   * files, and where. Sent to the executors once per Spark job, as a broadcast, rather than with
   * each task: the writers' Hadoop settings are large, and each task would decode them again.
   */
  record Target(PartitionReaderFactory readers, Writers writers, String folder, StructType schema)
      implements Serializable {}

  /** One task of a batch: a slice of an index, written as one file into the index's table. */
  record Work(int index, InputPartition partition) implements Serializable {}

  /**
   * What a task did: the file it wrote (null when the slice was empty), or why it failed.
   *
   * @param index which planned index the task read
   * @param file the file's name in the table folder, or null
   * @param size the file's length in bytes
   * @param rows the rows written
   * @param rescued documents with values in the rescue column
   * @param bytes response bytes read from the cluster
   * @param error the failure in one line, or null
   * @param closed whether the failure was the index being closed
   */
  record Done(
      int index,
      String file,
      long size,
      long rows,
      long rescued,
      long bytes,
      String error,
      boolean closed)
      implements Serializable {}

  /**
   * Runs the work as one Spark job, one task per slice. A task that fails reports its failure
   * instead of failing the job, so one index's failure leaves the others of the batch written.
   */
  static List<Done> run(SparkSession spark, List<Target> targets, List<Work> work) {
    JavaSparkContext context = new JavaSparkContext(spark.sparkContext());
    int attempts = taskAttempts(spark.sparkContext().master(), spark.sparkContext().getConf());
    Broadcast<List<Target>> shared = context.broadcast(new ArrayList<>(targets));
    try {
      // The session's SQL settings reach the tasks as they do for a query: the Parquet writer
      // reads its calendar rebase and timestamp settings there.
      return withSqlSettings(
          spark,
          () ->
              context
                  .parallelize(work, Math.max(1, work.size()))
                  .map(new Write(shared, attempts))
                  .collect());
    } finally {
      shared.destroy();
    }
  }

  /**
   * Runs Spark jobs with the session's SQL settings where tasks read them (the thread's local
   * properties), as Spark does for a query's jobs; the thread's properties are put back after.
   */
  private static <T> T withSqlSettings(SparkSession spark, java.util.function.Supplier<T> body) {
    org.apache.spark.SparkContext context = spark.sparkContext();
    Map<String, String> before = new java.util.HashMap<>();
    JavaConverters.mapAsJavaMap(spark.sessionState().conf().getAllConfs())
        .forEach(
            (key, value) -> {
              if (key.startsWith("spark")) {
                before.put(key, context.getLocalProperty(key));
                context.setLocalProperty(key, value);
              }
            });
    try {
      return body.get();
    } finally {
      before.forEach(context::setLocalProperty);
    }
  }

  /**
   * How many times Spark runs a failing task: {@code spark.task.maxFailures} on a cluster, the
   * number a {@code local[N,F]} master gives, and once on any other local master.
   */
  static int taskAttempts(String master, org.apache.spark.SparkConf conf) {
    java.util.regex.Matcher local =
        java.util.regex.Pattern.compile("local\\[[^,\\]]+,\\s*([0-9]+)\\]").matcher(master);
    if (local.matches()) {
      return Integer.parseInt(local.group(1));
    }
    if (master.startsWith("local")) {
      return 1;
    }
    return conf.getInt("spark.task.maxFailures", 4);
  }

  /**
   * A task's work: its slice written with what the batch's broadcast holds for its index. A failure
   * is thrown while Spark has attempts left, so that Spark runs the task again as it would a
   * query's; the last attempt's failure is returned as the task's result, which fails that index
   * alone rather than the batch's job.
   */
  private static final class Write implements Function<Work, Done> {
    private final Broadcast<List<Target>> shared;
    private final int attempts;

    Write(Broadcast<List<Target>> shared, int attempts) {
      this.shared = shared;
      this.attempts = attempts;
    }

    @Override
    public Done call(Work work) {
      TaskContext task = TaskContext.get();
      boolean last = task == null || task.attemptNumber() + 1 >= attempts;
      return write(shared.value().get(work.index()), work, last);
    }
  }

  private static Done write(Target target, Work work, boolean lastAttempt) {
    Path file = null;
    Configuration conf = target.writers().configuration().value();
    try (PartitionReader<InternalRow> reader = target.readers().createReader(work.partition())) {
      TaskContext task = TaskContext.get();
      int partition = task == null ? 0 : task.partitionId();
      int attempt = task == null ? 0 : task.attemptNumber();
      TaskAttemptContext context =
          new TaskAttemptContextImpl(
              conf,
              new TaskAttemptID(
                  new TaskID(new JobID("eslake", 0), TaskType.MAP, partition), attempt));
      String name =
          String.format(Locale.ROOT, "part-%05d-%s-c000", partition, UUID.randomUUID())
              + target.writers().factory().getFileExtension(context);
      file = new Path(target.folder(), name);
      long rows = 0;
      OutputWriter writer =
          target.writers().factory().newInstance(file.toString(), target.schema(), context);
      try {
        while (reader.next()) {
          writer.write(reader.get());
          rows++;
        }
      } finally {
        writer.close();
      }
      long rescued = 0;
      long bytes = 0;
      for (CustomTaskMetric metric : reader.currentMetricsValues()) {
        if (ReadMetrics.Rescued.NAME.equals(metric.name())) {
          rescued = metric.value();
        } else if (ReadMetrics.Bytes.NAME.equals(metric.name())) {
          bytes = metric.value();
        }
      }
      FileSystem fs = file.getFileSystem(conf);
      if (rows == 0) {
        fs.delete(file, false);
        return new Done(work.index(), null, 0, 0, rescued, bytes, null, false);
      }
      long size = fs.getFileStatus(file).getLen();
      return new Done(work.index(), name, size, rows, rescued, bytes, null, false);
    } catch (Exception e) {
      delete(file, conf);
      if (!lastAttempt) {
        throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
      }
      boolean closed = Failures.rootOf(e) instanceof ClosedIndexException;
      return new Done(work.index(), null, 0, 0, 0, 0, Failures.oneLine(e), closed);
    }
  }

  /** Removes files a batch wrote but will not commit (their index failed). */
  static void delete(Path file, Configuration conf) {
    if (file == null) {
      return;
    }
    try {
      file.getFileSystem(conf).delete(file, false);
    } catch (IOException e) {
      // Left for VACUUM, like any file a failed write leaves: no version refers to it.
    }
  }

  /**
   * Commits one table: its new files replace those of the version the batch found, or make a new
   * table. Delta's conflict check holds as for any replace: a writer that committed meanwhile fails
   * this commit. When the table moved on since the batch looked, the files to remove are listed
   * again (through Delta's state, a Spark job, when the new version is not one the sync wrote).
   *
   * @param files the files' names in the folder, with their sizes and row counts
   * @return the version committed
   */
  static long commit(
      SparkSession spark,
      String folder,
      TableState found,
      StructType schema,
      Map<String, String> properties,
      List<Done> files)
      throws IOException {
    DeltaLog log = DeltaLog.forTable(spark, folder);
    OptimisticTransaction txn = log.startTransaction();
    List<String> replaced = found.files();
    if (txn.readVersion() != found.version()) {
      Path logFolder = new Path(folder, "_delta_log");
      TableState now =
          stateOf(
              txn.snapshot(),
              logFolder.getFileSystem(spark.sessionState().newHadoopConf()),
              logFolder);
      replaced = now == null ? null : now.files();
    }
    long now = System.currentTimeMillis();
    // A new id, as Delta's CREATE OR REPLACE TABLE AS SELECT gives the table it replaces.
    Metadata metadata = (Metadata) Action.fromJson(metadataJson(schema, properties, now));
    List<Action> actions = new ArrayList<>();
    boolean exists = txn.readVersion() >= 0;
    if (exists) {
      txn.updateMetadataForTableOverwrite(metadata);
      if (replaced == null) {
        JavaConverters.seqAsJavaList(txn.filterFiles())
            .forEach(file -> actions.add(file.removeWithTimestamp(now, true)));
      } else {
        txn.readWholeTable();
        for (String add : replaced) {
          actions.add(((AddFile) Action.fromJson(add)).removeWithTimestamp(now, true));
        }
      }
    } else {
      txn.updateMetadataForNewTable(metadata);
    }
    for (Done file : files) {
      actions.add(Action.fromJson(addJson(file, now)));
    }
    DeltaOperations.Operation operation =
        exists
            ? new DeltaOperations.ReplaceTable(
                metadata, false, true, true, Option.empty(), Option.empty())
            : new DeltaOperations.CreateTable(metadata, false, true, Option.empty());
    txn.registerSQLMetrics(spark, metrics(spark, files));
    return txn.commit(JavaConverters.asScalaBuffer(actions).toSeq(), operation);
  }

  /** The metrics a table's history shows for the write, as for Delta's own writes. */
  private static scala.collection.immutable.Map<String, SQLMetric> metrics(
      SparkSession spark, List<Done> files) {
    long rows = 0;
    long bytes = 0;
    for (Done file : files) {
      rows += file.rows();
      bytes += file.size();
    }
    scala.collection.immutable.Map<String, SQLMetric> metrics =
        scala.collection.immutable.Map$.MODULE$.empty();
    metrics = metrics.updated("numFiles", metric(spark, "number of files written", files.size()));
    metrics = metrics.updated("numOutputRows", metric(spark, "number of output rows", rows));
    metrics = metrics.updated("numOutputBytes", metric(spark, "written output", bytes));
    return metrics;
  }

  private static SQLMetric metric(SparkSession spark, String name, long value) {
    SQLMetric metric = SQLMetrics.createMetric(spark.sparkContext(), name);
    metric.set(value);
    return metric;
  }

  private static String metadataJson(StructType schema, Map<String, String> properties, long now) {
    ObjectNode metadata = JSON.createObjectNode();
    metadata.put("id", UUID.randomUUID().toString());
    metadata.putObject("format").put("provider", "parquet").putObject("options");
    metadata.put("schemaString", schema.json());
    metadata.putArray("partitionColumns");
    ObjectNode configuration = metadata.putObject("configuration");
    properties.forEach(configuration::put);
    metadata.put("createdTime", now);
    ObjectNode action = JSON.createObjectNode();
    action.set("metaData", metadata);
    return action.toString();
  }

  private static String addJson(Done file, long now) {
    ObjectNode add = JSON.createObjectNode();
    add.put("path", file.file());
    add.putObject("partitionValues");
    add.put("size", file.size());
    add.put("modificationTime", now);
    add.put("dataChange", true);
    add.put("stats", "{\"numRecords\":" + file.rows() + "}");
    ObjectNode action = JSON.createObjectNode();
    action.set("add", add);
    return action.toString();
  }
}

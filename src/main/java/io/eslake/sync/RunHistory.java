package io.eslake.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The record of runs: one row per index appended to a Delta table of sync runs, and the same rows
 * as a JSON report file. Written on the driver once per run, after every index.
 */
final class RunHistory {

  /** The columns of the run history table, in order. */
  static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("started_at", DataTypes.TimestampType, false)
          .add("index", DataTypes.StringType, false)
          .add("table", DataTypes.StringType, false)
          .add("status", DataTypes.StringType, false)
          .add("rows", DataTypes.LongType, false)
          .add("index_count", DataTypes.LongType, false)
          .add("seconds", DataTypes.DoubleType, false)
          .add("bytes", DataTypes.LongType, false)
          .add("schema_changes", DataTypes.StringType, true)
          .add("error", DataTypes.StringType, true)
          .add(
              "rescued",
              DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, false),
              true)
          .add("notes", DataTypes.StringType, true);

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RunHistory() {}

  /** Appends the run's rows to the history table, creating it on the first run. */
  static void append(SparkSession spark, DeltaTarget target, List<RunRecord> records) {
    List<Row> rows = records.stream().map(RunHistory::row).toList();
    Dataset<Row> frame = spark.createDataFrame(rows, SCHEMA).coalesce(1);
    target.append(frame);
  }

  /** Writes the run as a JSON report: the run's id, times, outcome and one object per index. */
  static void writeReport(
      Path file, String runId, Instant started, Instant finished, List<RunRecord> records)
      throws IOException {
    ObjectNode report = JSON.createObjectNode();
    report.put("run_id", runId);
    report.put("started_at", started.toString());
    report.put("finished_at", finished.toString());
    boolean failed = records.stream().anyMatch(r -> r.status().equals(RunRecord.FAILED));
    report.put("status", failed ? RunRecord.FAILED : RunRecord.OK);
    putIndices(report, records);
    write(file, report);
  }

  /**
   * Writes the report of a run that is starting: status {@value #RUNNING}, no finish, the indices
   * it will sync. A run that is killed leaves this report, never the report of the run before
   * (whose "ok" a monitor would take for this run's).
   */
  static void writeStartedReport(Path file, String runId, Instant started, List<String> indices)
      throws IOException {
    ObjectNode report = JSON.createObjectNode();
    report.put("run_id", runId);
    report.put("started_at", started.toString());
    report.putNull("finished_at");
    report.put("status", RUNNING);
    ArrayNode names = report.putArray("indices");
    indices.forEach(index -> names.addObject().put("index", index).put("status", RUNNING));
    write(file, report);
  }

  /** The status of a run, and of its indices, in the report written when it starts. */
  static final String RUNNING = "running";

  private static void putIndices(ObjectNode report, List<RunRecord> records) {
    ArrayNode indices = report.putArray("indices");
    for (RunRecord record : records) {
      ObjectNode index = indices.addObject();
      index.put("index", record.index());
      index.put("table", record.table());
      index.put("status", record.status());
      index.put("rows", record.rows());
      index.put("index_count", record.indexCount());
      index.put("started_at", record.startedAt().toString());
      index.put("seconds", Math.round(record.seconds() * 1000) / 1000.0);
      index.put("bytes", record.bytes());
      index.put("schema_changes", record.schemaChanges());
      index.put("error", record.error());
      if (record.rescued() == null) {
        index.putNull("rescued");
      } else {
        ObjectNode rescued = index.putObject("rescued");
        record.rescued().forEach(rescued::put);
      }
      index.put("notes", record.notes());
    }
  }

  private static void write(Path file, ObjectNode report) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, JSON.writeValueAsString(report) + "\n");
  }

  private static Row row(RunRecord record) {
    return RowFactory.create(
        record.runId(),
        Timestamp.from(record.startedAt()),
        record.index(),
        record.table(),
        record.status(),
        record.rows(),
        record.indexCount(),
        record.seconds(),
        record.bytes(),
        record.schemaChanges(),
        record.error(),
        record.rescued() == null
            ? null
            : scala.collection.JavaConverters.mapAsScalaMap(record.rescued()),
        record.notes());
  }
}

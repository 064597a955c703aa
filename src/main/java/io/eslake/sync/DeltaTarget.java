package io.eslake.sync;

import io.eslake.types.SchemaConverter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * Where one index's Delta table lives, and the write that replaces it. The replace is a single
 * Delta commit (CREATE OR REPLACE TABLE AS SELECT): readers see the old table or the new one, never
 * a mix, and a failure before the commit leaves the old one as it was.
 */
final class DeltaTarget {

  /** Characters Delta refuses in column names unless column mapping is on. */
  private static final String NEEDS_COLUMN_MAPPING = " ,;{}()\n\t=";

  /** A commit file of the Delta log: the version, zero-padded to 20 digits, and .json. */
  private static final Pattern COMMIT_FILE = Pattern.compile("[0-9]{20}\\.json");

  private final String identifier;
  private final String display;
  private final boolean byPath;
  private final TableIdentifier metastoreName;

  private DeltaTarget(
      String identifier, String display, boolean byPath, TableIdentifier metastoreName) {
    this.identifier = identifier;
    this.display = display;
    this.byPath = byPath;
    this.metastoreName = metastoreName;
  }

  /** A table in a metastore database, or a folder under the warehouse when database is null. */
  static DeltaTarget of(String database, String warehouse, String table) {
    if (database != null) {
      String name = quote(database) + "." + quote(table);
      return new DeltaTarget(
          name, database + "." + table, false, new TableIdentifier(table, Option.apply(database)));
    }
    String path = Path.of(warehouse, table).toAbsolutePath().normalize().toString();
    return new DeltaTarget("delta.`" + path.replace("`", "``") + "`", path, true, null);
  }

  /**
   * A folder given as the warehouse or under it, as the job writes it: made absolute against the
   * working folder when relative, then read by the session's file system (its default one when the
   * path has no scheme).
   */
  static org.apache.hadoop.fs.Path hadoopPath(String folder) {
    return new org.apache.hadoop.fs.Path(Path.of(folder).toAbsolutePath().normalize().toString());
  }

  /** How the target is shown to users: the table name or the folder. */
  String display() {
    return display;
  }

  /**
   * Replaces the table with the rows of a DataFrame in one commit; creates it when it did not exist
   * before, and replaces what Spark then finds there (the folder of a first sync that failed, or a
   * table created meanwhile).
   *
   * @param exists whether the table existed before: a table's first write need not list the files
   *     of a previous version to remove them
   * @return the number of rows the commit wrote
   */
  long replaceWith(
      SparkSession spark, Dataset<Row> rows, Map<String, String> properties, boolean exists)
      throws IOException, AnalysisException {
    var writer = rows.writeTo(identifier).using("delta");
    for (Map.Entry<String, String> property : properties.entrySet()) {
      writer = writer.tableProperty(property.getKey(), property.getValue());
    }
    if (needsColumnMapping(rows.schema())) {
      writer = writer.tableProperty("delta.columnMapping.mode", "name");
    }
    if (exists) {
      writer.createOrReplace();
    } else {
      try {
        writer.create();
      } catch (TableAlreadyExistsException e) {
        // Spark sees a table that has no readable version: an earlier first sync failed there.
        writer.createOrReplace();
      }
    }
    return writtenRows(spark);
  }

  /**
   * The properties the sync gives an index's table: the index it holds, its key columns, and the
   * columns Delta keeps statistics of.
   */
  static Map<String, String> properties(String index, StructType schema) {
    Map<String, String> properties = new java.util.LinkedHashMap<>();
    properties.put("eslake.source.index", index);
    boolean indexColumn =
        java.util.Arrays.asList(schema.fieldNames()).contains(SchemaConverter.INDEX_COLUMN);
    properties.put("eslake.key", indexColumn ? "_index,_id" : "_id");
    StatsColumns.of(schema).ifPresent(columns -> properties.put(StatsColumns.PROPERTY, columns));
    return properties;
  }

  /** The table's folder, when it is written by path; null for a metastore table. */
  String folder() {
    return byPath ? display : null;
  }

  /**
   * Appends rows to the table, creating it when it does not exist; columns the table lacks are
   * added to it (a history table written by an earlier version).
   */
  void append(Dataset<Row> rows) {
    var writer = rows.write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true");
    if (byPath) {
      writer.save(display);
    } else {
      writer.saveAsTable(identifier);
    }
  }

  /**
   * The table's schema, or null when it does not exist yet. A table that cannot exist (a folder
   * without a Delta log, a name the metastore does not know) is not loaded: Spark's failing load of
   * it analyses a plan and builds an exception, a cost each new index would pay.
   */
  StructType existingSchema(SparkSession spark) {
    if (!mayExist(spark)) {
      return null;
    }
    try {
      return table(spark).schema();
    } catch (Exception e) {
      // Spark throws its checked AnalysisException without declaring it.
      if (e instanceof AnalysisException) {
        return null;
      }
      throw e;
    }
  }

  /** False when the table surely does not exist; true when it may (then it is loaded). */
  private boolean mayExist(SparkSession spark) {
    if (byPath) {
      try {
        LogFolder log = logFolder(spark, hadoopPath(display));
        return log.fs().exists(log.path());
      } catch (IOException e) {
        return true;
      }
    }
    try {
      return spark.sessionState().catalog().tableExists(metastoreName);
    } catch (Exception e) {
      // A database that does not exist: the load says so the way it always did.
      return true;
    }
  }

  /** The table as written, for reading it back. */
  Dataset<Row> table(SparkSession spark) {
    return spark.table(identifier);
  }

  /**
   * The rows the last commit wrote, from its {@code numOutputRows} metric: read from the newest
   * commit file of the table's log (one listing and one small file), which this job has just
   * written, rather than through Delta's history, which costs a Spark job per table. A commit
   * without the metric, or not a table creation or replacement, is counted by reading the table.
   */
  private long writtenRows(SparkSession spark) throws IOException, AnalysisException {
    LogFolder log = logFolder(spark, new org.apache.hadoop.fs.Path(location(spark)));
    FileSystem fs = log.fs();
    FileStatus newest = null;
    for (FileStatus file : fs.listStatus(log.path())) {
      String name = file.getPath().getName();
      if (COMMIT_FILE.matcher(name).matches()
          && (newest == null || name.compareTo(newest.getPath().getName()) > 0)) {
        newest = file;
      }
    }
    Long rows = newest == null ? null : CommitFile.read(fs, newest.getPath()).outputRows();
    return rows != null ? rows : table(spark).count();
  }

  /** A table's Delta log folder and the file system that holds it. */
  private record LogFolder(org.apache.hadoop.fs.Path path, FileSystem fs) {}

  /**
   * The Delta log folder of the table in a folder, with the file system the session reads it
   * through (the one Delta writes the table to, not the driver's local disk).
   */
  private static LogFolder logFolder(SparkSession spark, org.apache.hadoop.fs.Path table)
      throws IOException {
    org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(table, "_delta_log");
    return new LogFolder(log, log.getFileSystem(spark.sessionState().newHadoopConf()));
  }

  /** The table's folder: the path itself, or the metastore's location for the table. */
  private String location(SparkSession spark) throws AnalysisException {
    if (byPath) {
      return display;
    }
    return spark.sessionState().catalog().getTableMetadata(metastoreName).location().toString();
  }

  static boolean needsColumnMapping(DataType type) {
    if (type instanceof StructType struct) {
      for (StructField field : struct.fields()) {
        if (field.name().chars().anyMatch(c -> NEEDS_COLUMN_MAPPING.indexOf(c) >= 0)
            || needsColumnMapping(field.dataType())) {
          return true;
        }
      }
      return false;
    }
    if (type instanceof ArrayType array) {
      return needsColumnMapping(array.elementType());
    }
    if (type instanceof MapType map) {
      return needsColumnMapping(map.valueType());
    }
    return false;
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}

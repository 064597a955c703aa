package io.eslake.sync;

import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where one index's Delta table lives, and the write that replaces it. The replace is a single
 * Delta commit (CREATE OR REPLACE TABLE AS SELECT): readers see the old table or the new one, never
 * a mix, and a failure before the commit leaves the old one as it was.
 */
final class DeltaTarget {

  /** Characters Delta refuses in column names unless column mapping is on. */
  private static final String NEEDS_COLUMN_MAPPING = " ,;{}()\n\t=";

  private final String identifier;
  private final String display;
  private final boolean byPath;

  private DeltaTarget(String identifier, String display, boolean byPath) {
    this.identifier = identifier;
    this.display = display;
    this.byPath = byPath;
  }

  /** A table in a metastore database, or a folder under the warehouse when database is null. */
  static DeltaTarget of(String database, String warehouse, String table) {
    if (database != null) {
      String name = quote(database) + "." + quote(table);
      return new DeltaTarget(name, database + "." + table, false);
    }
    String path = Path.of(warehouse, table).toAbsolutePath().normalize().toString();
    return new DeltaTarget("delta.`" + path.replace("`", "``") + "`", path, true);
  }

  /** How the target is shown to users: the table name or the folder. */
  String display() {
    return display;
  }

  /**
   * Replaces the table with the rows of a DataFrame in one commit.
   *
   * @return the number of rows the commit wrote
   */
  long replaceWith(SparkSession spark, Dataset<Row> rows, Map<String, String> properties) {
    var writer = rows.writeTo(identifier).using("delta");
    for (Map.Entry<String, String> property : properties.entrySet()) {
      writer = writer.tableProperty(property.getKey(), property.getValue());
    }
    if (needsColumnMapping(rows.schema())) {
      writer = writer.tableProperty("delta.columnMapping.mode", "name");
    }
    Optional<String> statsColumns = StatsColumns.of(rows.schema());
    if (statsColumns.isPresent()) {
      writer = writer.tableProperty(StatsColumns.PROPERTY, statsColumns.get());
    }
    writer.createOrReplace();
    return writtenRows(spark);
  }

  /** Appends rows to the table, creating it when it does not exist. */
  void append(Dataset<Row> rows) {
    var writer = rows.write().format("delta").mode(SaveMode.Append);
    if (byPath) {
      writer.save(display);
    } else {
      writer.saveAsTable(identifier);
    }
  }

  /** The table's schema, or null when it does not exist yet. */
  StructType existingSchema(SparkSession spark) {
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

  /** The table as written, for reading it back. */
  Dataset<Row> table(SparkSession spark) {
    return spark.table(identifier);
  }

  private long writtenRows(SparkSession spark) {
    DeltaTable table =
        byPath ? DeltaTable.forPath(spark, display) : DeltaTable.forName(spark, identifier);
    Row last = table.history(1).select("operationMetrics").head();
    Map<String, String> metrics = last.getJavaMap(0);
    String rows = metrics == null ? null : metrics.get("numOutputRows");
    return rows == null ? table.toDF().count() : Long.parseLong(rows);
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

package io.eslake.sync;

import io.eslake.types.SchemaConverter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The columns a synced table keeps Delta statistics (min, max, null count per file) on, as the
 * table property {@value #PROPERTY}. Delta's default, the first 32 columns, would include {@code
 * _id}: its minimum and maximum cost a string comparison and a copy per row and a file, and prune
 * nothing, since the cluster routes documents to shards (and so to slices and files) by a hash of
 * the id. The rescue column is always included: its null counts let the sync's rescue report skip
 * every file that holds no rescued value.
 */
final class StatsColumns {

  /** Delta's table property naming the columns to collect statistics on. */
  static final String PROPERTY = "delta.dataSkippingStatsColumns";

  /** As many columns as Delta's default, {@code delta.dataSkippingNumIndexedCols}. */
  static final int MAX_COLUMNS = 32;

  private StatsColumns() {}

  /**
   * The property's value for a table of this schema: the first {@value #MAX_COLUMNS} leaf columns
   * Delta can keep statistics on, other than {@code _id}, and the rescue column; empty when the
   * schema has no {@code _id} column, to keep Delta's default.
   */
  static Optional<String> of(StructType schema) {
    if (!List.of(schema.fieldNames()).contains(SchemaConverter.ID_COLUMN)) {
      return Optional.empty();
    }
    List<String> columns = new ArrayList<>();
    String rescue = null;
    for (StructField field : schema.fields()) {
      if (field.name().equals(SchemaConverter.RESCUE_COLUMN)) {
        rescue = quote(field.name());
      } else if (!field.name().equals(SchemaConverter.ID_COLUMN)) {
        addLeaves("", field, columns);
      }
    }
    List<String> kept = new ArrayList<>(columns.subList(0, Math.min(MAX_COLUMNS, columns.size())));
    if (rescue != null) {
      kept.add(rescue);
    }
    return kept.isEmpty() ? Optional.empty() : Optional.of(String.join(",", kept));
  }

  private static void addLeaves(String parent, StructField field, List<String> columns) {
    String path = parent + quote(field.name());
    if (field.dataType() instanceof StructType struct) {
      for (StructField child : struct.fields()) {
        addLeaves(path + ".", child, columns);
      }
    } else if (eligible(field.dataType())) {
      columns.add(path);
    }
  }

  /** The types Delta keeps minimum and maximum values of; others would fail the table's commit. */
  private static boolean eligible(DataType type) {
    return type instanceof NumericType
        || type instanceof StringType
        || type instanceof DateType
        || type instanceof TimestampType
        || type instanceof TimestampNTZType;
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}

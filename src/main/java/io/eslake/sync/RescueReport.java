package io.eslake.sync;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;

import io.eslake.types.FieldMetadata;
import io.eslake.types.SchemaConverter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Counts, per field, the documents whose values the sync kept in the rescue column rather than in
 * their own column, read back from the written table, and says which flag would give them a column.
 * So no value is degraded without the user being told.
 */
final class RescueReport {

  /** Why values of a field were kept in the rescue column. */
  enum Reason {
    SEVERAL_VALUES(
        "several values in a one-value column; name the field in "
            + SyncArguments.ARRAY_FIELDS.name()
            + " to read it as an array"),
    MISMATCH(
        "values that do not match the mapped type (Elasticsearch keeps such values only in"
            + " _source, as with ignore_malformed); fix the data or the mapping"),
    NO_COLUMN(
        "a field the mapping does not have (dynamic: false, or a part of a value without a"
            + " column); map it in Elasticsearch to give it a column");

    private final String advice;

    Reason(String advice) {
      this.advice = advice;
    }
  }

  /**
   * Documents of one field with values in the rescue column.
   *
   * @param field the field's path in _source, without array positions
   */
  record RescuedField(String field, long documents, Reason reason) {

    /** One line for the console, under the index's line. */
    String line() {
      return String.format(
          Locale.ROOT,
          "  %s: %s in %,d document%s: %s",
          SchemaConverter.RESCUE_COLUMN,
          field,
          documents,
          documents == 1 ? "" : "s",
          reason.advice);
    }
  }

  private RescueReport() {}

  /**
   * The rescued fields of a written table, read from it.
   *
   * @param source the schema the table was read with, whose metadata names each field's path
   */
  static List<RescuedField> of(Dataset<Row> written, StructType source) {
    StructField rescue = rescueColumn(source);
    if (rescue == null) {
      return List.of();
    }
    Set<String> columns = new HashSet<>();
    addPaths("", source, columns);
    List<RescuedField> fields = new ArrayList<>();
    for (Row row : counts(written, rescue.name()).collectAsList()) {
      String field = row.getString(0);
      Reason reason =
          !columns.contains(field)
              ? Reason.NO_COLUMN
              : row.getBoolean(1) ? Reason.SEVERAL_VALUES : Reason.MISMATCH;
      fields.add(new RescuedField(field, row.getLong(2), reason));
    }
    return fields;
  }

  /** Field path, whether the kept value was an array, and the number of documents. */
  private static Dataset<Row> counts(Dataset<Row> written, String rescue) {
    DataType paths = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);
    return written
        .where(col(rescue).isNotNull())
        .select(col(SchemaConverter.ID_COLUMN), explode(from_json(col(rescue), paths)))
        .select(
            regexp_replace(col("key"), "\\[[0-9]+\\]", "").as("field"),
            coalesce(col("value").startsWith("["), lit(false)).as("many"),
            col(SchemaConverter.ID_COLUMN))
        .groupBy("field", "many")
        .agg(countDistinct(SchemaConverter.ID_COLUMN))
        .orderBy("field", "many");
  }

  private static StructField rescueColumn(StructType schema) {
    for (StructField field : schema.fields()) {
      if (FieldMetadata.isRescue(field)) {
        return field;
      }
    }
    return null;
  }

  private static void addPaths(String parent, StructType struct, Set<String> paths) {
    for (StructField field : struct.fields()) {
      String path = parent + FieldMetadata.sourceName(field);
      paths.add(path);
      DataType type = field.dataType();
      if (type instanceof ArrayType array) {
        type = array.elementType();
      }
      if (type instanceof StructType inner) {
        addPaths(path + ".", inner, paths);
      }
    }
  }
}

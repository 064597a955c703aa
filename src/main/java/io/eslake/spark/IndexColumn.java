package io.eslake.spark;

import io.eslake.types.FieldMetadata;
import io.eslake.types.SchemaConverter;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A leaf column that a search or an aggregation can name: at the top level or inside objects that
 * are not arrays, by its dotted path in {@code _source}. The column {@code _id} is not one.
 *
 * @param path the field's path in the index, as queries and aggregations name it
 * @param field the column, with the Elasticsearch facts in its metadata
 */
record IndexColumn(String path, StructField field) {

  /** The column a reference names, or null when it is not a leaf reached through objects. */
  static IndexColumn resolve(StructType schema, Expression expression) {
    if (!(expression instanceof NamedReference reference)) {
      return null;
    }
    String[] names = reference.fieldNames();
    if (names.length == 1 && names[0].equals(SchemaConverter.ID_COLUMN)) {
      return null;
    }
    StructType struct = schema;
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      StructField field = find(struct, names[i]);
      if (field == null) {
        return null;
      }
      path.append(i == 0 ? "" : ".").append(FieldMetadata.sourceName(field));
      if (i == names.length - 1) {
        return new IndexColumn(path.toString(), field);
      }
      boolean object = FieldMetadata.type(field).equals("object");
      if (!object || !(field.dataType() instanceof StructType inner)) {
        return null;
      }
      struct = inner;
    }
    return null;
  }

  /** The Elasticsearch type of the field. */
  String esType() {
    return FieldMetadata.type(field);
  }

  DataType type() {
    return field.dataType();
  }

  /** The column's name as Spark shows it, dotted inside objects. */
  String name() {
    return path;
  }

  private static StructField find(StructType struct, String name) {
    for (StructField field : struct.fields()) {
      if (field.name().equals(name)) {
        return field;
      }
    }
    return null;
  }
}

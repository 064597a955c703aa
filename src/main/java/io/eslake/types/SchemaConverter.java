package io.eslake.types;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns an index mapping into the Spark schema of its table: the key column {@code _id} first, then
 * one column per {@code _source} field in the order the mapping lists them (Elasticsearch lists
 * them by name).
 */
public final class SchemaConverter {

  /** The key column: the document id, unique within an index. */
  public static final String ID_COLUMN = "_id";

  private SchemaConverter() {}

  /**
   * Builds the table schema of a mapping.
   *
   * @param unknownType told once per field whose type has no column type of its own; such a field
   *     becomes a JSON string column rather than being left out
   */
  public static StructType toSchema(IndexMapping mapping, BiConsumer<String, String> unknownType) {
    List<StructField> columns = new ArrayList<>();
    columns.add(idColumn());
    for (MappedField field : mapping.properties().values()) {
      columns.add(column(field, unknownType));
    }
    return new StructType(columns.toArray(StructField[]::new));
  }

  static StructField idColumn() {
    Metadata metadata = new MetadataBuilder().putString(FieldMetadata.TYPE, "_id").build();
    return new StructField(ID_COLUMN, DataTypes.StringType, false, metadata);
  }

  private static StructField column(MappedField field, BiConsumer<String, String> unknownType) {
    return new StructField(
        field.name(), dataType(field, unknownType), true, FieldMetadata.of(field));
  }

  private static DataType dataType(MappedField field, BiConsumer<String, String> unknownType) {
    return switch (field.type()) {
      case "object" -> struct(field, unknownType);
      case "nested" -> DataTypes.createArrayType(struct(field, unknownType), false);
      default -> {
        DataType scalar = FieldTypes.scalarType(field.type());
        if (scalar == null) {
          unknownType.accept(field.path(), field.type());
          yield DataTypes.StringType;
        }
        yield scalar;
      }
    };
  }

  private static StructType struct(MappedField field, BiConsumer<String, String> unknownType) {
    List<StructField> children = new ArrayList<>();
    for (MappedField child : field.children().values()) {
      children.add(column(child, unknownType));
    }
    return new StructType(children.toArray(StructField[]::new));
  }
}

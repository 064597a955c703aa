package io.eslake.types;

import java.util.ArrayList;
import java.util.Collection;
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
 * them by name), then the rescue column {@code _rescued}, which keeps, as a JSON object of path to
 * original value, every {@code _source} value that no other column could hold.
 */
public final class SchemaConverter {

  /** The key column: the document id, unique within an index. */
  public static final String ID_COLUMN = "_id";

  /**
   * The concrete index a document came from: a column of tables that read several indices (data
   * streams, aliases), where an id is unique only together with it.
   */
  public static final String INDEX_COLUMN = "_index";

  /** The rescue column: values that did not fit their column, and fields the mapping lacks. */
  public static final String RESCUE_COLUMN = "_rescued";

  private SchemaConverter() {}

  /**
   * Builds the table schema of a mapping, with array columns for the fields its {@code _meta} lists
   * as arrays.
   *
   * @param untyped told once per field without a typed column: see {@link #toSchema(IndexMapping,
   *     ArrayFields, BiConsumer)}
   */
  public static StructType toSchema(IndexMapping mapping, BiConsumer<String, String> untyped) {
    return toSchema(mapping, ArrayFields.none(), untyped);
  }

  /**
   * Builds the table schema of a mapping.
   *
   * @param arrays fields known to hold arrays, besides those the mapping's {@code _meta} lists
   * @param untyped told (path, type) once per field without a typed column: a type outside the type
   *     table, which becomes a JSON string column rather than being left out, and an {@code alias}
   *     field, which has no value of its own in {@code _source} and no column
   */
  public static StructType toSchema(
      IndexMapping mapping, ArrayFields arrays, BiConsumer<String, String> untyped) {
    ArrayFields all = ArrayFields.fromMeta(mapping).and(arrays);
    List<StructField> columns = new ArrayList<>();
    columns.add(idColumn());
    columns.addAll(columns(mapping.properties().values(), all, untyped));
    columns.add(rescueColumn());
    return new StructType(ColumnNames.unique(columns));
  }

  /** A table schema with the column {@code _index} inserted after {@code _id}. */
  public static StructType withIndexColumn(StructType schema) {
    Metadata metadata = new MetadataBuilder().putString(FieldMetadata.TYPE, "_index").build();
    List<StructField> columns = new ArrayList<>(List.of(schema.fields()));
    columns.add(1, new StructField(INDEX_COLUMN, DataTypes.StringType, false, metadata));
    return new StructType(columns.toArray(StructField[]::new));
  }

  /** Whether a column holds a hit's metadata ({@code _id}, {@code _index}), not a source field. */
  public static boolean isHitMetadata(StructField field) {
    String type = FieldMetadata.type(field);
    return (field.name().equals(ID_COLUMN) && type.equals("_id"))
        || (field.name().equals(INDEX_COLUMN) && type.equals("_index"));
  }

  static StructField idColumn() {
    Metadata metadata = new MetadataBuilder().putString(FieldMetadata.TYPE, "_id").build();
    return new StructField(ID_COLUMN, DataTypes.StringType, false, metadata);
  }

  static StructField rescueColumn() {
    Metadata metadata =
        new MetadataBuilder().putString(FieldMetadata.TYPE, FieldMetadata.RESCUE_TYPE).build();
    return new StructField(RESCUE_COLUMN, DataTypes.StringType, true, metadata);
  }

  private static List<StructField> columns(
      Collection<MappedField> fields, ArrayFields arrays, BiConsumer<String, String> untyped) {
    List<StructField> columns = new ArrayList<>();
    for (MappedField field : fields) {
      StructField column = column(field, arrays, untyped);
      if (column != null) {
        columns.add(column);
      }
    }
    return columns;
  }

  /** The column of a field, or null when it has none (an alias, an object with no fields). */
  private static StructField column(
      MappedField field, ArrayFields arrays, BiConsumer<String, String> untyped) {
    Metadata metadata = FieldMetadata.of(field);
    if (field.type().equals("alias")) {
      untyped.accept(field.path(), field.type());
      return null;
    }
    if (!field.isEnabled()) {
      return jsonColumn(field);
    }
    if (field.isObject() || field.isNested()) {
      List<StructField> children = columns(field.children().values(), arrays, untyped);
      if (children.isEmpty()) {
        return null;
      }
      DataType struct = new StructType(ColumnNames.unique(children));
      boolean many = field.isNested() || arrays.contains(field.path());
      return new StructField(field.name(), many ? array(struct) : struct, true, metadata);
    }
    DataType type = FieldTypes.columnType(field);
    if (type == null || FieldTypes.kind(field.type()) == FieldTypes.Kind.JSON) {
      if (type == null) {
        untyped.accept(field.path(), field.type());
      }
      return jsonColumn(field);
    }
    boolean many =
        FieldTypes.kind(field.type()) == FieldTypes.Kind.VALUE && arrays.contains(field.path());
    return new StructField(field.name(), many ? array(type) : type, true, metadata);
  }

  private static StructField jsonColumn(MappedField field) {
    Metadata metadata =
        new MetadataBuilder()
            .withMetadata(FieldMetadata.of(field))
            .putBoolean(FieldMetadata.JSON, true)
            .build();
    return new StructField(field.name(), DataTypes.StringType, true, metadata);
  }

  private static DataType array(DataType element) {
    return DataTypes.createArrayType(element, true);
  }
}

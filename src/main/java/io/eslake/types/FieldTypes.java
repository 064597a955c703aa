package io.eslake.types;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The column type of each Elasticsearch field type, for Elasticsearch 7, 8 and 9. Objects and
 * nested fields are built by {@link SchemaConverter} from their children; every other type is here.
 * A type missing from this table is read as JSON text.
 */
final class FieldTypes {

  /** How the values of a type fill a column. */
  enum Kind {
    /**
     * One value per occurrence. Like any Elasticsearch field it may hold several, so its column
     * becomes an array when the field is known to hold arrays.
     */
    VALUE,
    /** The column type is itself a list or a map and holds every value: never widened. */
    COLLECTION,
    /** The value as JSON text, whatever its shape. */
    JSON
  }

  private record Rule(Kind kind, Function<MappedField, DataType> type) {}

  /** The column types of the types that appear as parts of compound values. */
  private static final Map<String, DataType> PART_TYPES =
      Map.of(
          "integer", DataTypes.IntegerType,
          "long", DataTypes.LongType,
          "float", DataTypes.FloatType,
          "double", DataTypes.DoubleType,
          "date", DataTypes.TimestampType,
          "ip", DataTypes.StringType,
          "keyword", DataTypes.StringType);

  private static final Map<String, Rule> RULES = rules();

  private FieldTypes() {}

  /** The column type of a field of a leaf type, or null when the type is not in the table. */
  static DataType columnType(MappedField field) {
    Rule rule = RULES.get(field.type());
    return rule == null ? null : rule.type().apply(field);
  }

  /** How a leaf type's values fill a column, or null when the type is not in the table. */
  static Kind kind(String esType) {
    Rule rule = RULES.get(esType);
    return rule == null ? null : rule.kind();
  }

  private static Map<String, Rule> rules() {
    Map<String, Rule> rules = new HashMap<>();
    for (String text :
        List.of(
            "text",
            "keyword",
            "wildcard",
            "constant_keyword",
            "match_only_text",
            "version",
            "ip",
            "search_as_you_type",
            "semantic_text",
            "token_count",
            "counted_keyword",
            "geo_shape",
            "shape",
            "annotated_text",
            "icu_collation_keyword")) {
      value(rules, text, DataTypes.StringType);
    }
    value(rules, "long", DataTypes.LongType);
    value(rules, "integer", DataTypes.IntegerType);
    value(rules, "short", DataTypes.ShortType);
    value(rules, "byte", DataTypes.ByteType);
    value(rules, "unsigned_long", DataTypes.createDecimalType(20, 0));
    value(rules, "double", DataTypes.DoubleType);
    value(rules, "float", DataTypes.FloatType);
    value(rules, "half_float", DataTypes.FloatType);
    value(rules, "scaled_float", DataTypes.DoubleType);
    value(rules, "rank_feature", DataTypes.FloatType);
    value(rules, "boolean", DataTypes.BooleanType);
    value(rules, "date", DataTypes.TimestampType);
    value(rules, "date_nanos", DataTypes.TimestampType);
    value(rules, "binary", DataTypes.BinaryType);
    value(rules, "geo_point", struct(part("lat", "double"), part("lon", "double")));
    value(rules, "point", struct(part("x", "double"), part("y", "double")));
    range(rules, "integer_range", "integer");
    range(rules, "long_range", "long");
    range(rules, "float_range", "float");
    range(rules, "double_range", "double");
    range(rules, "date_range", "date");
    range(rules, "ip_range", "ip");
    value(rules, "histogram", struct(list("values", "double"), list("counts", "long")));
    rules.put("aggregate_metric_double", new Rule(Kind.VALUE, FieldTypes::metrics));
    value(rules, "join", struct(part("name", "keyword"), part("parent", "keyword")));
    collection(rules, "dense_vector", DataTypes.createArrayType(DataTypes.FloatType, true));
    collection(rules, "completion", DataTypes.createArrayType(DataTypes.StringType, true));
    DataType features = DataTypes.createMapType(DataTypes.StringType, DataTypes.FloatType, true);
    collection(rules, "sparse_vector", features);
    collection(rules, "rank_features", features);
    collection(
        rules,
        "flattened",
        DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true));
    rules.put("percolator", new Rule(Kind.JSON, field -> DataTypes.StringType));
    return Map.copyOf(rules);
  }

  private static void value(Map<String, Rule> rules, String esType, DataType type) {
    rules.put(esType, new Rule(Kind.VALUE, field -> type));
  }

  private static void collection(Map<String, Rule> rules, String esType, DataType type) {
    rules.put(esType, new Rule(Kind.COLLECTION, field -> type));
  }

  /** A range: its bounds, each of the range's element type; a date range keeps its format. */
  private static void range(Map<String, Rule> rules, String esType, String boundType) {
    rules.put(
        esType,
        new Rule(
            Kind.VALUE,
            field -> {
              String format = field.parameter("format");
              DataType bound = columnType(boundType);
              StructField[] bounds =
                  List.of("gte", "lte", "gt", "lt").stream()
                      .map(
                          name ->
                              new StructField(
                                  name, bound, true, FieldMetadata.ofPart(boundType, format)))
                      .toArray(StructField[]::new);
              return new StructType(bounds);
            }));
  }

  /** An aggregate_metric_double: one column per metric the mapping lists, in its order. */
  private static DataType metrics(MappedField field) {
    List<StructField> parts = new java.util.ArrayList<>();
    field
        .definition()
        .path("metrics")
        .forEach(
            metric -> {
              String name = metric.asText();
              parts.add(part(name, name.equals("value_count") ? "long" : "double"));
            });
    return new StructType(parts.toArray(StructField[]::new));
  }

  private static DataType columnType(String esType) {
    return PART_TYPES.get(esType);
  }

  private static StructType struct(StructField... parts) {
    return new StructType(parts);
  }

  private static StructField part(String name, String esType) {
    return new StructField(name, columnType(esType), true, FieldMetadata.ofPart(esType, null));
  }

  private static StructField list(String name, String esType) {
    return new StructField(
        name,
        DataTypes.createArrayType(columnType(esType), true),
        true,
        FieldMetadata.ofPart(esType, null));
  }
}

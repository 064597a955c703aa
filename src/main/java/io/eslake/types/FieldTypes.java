package io.eslake.types;

import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** The column type of each Elasticsearch leaf type this connector reads natively. */
final class FieldTypes {

  private static final Map<String, DataType> SCALARS =
      Map.ofEntries(
          Map.entry("text", DataTypes.StringType),
          Map.entry("keyword", DataTypes.StringType),
          Map.entry("long", DataTypes.LongType),
          Map.entry("integer", DataTypes.IntegerType),
          Map.entry("short", DataTypes.ShortType),
          Map.entry("byte", DataTypes.ByteType),
          Map.entry("double", DataTypes.DoubleType),
          Map.entry("float", DataTypes.FloatType),
          Map.entry("half_float", DataTypes.FloatType),
          Map.entry("boolean", DataTypes.BooleanType),
          Map.entry("date", DataTypes.TimestampType));

  private FieldTypes() {}

  /** The column type of a leaf type, or null when the type is read as JSON text. */
  static DataType scalarType(String esType) {
    return SCALARS.get(esType);
  }
}

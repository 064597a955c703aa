package io.eslake.types;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Builds the {@link ValueReader} of each column from its Spark type and Elasticsearch metadata.
 *
 * <p>Values are read the way Elasticsearch reads them when it indexes: numbers in strings are
 * numbers, decimals in integer fields are truncated, an empty string in a numeric field is null.
 */
final class ValueReaders {

  /** Reads a single, non-null, non-array JSON value. */
  private interface ScalarReader {
    Object read(JsonParser parser) throws IOException;
  }

  private static final JsonFactory JSON_FACTORY = new JsonFactory();

  private ValueReaders() {}

  static ValueReader forField(StructField field, String path) {
    String esType = FieldMetadata.type(field);
    DataType type = field.dataType();
    if (type instanceof StructType struct) {
      return single(path, StructReader.forStruct(struct, path)::read);
    }
    if (type instanceof ArrayType array && array.elementType() instanceof StructType struct) {
      return nested(path, StructReader.forStruct(struct, path));
    }
    if (type.equals(DataTypes.StringType)) {
      return FieldTypes.scalarType(esType) == null ? ValueReaders::json : single(path, strings());
    }
    if (type.equals(DataTypes.LongType)) {
      return single(path, p -> integral(p, path, Long.MIN_VALUE, Long.MAX_VALUE));
    }
    if (type.equals(DataTypes.IntegerType)) {
      return single(path, p -> narrow(integral(p, path, Integer.MIN_VALUE, Integer.MAX_VALUE), 4));
    }
    if (type.equals(DataTypes.ShortType)) {
      return single(path, p -> narrow(integral(p, path, Short.MIN_VALUE, Short.MAX_VALUE), 2));
    }
    if (type.equals(DataTypes.ByteType)) {
      return single(path, p -> narrow(integral(p, path, Byte.MIN_VALUE, Byte.MAX_VALUE), 1));
    }
    if (type.equals(DataTypes.DoubleType)) {
      return single(path, p -> floating(p, path));
    }
    if (type.equals(DataTypes.FloatType)) {
      return single(path, p -> toFloat(floating(p, path)));
    }
    if (type.equals(DataTypes.BooleanType)) {
      return single(path, p -> bool(p, path));
    }
    if (type.equals(DataTypes.TimestampType)) {
      DateParser dates = DateParser.forFormat(FieldMetadata.format(field));
      return single(path, p -> timestamp(p, path, dates));
    }
    return ValueReaders::json;
  }

  /**
   * A reader for a single-valued column. Null is null; an array of one value is that value; an
   * empty array is null. An array of several values cannot fit and is an error naming the field.
   */
  private static ValueReader single(String path, ScalarReader scalar) {
    return parser ->
        switch (parser.currentToken()) {
          case VALUE_NULL -> null;
          case START_ARRAY -> onlyElement(parser, path, scalar);
          default -> scalar.read(parser);
        };
  }

  private static Object onlyElement(JsonParser parser, String path, ScalarReader scalar)
      throws IOException {
    List<Object> values = new ArrayList<>(2);
    collect(parser, scalar, values);
    if (values.size() > 1) {
      // TODO(#3): widen to an array column or keep the values elsewhere instead of failing.
      throw new DecodeException(
          path,
          null,
          "it holds "
              + values.size()
              + " values but its column holds one. Declare the field as an array in the"
              + " mapping's _meta or with the option array_fields.",
          null);
    }
    return values.isEmpty() ? null : values.get(0);
  }

  /**
   * Adds the non-null values of an array, flattening inner arrays as Elasticsearch indexes them.
   */
  private static void collect(JsonParser parser, ScalarReader scalar, List<Object> into)
      throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token == JsonToken.START_ARRAY) {
        collect(parser, scalar, into);
      } else if (token != JsonToken.VALUE_NULL) {
        into.add(scalar.read(parser));
      }
    }
  }

  /** A nested field: always a list of objects; a single object is a list of one. */
  private static ValueReader nested(String path, StructReader struct) {
    return parser -> {
      JsonToken token = parser.currentToken();
      if (token == JsonToken.VALUE_NULL) {
        return null;
      }
      List<Object> items = new ArrayList<>();
      if (token == JsonToken.START_ARRAY) {
        collect(parser, struct::read, items);
      } else {
        items.add(struct.read(parser));
      }
      return new GenericArrayData(items.toArray());
    };
  }

  private static ScalarReader strings() {
    return parser ->
        switch (parser.currentToken()) {
          case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE ->
              UTF8String.fromString(parser.getText());
          default -> json(parser);
        };
  }

  /**
   * Reads a whole number within [min, max]; decimals are truncated toward zero as Elasticsearch
   * does, and an empty string is null.
   */
  private static Long integral(JsonParser parser, String path, long min, long max)
      throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NUMBER_INT
        && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      return inRange(parser.getLongValue(), min, max, path);
    }
    BigDecimal value =
        switch (token) {
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
          case VALUE_STRING -> numberInText(parser.getText(), path);
          default -> throw notA("number", path, parser);
        };
    if (value == null) {
      return null;
    }
    BigDecimal truncated = value.setScale(0, RoundingMode.DOWN);
    if (truncated.compareTo(BigDecimal.valueOf(min)) < 0
        || truncated.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw outOfRange(value, path);
    }
    return truncated.longValue();
  }

  private static Long inRange(long value, long min, long max, String path) {
    if (value < min || value > max) {
      throw outOfRange(BigDecimal.valueOf(value), path);
    }
    return value;
  }

  private static DecodeException outOfRange(BigDecimal value, String path) {
    return new DecodeException(path, null, "the value " + value + " is out of range", null);
  }

  /** Narrows a checked whole number to an int, short or byte of the given byte width. */
  private static Object narrow(Long value, int width) {
    if (value == null) {
      return null;
    }
    return switch (width) {
      case 4 -> value.intValue();
      case 2 -> value.shortValue();
      default -> value.byteValue();
    };
  }

  private static BigDecimal numberInText(String text, String path) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      return null;
    }
    try {
      return new BigDecimal(trimmed);
    } catch (NumberFormatException e) {
      throw new DecodeException(path, null, "the text '" + text + "' is not a number", e);
    }
  }

  private static Object floating(JsonParser parser, String path) throws IOException {
    return switch (parser.currentToken()) {
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
      case VALUE_STRING -> {
        BigDecimal value = numberInText(parser.getText(), path);
        yield value == null ? null : value.doubleValue();
      }
      default -> throw notA("number", path, parser);
    };
  }

  private static Object toFloat(Object value) {
    return value == null ? null : ((Double) value).floatValue();
  }

  private static Object bool(JsonParser parser, String path) throws IOException {
    return switch (parser.currentToken()) {
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_STRING -> {
        String text = parser.getText();
        if (text.equals("true")) {
          yield Boolean.TRUE;
        }
        if (text.equals("false") || text.isEmpty()) {
          yield Boolean.FALSE;
        }
        throw notA("boolean", path, parser);
      }
      default -> throw notA("boolean", path, parser);
    };
  }

  private static Object timestamp(JsonParser parser, String path, DateParser dates)
      throws IOException {
    return switch (parser.currentToken()) {
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> dates.parseNumber(parser.getDecimalValue());
      case VALUE_STRING -> {
        Long micros = dates.parseText(parser.getText());
        if (micros == null) {
          throw new DecodeException(
              path,
              null,
              "the text '" + parser.getText() + "' does not match the format " + dates.format(),
              null);
        }
        yield micros;
      }
      default -> throw notA("date", path, parser);
    };
  }

  /** Any value as compact JSON text. */
  static Object json(JsonParser parser) throws IOException {
    if (parser.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    try (JsonGenerator generator = JSON_FACTORY.createGenerator(out)) {
      generator.copyCurrentStructure(parser);
    }
    return UTF8String.fromBytes(out.toByteArray());
  }

  private static DecodeException notA(String what, String path, JsonParser parser)
      throws IOException {
    String found =
        parser.currentToken() == JsonToken.START_OBJECT
            ? "an object"
            : parser.currentToken().isScalarValue() ? "'" + parser.getText() + "'" : "an array";
    return new DecodeException(path, null, found + " is not a " + what, null);
  }
}

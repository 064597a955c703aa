package io.eslake.types;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Builds the {@link ValueReader} of each column from its Spark type and Elasticsearch metadata.
 *
 * <p>A column of one value reads a scalar as itself, and an array holding one value (nulls aside)
 * as that value, an empty array as null; an array of several values cannot fit and is rejected
 * whole. When those values are plain scalars that all read as the same value ({@code ["a","a"]},
 * {@code [20,"20"]} in a keyword field), the column still gets that value, as the index holds a
 * keyword repeated in one document once; the whole array is rejected all the same, so it is kept in
 * the rescue column or fails the read. An array column reads an array element by element,
 * flattening inner arrays as Elasticsearch indexes them, keeping nulls in their place; a single
 * value is a list of one; an element that cannot fit is null in its place and rejected alone, under
 * its position.
 */
final class ValueReaders {

  private static final Set<String> NOT_PLAIN_SCALARS =
      Set.of("geo_point", "point", "geo_shape", "shape", "semantic_text");

  private ValueReaders() {}

  static ValueReader forField(StructField field, String path) {
    if (FieldMetadata.isJson(field)) {
      return (parser, decoding) ->
          parser.currentToken() == JsonToken.VALUE_NULL ? null : JsonValues.text(parser);
    }
    String esType = FieldMetadata.type(field);
    ValueReader collection = CollectionReaders.forType(esType, path);
    if (collection != null) {
      return collection;
    }
    DataType type = field.dataType();
    if (type instanceof ArrayType array) {
      return many(path, leaf(field, array.elementType(), path));
    }
    return one(path, leaf(field, type, path), isPlainScalar(esType, type));
  }

  /**
   * Whether the field's values are plain scalars: read without touching the document's rescue
   * column, and the same value exactly when their Spark values are equal.
   */
  private static boolean isPlainScalar(String esType, DataType type) {
    return !(type instanceof StructType) && !NOT_PLAIN_SCALARS.contains(esType);
  }

  /** The leaf of a field's values, whose column (or array element) type is the given one. */
  private static Leaf leaf(StructField field, DataType type, String path) {
    String esType = FieldMetadata.type(field);
    switch (esType) {
      case "geo_point":
        return PointLeaf.geo(path, (StructType) type, FieldMetadata.allowsZ(field));
      case "point":
        return PointLeaf.cartesian(path, (StructType) type, FieldMetadata.allowsZ(field));
      case "geo_shape", "shape":
        return Leaves.SHAPE;
      case "semantic_text":
        return Leaves.semanticText(path);
      default:
        break;
    }
    if (type instanceof StructType struct) {
      return StructLeaf.of(esType, struct, path);
    }
    if (type instanceof DecimalType) {
      return Leaves.UNSIGNED_LONG;
    }
    if (esType.equals("half_float")) {
      return Leaves.HALF_FLOAT;
    }
    if (type.equals(DataTypes.TimestampType)) {
      return Leaves.timestamp(
          DateParser.forFormat(FieldMetadata.format(field), FieldMetadata.locale(field)));
    }
    Leaf scalar = scalar(type);
    if (scalar == null) {
      throw new IllegalArgumentException(
          "Cannot read column '" + path + "' of type " + type.simpleString());
    }
    return FieldMetadata.coerces(field) ? scalar : Leaves.uncoerced(scalar, type);
  }

  private static Leaf scalar(DataType type) {
    if (type.equals(DataTypes.StringType)) {
      return Leaves.STRING;
    }
    if (type.equals(DataTypes.LongType)) {
      return Leaves.LONG;
    }
    if (type.equals(DataTypes.IntegerType)) {
      return Leaves.INTEGER;
    }
    if (type.equals(DataTypes.ShortType)) {
      return Leaves.SHORT;
    }
    if (type.equals(DataTypes.ByteType)) {
      return Leaves.BYTE;
    }
    if (type.equals(DataTypes.DoubleType)) {
      return Leaves.DOUBLE;
    }
    if (type.equals(DataTypes.FloatType)) {
      return Leaves.FLOAT;
    }
    if (type.equals(DataTypes.BooleanType)) {
      return Leaves.BOOLEAN;
    }
    if (type.equals(DataTypes.BinaryType)) {
      return Leaves.BINARY;
    }
    return null;
  }

  /** Reads one value of a leaf, keeping the original when it does not fit. */
  static Object readOne(Leaf leaf, String path, JsonParser parser, Decoding decoding)
      throws IOException {
    JsonToken token = parser.currentToken();
    if (token.isStructStart() && leaf.needsCopy()) {
      TokenBuffer copy = JsonValues.buffer(parser);
      try {
        return leaf.read(JsonValues.open(copy), decoding);
      } catch (Mismatch mismatch) {
        decoding.reject(
            path, DecodeException.Kind.MISMATCH, mismatch.getMessage(), JsonValues.open(copy));
        return null;
      }
    }
    try {
      return leaf.read(parser, decoding);
    } catch (Mismatch mismatch) {
      decoding.reject(path, DecodeException.Kind.MISMATCH, mismatch.getMessage(), parser);
      return null;
    }
  }

  /**
   * A column of one value.
   *
   * @param plainScalar whether an array repeating one value gives the column that value
   */
  private static ValueReader one(String path, Leaf leaf, boolean plainScalar) {
    return (parser, decoding) ->
        switch (parser.currentToken()) {
          case VALUE_NULL -> null;
          case START_ARRAY -> oneFromArray(path, leaf, plainScalar, parser, decoding);
          default -> readOne(leaf, path, parser, decoding);
        };
  }

  private static Object oneFromArray(
      String path, Leaf leaf, boolean plainScalar, JsonParser parser, Decoding decoding)
      throws IOException {
    TokenBuffer copy = JsonValues.buffer(parser);
    if (leaf.readsArrays() && JsonValues.startsWithNumber(copy)) {
      return readOne(leaf, path, JsonValues.open(copy), decoding);
    }
    decoding.sawArray(path);
    int count = JsonValues.count(JsonValues.open(copy), leaf);
    if (count == 1 || (count > 1 && decoding.sampling())) {
      Object[] only = new Object[1];
      JsonValues.forEach(
          JsonValues.open(copy),
          leaf,
          (value, index) -> {
            if (value.currentToken() != JsonToken.VALUE_NULL) {
              only[0] = readOne(leaf, path, value, decoding);
            }
          });
      return count == 1 ? only[0] : null;
    }
    if (count == 0) {
      return null;
    }
    Object repeated = plainScalar ? repeatedValue(leaf, JsonValues.open(copy), decoding) : null;
    decoding.reject(
        path,
        DecodeException.Kind.SEVERAL_VALUES,
        "it holds " + count + " values but its column holds one",
        JsonValues.open(copy));
    return repeated;
  }

  /**
   * The one value the elements of an array read as, nulls and elements that do not fit aside (the
   * index ignores those too, under {@code ignore_malformed}); null when two elements read as
   * different values, or when none has a value ({@code ["", ""]} in a number field).
   */
  private static Object repeatedValue(Leaf leaf, JsonParser array, Decoding decoding)
      throws IOException {
    Object[] found = new Object[1];
    boolean[] differs = new boolean[1];
    JsonValues.forEach(
        array,
        leaf,
        (element, index) -> {
          Object value = differs[0] ? null : plainValue(leaf, element, decoding);
          element.skipChildren();
          if (value == null) {
            return;
          }
          if (found[0] == null) {
            found[0] = value;
          } else if (!sameValue(found[0], value)) {
            differs[0] = true;
          }
        });
    return differs[0] ? null : found[0];
  }

  /** A plain scalar element's value; null for a null, no value, or a value that does not fit. */
  private static Object plainValue(Leaf leaf, JsonParser element, Decoding decoding)
      throws IOException {
    if (element.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    try {
      return leaf.read(element, decoding);
    } catch (Mismatch mismatch) {
      return null;
    }
  }

  private static boolean sameValue(Object first, Object other) {
    if (first instanceof byte[] bytes && other instanceof byte[] otherBytes) {
      return Arrays.equals(bytes, otherBytes);
    }
    return Objects.equals(first, other);
  }

  /** An array column. */
  private static ValueReader many(String path, Leaf leaf) {
    return (parser, decoding) -> {
      JsonToken token = parser.currentToken();
      if (token == JsonToken.VALUE_NULL) {
        return null;
      }
      if (token != JsonToken.START_ARRAY) {
        Object value = readOne(leaf, path, parser, decoding);
        return value == null ? null : new GenericArrayData(new Object[] {value});
      }
      JsonParser array = parser;
      if (leaf.readsArrays()) {
        TokenBuffer copy = JsonValues.buffer(parser);
        if (JsonValues.startsWithNumber(copy)) {
          Object point = readOne(leaf, path, JsonValues.open(copy), decoding);
          return new GenericArrayData(new Object[] {point});
        }
        array = JsonValues.open(copy);
      }
      return elements(path, leaf, array, decoding);
    };
  }

  private static GenericArrayData elements(
      String path, Leaf leaf, JsonParser array, Decoding decoding) throws IOException {
    List<Object> items = new ArrayList<>();
    decoding.enterArray(path);
    try {
      JsonValues.forEach(
          array,
          leaf,
          (value, index) -> {
            decoding.at(index);
            boolean isNull = value.currentToken() == JsonToken.VALUE_NULL;
            items.add(isNull ? null : readOne(leaf, path, value, decoding));
          });
    } finally {
      decoding.exitArray();
    }
    return new GenericArrayData(items.toArray());
  }
}

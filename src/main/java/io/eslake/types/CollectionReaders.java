package io.eslake.types;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Readers of the types whose column is itself a list or a map: dense_vector, completion, flattened,
 * sparse_vector and rank_features. An element that cannot fit is null in its place and kept under
 * its own path ({@code vec[3]}, {@code feats.x}); a value of the wrong shape altogether is rejected
 * whole.
 */
final class CollectionReaders {

  private CollectionReaders() {}

  /** The reader of a collection type, or null for other types. */
  static ValueReader forType(String esType, String path) {
    return switch (esType) {
      case "dense_vector" -> denseVector(path);
      case "completion" -> completion(path);
      case "flattened" -> flattened(path);
      case "sparse_vector", "rank_features" -> features(path);
      default -> null;
    };
  }

  /** Floats from an array of numbers, or from the hex string of a byte or bit vector. */
  private static ValueReader denseVector(String path) {
    return (parser, decoding) ->
        switch (parser.currentToken()) {
          case VALUE_NULL -> null;
          case VALUE_STRING -> hexVector(path, parser, decoding);
          case START_ARRAY -> floats(path, parser, decoding);
          default -> rejectShape(path, "a vector", parser, decoding);
        };
  }

  private static Object floats(String path, JsonParser parser, Decoding decoding)
      throws IOException {
    List<Object> values = new ArrayList<>();
    decoding.enterArray(path);
    try {
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        decoding.at(values.size());
        if (token.isNumeric()) {
          values.add(parser.getFloatValue());
        } else {
          decoding.reject(
              path, DecodeException.Kind.MISMATCH, "a vector element must be a number", parser);
          values.add(null);
        }
      }
    } finally {
      decoding.exitArray();
    }
    return new GenericArrayData(values.toArray());
  }

  private static Object hexVector(String path, JsonParser parser, Decoding decoding)
      throws IOException {
    byte[] bytes;
    try {
      bytes = HexFormat.of().parseHex(parser.getText());
    } catch (IllegalArgumentException e) {
      return rejectShape(path, "a vector or the hex text of one", parser, decoding);
    }
    Object[] values = new Object[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      values[i] = (float) bytes[i];
    }
    return new GenericArrayData(values);
  }

  /**
   * The input texts of a completion value: a text, an array of texts, an object with {@code input}
   * (a text or array of texts), or an array of such objects. The object's other keys, such as
   * {@code weight} and {@code contexts}, are suggester settings without a column: they are kept as
   * fields the mapping lacks are.
   */
  private static ValueReader completion(String path) {
    return (parser, decoding) -> {
      if (parser.currentToken() == JsonToken.VALUE_NULL) {
        return null;
      }
      List<Object> inputs = new ArrayList<>();
      addInputs(path, parser, decoding, inputs);
      return new GenericArrayData(inputs.toArray());
    };
  }

  private static void addInputs(
      String path, JsonParser parser, Decoding decoding, List<Object> inputs) throws IOException {
    switch (parser.currentToken()) {
      case VALUE_NULL -> inputs.add(null);
      case START_ARRAY -> {
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          addInputs(path, parser, decoding, inputs);
        }
      }
      case START_OBJECT -> {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          parser.nextToken();
          if (key.equals("input")) {
            addInputs(path, parser, decoding, inputs);
          } else {
            decoding.keepChild(path, key, parser);
          }
        }
      }
      default -> inputs.add(JsonValues.utf8(parser));
    }
  }

  /**
   * A flattened object as a map of dotted leaf path to the leaf's text: numbers and booleans as
   * their text, an array of values as its JSON text, null as null.
   */
  private static ValueReader flattened(String path) {
    return (parser, decoding) ->
        switch (parser.currentToken()) {
          case VALUE_NULL -> null;
          case START_OBJECT -> {
            List<Object> keys = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            addLeaves("", parser, keys, values);
            yield map(keys, values);
          }
          default -> rejectShape(path, "an object", parser, decoding);
        };
  }

  private static void addLeaves(
      String prefix, JsonParser parser, List<Object> keys, List<Object> values) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = prefix + parser.currentName();
      JsonToken token = parser.nextToken();
      if (token == JsonToken.START_OBJECT) {
        addLeaves(key + ".", parser, keys, values);
        continue;
      }
      keys.add(UTF8String.fromString(key));
      if (token == JsonToken.VALUE_NULL) {
        values.add(null);
      } else if (token == JsonToken.START_ARRAY) {
        values.add(JsonValues.text(parser));
      } else {
        values.add(JsonValues.utf8(parser));
      }
    }
  }

  /** sparse_vector and rank_features: an object of feature name to weight. */
  private static ValueReader features(String path) {
    return (parser, decoding) ->
        switch (parser.currentToken()) {
          case VALUE_NULL -> null;
          case START_OBJECT -> weights(path, parser, decoding);
          default -> rejectShape(path, "an object of features", parser, decoding);
        };
  }

  private static Object weights(String path, JsonParser parser, Decoding decoding)
      throws IOException {
    List<Object> keys = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      JsonToken token = parser.nextToken();
      keys.add(UTF8String.fromString(key));
      if (token.isNumeric()) {
        values.add(parser.getFloatValue());
      } else {
        decoding.reject(
            path + "." + key,
            DecodeException.Kind.MISMATCH,
            "a feature weight must be a number",
            parser);
        values.add(null);
      }
    }
    return map(keys, values);
  }

  private static ArrayBasedMapData map(List<Object> keys, List<Object> values) {
    return new ArrayBasedMapData(
        new GenericArrayData(keys.toArray()), new GenericArrayData(values.toArray()));
  }

  private static Object rejectShape(
      String path, String expected, JsonParser parser, Decoding decoding) throws IOException {
    Mismatch mismatch = Leaves.notA(expected, parser);
    decoding.reject(path, DecodeException.Kind.MISMATCH, mismatch.getMessage(), parser);
    return null;
  }
}

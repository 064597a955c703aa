package io.eslake.types;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a JSON object into the slots of a struct: each known key goes to its column through that
 * column's reader; keys the struct does not hold are skipped without being parsed into values.
 */
final class StructReader {

  /** Where a key's value goes. */
  private record Slot(int ordinal, ValueReader reader) {}

  private final String path;
  private final Map<String, Slot> slots;
  private final int width;

  private StructReader(String path, Map<String, Slot> slots, int width) {
    this.path = path;
    this.slots = slots;
    this.width = width;
  }

  /** A reader for every field of the struct. */
  static StructReader forStruct(StructType struct, String parentPath) {
    return forFields(struct, parentPath, field -> true);
  }

  /** A reader for the fields of a row that the filter accepts; other columns are left alone. */
  static StructReader forFields(
      StructType struct, String parentPath, java.util.function.Predicate<StructField> include) {
    Map<String, Slot> slots = new HashMap<>();
    StructField[] fields = struct.fields();
    for (int i = 0; i < fields.length; i++) {
      StructField field = fields[i];
      if (!include.test(field)) {
        continue;
      }
      String path = parentPath.isEmpty() ? field.name() : parentPath + "." + field.name();
      slots.put(field.name(), new Slot(i, ValueReaders.forField(field, path)));
    }
    return new StructReader(parentPath, slots, fields.length);
  }

  /** Reads an object into a new row of this struct's width. */
  Object read(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw new DecodeException(
          path, null, "the value '" + parser.getText() + "' is not an object", null);
    }
    Object[] values = new Object[width];
    readInto(parser, values);
    return new GenericInternalRow(values);
  }

  /** Reads an object's known keys into the given slots; the parser stands on START_OBJECT. */
  void readInto(JsonParser parser, Object[] values) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      Slot slot = slots.get(parser.currentName());
      parser.nextToken();
      if (slot == null) {
        parser.skipChildren();
      } else {
        values[slot.ordinal] = slot.reader.read(parser);
      }
    }
  }
}

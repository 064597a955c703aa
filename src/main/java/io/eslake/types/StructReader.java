package io.eslake.types;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Reads a JSON object into the slots of a struct: each known key goes to its column through that
 * column's reader; keys no column reads are kept as {@link Decoding#keepChild} says.
 *
 * <p>Keys with dots land where the object they spell would: {@code {"a.b": 1}} fills the same
 * column as {@code {"a": {"b": 1}}}, merging with the rest of {@code a}. For fields mapped under
 * {@code subobjects: false}, whose names hold dots, an object in {@code _source} is read as those
 * dotted names.
 *
 * <p>A dotted key into a column of objects ({@code nested}, or an object field read as an array),
 * such as {@code {"comments.author": "x"}}, is one more element of that column holding that one
 * key, {@code [{author: "x"}]}: Elasticsearch indexes each such key as a nested document of its
 * own, after the elements before it in {@code _source}.
 */
final class StructReader {

  /**
   * Where a key's value goes; struct is set for columns holding one object, to merge into, and
   * element for columns holding a list of objects, to add to.
   */
  private record Slot(int ordinal, ValueReader reader, StructReader struct, StructReader element) {}

  private final String path;
  private final Map<String, Slot> slots;
  private final Set<String> dottedPrefixes;
  private final int width;
  private final int[] defaultOrdinals;
  private final Object[] defaults;

  private StructReader(
      String path, Map<String, Slot> slots, int width, int[] defaultOrdinals, Object[] defaults) {
    this.path = path;
    this.slots = slots;
    this.width = width;
    this.defaultOrdinals = defaultOrdinals;
    this.defaults = defaults;
    this.dottedPrefixes = dottedPrefixes(slots.keySet());
  }

  /** A reader for every field of the struct, an object at the given path. */
  static StructReader forStruct(StructType struct, String path) {
    return forFields(struct, path, field -> true);
  }

  /** A reader for the fields of a row that the filter accepts; other columns are left alone. */
  static StructReader forFields(StructType struct, String path, Predicate<StructField> include) {
    Map<String, Slot> slots = new HashMap<>();
    List<Integer> defaultOrdinals = new ArrayList<>();
    List<Object> defaults = new ArrayList<>();
    StructField[] fields = struct.fields();
    for (int i = 0; i < fields.length; i++) {
      StructField field = fields[i];
      if (!include.test(field)) {
        continue;
      }
      String key = FieldMetadata.sourceName(field);
      String fieldPath = path.isEmpty() ? key : path + "." + key;
      ValueReader reader = ValueReaders.forField(field, fieldPath);
      slots.put(key, new Slot(i, reader, single(field, fieldPath), elements(field, fieldPath)));
      String constant = FieldMetadata.text(field, FieldMetadata.VALUE, null);
      if (constant != null) {
        defaultOrdinals.add(i);
        defaults.add(UTF8String.fromString(constant));
      }
    }
    return new StructReader(
        path,
        slots,
        fields.length,
        defaultOrdinals.stream().mapToInt(Integer::intValue).toArray(),
        defaults.toArray());
  }

  int width() {
    return width;
  }

  /** Reads an object into a new row of this struct's width; the parser stands on its start. */
  GenericInternalRow read(JsonParser parser, Decoding decoding) throws IOException {
    Object[] values = new Object[width];
    readInto(parser, values, decoding);
    return new GenericInternalRow(values);
  }

  /** Reads an object's keys into the given slots; the parser stands on START_OBJECT. */
  void readInto(JsonParser parser, Object[] values, Decoding decoding) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      parser.nextToken();
      readKey(key, parser, values, decoding);
    }
    fillDefaults(values);
  }

  /** Fills the columns a mapping gives a constant value (constant_keyword) that are still null. */
  void fillDefaults(Object[] values) {
    for (int i = 0; i < defaultOrdinals.length; i++) {
      if (values[defaultOrdinals[i]] == null) {
        values[defaultOrdinals[i]] = defaults[i];
      }
    }
  }

  private void readKey(String key, JsonParser parser, Object[] values, Decoding decoding)
      throws IOException {
    Slot slot = slots.get(key);
    boolean object = parser.currentToken() == JsonToken.START_OBJECT;
    if (slot != null && slot.struct != null && object && values[slot.ordinal] != null) {
      slot.struct.readInto(parser, ((GenericInternalRow) values[slot.ordinal]).values(), decoding);
    } else if (object && (slot == null || slot.struct == null) && dottedPrefixes.contains(key)) {
      readFlattened(key, parser, values, decoding);
    } else if (slot != null && values[slot.ordinal] != null) {
      readAgain(slot, key, parser, values, decoding);
    } else if (slot != null) {
      values[slot.ordinal] = slot.reader.read(parser, decoding);
    } else if (key.indexOf('.') < 0 || !readDotted(key, parser, values, decoding)) {
      decoding.keepChild(path, key, parser);
    }
  }

  /**
   * A second value for a column this document already filled: one field given twice, as a dotted
   * key and inside an object ({@code {"a": {"c": 2}, "a.c": 3}}), which Elasticsearch indexes as
   * two values. A list column takes both, in {@code _source} order; a column of one value keeps the
   * first, and the second is several values in that column: kept in the rescue column, or failing
   * the read when asked to.
   */
  private void readAgain(
      Slot slot, String key, JsonParser parser, Object[] values, Decoding decoding)
      throws IOException {
    if (values[slot.ordinal] instanceof GenericArrayData) {
      // A list column (of objects, too) reads every value as a list, or null.
      values[slot.ordinal] = concat(values[slot.ordinal], slot.reader.read(parser, decoding));
      return;
    }
    String fieldPath = path.isEmpty() ? key : path + "." + key;
    decoding.sawArray(fieldPath);
    decoding.reject(
        fieldPath,
        DecodeException.Kind.SEVERAL_VALUES,
        "the document gives it a second value (the field is written both as a dotted key and"
            + " inside an object) but its column holds one",
        parser);
  }

  /** Reads an object's keys as the dotted names of fields mapped with subobjects: false. */
  private void readFlattened(String prefix, JsonParser parser, Object[] values, Decoding decoding)
      throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = prefix + "." + parser.currentName();
      parser.nextToken();
      readKey(key, parser, values, decoding);
    }
  }

  /**
   * Reads a dotted key into the object column its first parts name, creating or merging that
   * column's row.
   *
   * @return false when no object column matches the key
   */
  private boolean readDotted(String key, JsonParser parser, Object[] values, Decoding decoding)
      throws IOException {
    for (int dot = key.indexOf('.'); dot > 0; dot = key.indexOf('.', dot + 1)) {
      Slot slot = slots.get(key.substring(0, dot));
      if (slot != null && slot.element != null) {
        addElement(slot, key.substring(dot + 1), parser, values, decoding);
        return true;
      }
      if (slot == null || slot.struct == null) {
        continue;
      }
      if (values[slot.ordinal] == null) {
        values[slot.ordinal] = new GenericInternalRow(new Object[slot.struct.width]);
      }
      Object[] inner = ((GenericInternalRow) values[slot.ordinal]).values();
      slot.struct.readKey(key.substring(dot + 1), parser, inner, decoding);
      slot.struct.fillDefaults(inner);
      return true;
    }
    return false;
  }

  /**
   * Adds to a column of objects one element that holds the rest of a dotted key, after the elements
   * it holds; a value that does not fit is kept under that element's position.
   */
  private static void addElement(
      Slot slot, String rest, JsonParser parser, Object[] values, Decoding decoding)
      throws IOException {
    StructReader element = slot.element;
    ArrayData before = (ArrayData) values[slot.ordinal];
    Object[] inner = new Object[element.width];
    decoding.enterArray(element.path);
    try {
      decoding.at(before == null ? 0 : before.numElements());
      element.readKey(rest, parser, inner, decoding);
    } finally {
      decoding.exitArray();
    }
    element.fillDefaults(inner);
    values[slot.ordinal] =
        concat(before, new GenericArrayData(new Object[] {new GenericInternalRow(inner)}));
  }

  /** The elements of two lists, either of which may be null, in order. */
  private static Object concat(Object first, Object second) {
    if (first == null || second == null) {
      return first == null ? second : first;
    }
    Object[] head = ((GenericArrayData) first).array();
    Object[] tail = ((GenericArrayData) second).array();
    Object[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return new GenericArrayData(all);
  }

  /** The struct reader of the elements of a column that holds a list of objects, else null. */
  private static StructReader elements(StructField field, String fieldPath) {
    boolean objects =
        FieldMetadata.type(field).equals("nested") || FieldMetadata.type(field).equals("object");
    if (objects
        && field.dataType() instanceof ArrayType array
        && array.elementType() instanceof StructType struct) {
      return forStruct(struct, fieldPath);
    }
    return null;
  }

  /** The struct reader of a column that holds one plain object, else null. */
  private static StructReader single(StructField field, String fieldPath) {
    String esType = FieldMetadata.type(field);
    boolean plainObject = esType.equals("object") || esType.equals("passthrough");
    if (plainObject && field.dataType() instanceof StructType struct) {
      return forStruct(struct, fieldPath);
    }
    return null;
  }

  private static Set<String> dottedPrefixes(Set<String> keys) {
    Set<String> prefixes = new HashSet<>();
    for (String key : keys) {
      for (int dot = key.indexOf('.'); dot > 0; dot = key.indexOf('.', dot + 1)) {
        prefixes.add(key.substring(0, dot));
      }
    }
    return Set.copyOf(prefixes);
  }
}

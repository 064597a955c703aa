package io.eslake.types;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eslake.client.ResponseLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Decodes fixture documents with the real decoder and turns the rows into plain Java values for
 * assertions: maps of column name to value for structs, lists for arrays, maps for maps, strings,
 * boxed numbers, BigDecimal for decimals, byte[] for binary, and timestamps as microseconds since
 * the epoch.
 */
public final class DecodedRows {

  /** The parser limits of the cluster's responses, as the read has them. */
  private static final JsonFactory JSON = ResponseLimits.jsonFactory();

  private DecodedRows() {}

  static StructType schemaOf(String mappingJson) {
    try {
      IndexMapping mapping = IndexMapping.parse(new ObjectMapper().readTree(mappingJson));
      return SchemaConverter.toSchema(mapping, (path, type) -> {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes one document with the given id and source against a schema, keeping mismatches. */
  static Map<String, Object> decode(StructType schema, String id, String sourceJson) {
    return decode(RowDecoder.forSchema(schema), schema, id, sourceJson);
  }

  /** Decodes one document with a given decoder of the schema. */
  public static Map<String, Object> decode(
      RowDecoder decoder, StructType schema, String id, String sourceJson) {
    decoder.startRow();
    try (JsonParser idParser = JSON.createParser("\"" + id + "\"");
        JsonParser source = JSON.createParser(sourceJson)) {
      idParser.nextToken();
      decoder.readId(idParser);
      source.nextToken();
      decoder.readSource(source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return toJava(decoder.row(), schema);
  }

  static Map<String, Object> toJava(InternalRow row, StructType schema) {
    Map<String, Object> values = new LinkedHashMap<>();
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      Object value = row.isNullAt(i) ? null : row.get(i, fields[i].dataType());
      values.put(fields[i].name(), toJava(value, fields[i].dataType()));
    }
    return values;
  }

  private static Object toJava(Object value, DataType type) {
    if (value == null) {
      return null;
    }
    if (value instanceof UTF8String text) {
      return text.toString();
    }
    if (value instanceof Decimal decimal) {
      return decimal.toJavaBigDecimal();
    }
    if (type instanceof StructType struct) {
      return toJava((InternalRow) value, struct);
    }
    if (type instanceof ArrayType array) {
      return list((ArrayData) value, array.elementType());
    }
    if (type instanceof MapType map) {
      MapData data = (MapData) value;
      List<Object> keys = list(data.keyArray(), map.keyType());
      List<Object> values = list(data.valueArray(), map.valueType());
      Map<Object, Object> entries = new LinkedHashMap<>();
      for (int i = 0; i < keys.size(); i++) {
        entries.put(keys.get(i), values.get(i));
      }
      return entries;
    }
    return value;
  }

  private static List<Object> list(ArrayData data, DataType elementType) {
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < data.numElements(); i++) {
      items.add(data.isNullAt(i) ? null : toJava(data.get(i, elementType), elementType));
    }
    return items;
  }
}

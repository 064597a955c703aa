package io.eslake.types;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Turns search hits into rows of a read schema, straight from the response's JSON stream. One
 * decoder serves one partition reader on an executor: build it when the partition opens, then for
 * each hit call {@link #startRow()}, feed the hit's parts, and take {@link #row()}.
 *
 * <p>The returned row is reused for the next hit; Spark copies what it keeps.
 */
public final class RowDecoder {

  private final Object[] values;
  private final GenericInternalRow row;
  private final int idOrdinal;
  private final StructReader source;
  private String currentId;

  private RowDecoder(StructType schema) {
    this.values = new Object[schema.size()];
    this.row = new GenericInternalRow(values);
    this.idOrdinal = indexOf(schema, SchemaConverter.ID_COLUMN);
    this.source = StructReader.forFields(schema, "", RowDecoder::isSourceField);
  }

  /** A decoder for the given read schema, which may be any pruning of a table schema. */
  public static RowDecoder forSchema(StructType schema) {
    return new RowDecoder(schema);
  }

  /** Whether the read schema needs the documents' {@code _source} at all. */
  public static boolean needsSource(StructType schema) {
    return Arrays.stream(schema.fields()).anyMatch(RowDecoder::isSourceField);
  }

  /** Clears the row for the next hit. */
  public void startRow() {
    Arrays.fill(values, null);
    currentId = null;
  }

  /** Reads the hit's {@code _id}; the parser stands on its string value. */
  public void readId(JsonParser parser) throws IOException {
    currentId = parser.getText();
    if (idOrdinal >= 0) {
      values[idOrdinal] = UTF8String.fromString(currentId);
    }
  }

  /**
   * Reads the hit's {@code _source} object into the row.
   *
   * @throws DecodeException naming the field and document when a value cannot fit its column
   */
  public void readSource(JsonParser parser) throws IOException {
    try {
      source.readInto(parser, values);
    } catch (DecodeException e) {
      throw e.withDocumentId(currentId);
    }
  }

  /** The row of the current hit. */
  public InternalRow row() {
    return row;
  }

  private static boolean isSourceField(StructField field) {
    return !field.name().equals(SchemaConverter.ID_COLUMN);
  }

  private static int indexOf(StructType schema, String name) {
    String[] names = schema.fieldNames();
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }
}

package io.eslake.types;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
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
 * <p>A value that cannot fit its column leaves the column null and goes to the rescue column {@code
 * _rescued} (a JSON object of path to original value), as do fields the mapping lacks; or, when the
 * decoder is asked to fail on such values, it throws a {@link DecodeException}. When the read
 * schema holds the rescue column it must hold every column of the table, since a key without a
 * column counts as a field the mapping lacks.
 *
 * <p>The returned row is reused for the next hit; Spark copies what it keeps.
 */
public final class RowDecoder {

  private final Object[] values;
  private final GenericInternalRow row;
  private final int idOrdinal;
  private final int indexOrdinal;
  private final int rescueOrdinal;
  private final StructReader source;
  private final Decoding decoding;
  private UTF8String currentId;

  private RowDecoder(StructType schema, Decoding decoding) {
    this.values = new Object[schema.size()];
    this.row = new GenericInternalRow(values);
    this.idOrdinal = indexOf(schema, field -> field.name().equals(SchemaConverter.ID_COLUMN));
    this.indexOrdinal =
        indexOf(
            schema, field -> field.name().equals(SchemaConverter.INDEX_COLUMN) && isIdField(field));
    this.rescueOrdinal = indexOf(schema, FieldMetadata::isRescue);
    this.source = StructReader.forFields(schema, "", RowDecoder::isSourceField);
    this.decoding = decoding;
  }

  /** A decoder for the given read schema that keeps values which do not fit. */
  public static RowDecoder forSchema(StructType schema) {
    return forSchema(schema, false);
  }

  /**
   * A decoder for the given read schema, which may be any pruning of a table schema.
   *
   * @param failOnMismatch throw a {@link DecodeException} for a value that cannot fit its column,
   *     instead of keeping it in the rescue column
   */
  public static RowDecoder forSchema(StructType schema, boolean failOnMismatch) {
    boolean rescue = indexOf(schema, FieldMetadata::isRescue) >= 0;
    return new RowDecoder(schema, Decoding.forRead(failOnMismatch, rescue));
  }

  /** A decoder that only records the paths of fields seen holding lists of values. */
  static RowDecoder forSampling(StructType schema, Set<String> arraysSeen) {
    return new RowDecoder(schema, Decoding.forSampling(arraysSeen));
  }

  /** Whether the read schema needs the documents' {@code _source} at all. */
  public static boolean needsSource(StructType schema) {
    return Arrays.stream(schema.fields()).anyMatch(field -> !isIdField(field));
  }

  /** Whether the current row keeps a value in the rescue column. */
  public boolean rescued() {
    return rescueOrdinal >= 0 && values[rescueOrdinal] != null;
  }

  /** Clears the row for the next hit. */
  public void startRow() {
    Arrays.fill(values, null);
    currentId = null;
  }

  /** Reads the hit's {@code _id}; the parser stands on its string value. */
  public void readId(JsonParser parser) throws IOException {
    currentId = JsonValues.utf8(parser);
    if (idOrdinal >= 0) {
      values[idOrdinal] = currentId;
    }
  }

  /** Reads the hit's {@code _index}; the parser stands on its string value. */
  public void readIndex(JsonParser parser) throws IOException {
    if (indexOrdinal >= 0) {
      values[indexOrdinal] = JsonValues.utf8(parser);
    }
  }

  /**
   * Reads the hit's {@code _source} object into the row.
   *
   * @throws DecodeException naming the field and document when a value cannot fit its column and
   *     the decoder fails on such values
   */
  public void readSource(JsonParser parser) throws IOException {
    decoding.startDocument();
    JsonStreamContext root = parser.getParsingContext();
    try {
      source.readInto(parser, values, decoding);
    } catch (DecodeException e) {
      throw e.withDocumentId(currentId == null ? null : currentId.toString());
    } catch (StreamConstraintsException e) {
      String id = currentId == null ? null : currentId.toString();
      throw SourceLimits.exceeded(e, parser, root).withDocumentId(id);
    }
    if (rescueOrdinal >= 0) {
      values[rescueOrdinal] = decoding.rescued();
    }
  }

  /** The row of the current hit. */
  public InternalRow row() {
    return row;
  }

  private static boolean isSourceField(StructField field) {
    return !isIdField(field) && !FieldMetadata.isRescue(field);
  }

  /** Whether a column comes from the hit's metadata ({@code _id}, {@code _index}). */
  private static boolean isIdField(StructField field) {
    return field.name().equals(SchemaConverter.ID_COLUMN) || SchemaConverter.isHitMetadata(field);
  }

  private static int indexOf(StructType schema, java.util.function.Predicate<StructField> test) {
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      if (test.test(fields[i])) {
        return i;
      }
    }
    return -1;
  }
}

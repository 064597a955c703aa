package io.eslake.types;

import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;

/**
 * The Elasticsearch facts a column carries in its Spark metadata, so that a (pruned) read schema
 * alone tells the decoder how to read each value.
 */
public final class FieldMetadata {

  /** The Elasticsearch type of the field, e.g. "keyword" or "date". */
  public static final String TYPE = "es.type";

  /** The field's date format from the mapping, when it has one. */
  public static final String FORMAT = "es.format";

  /** The field's path in {@code _source}, when it differs from the column name. */
  public static final String PATH = "es.path";

  private FieldMetadata() {}

  static Metadata of(MappedField field) {
    MetadataBuilder builder = new MetadataBuilder().putString(TYPE, field.type());
    String format = field.parameter("format");
    if (format != null) {
      builder.putString(FORMAT, format);
    }
    return builder.build();
  }

  /** The Elasticsearch type recorded on a column, or "" for columns that are not fields. */
  public static String type(StructField field) {
    return field.metadata().contains(TYPE) ? field.metadata().getString(TYPE) : "";
  }

  /** The date format recorded on a column, or null. */
  public static String format(StructField field) {
    return field.metadata().contains(FORMAT) ? field.metadata().getString(FORMAT) : null;
  }
}

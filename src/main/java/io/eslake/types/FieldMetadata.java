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

  /** The locale a date field's format reads month and day names in, when its mapping names one. */
  public static final String LOCALE = "es.locale";

  /** The field's key in {@code _source}, when it differs from the column name. */
  public static final String SOURCE_NAME = "es.name";

  /** The value a {@code constant_keyword} mapping declares, used when a document omits it. */
  public static final String VALUE = "es.value";

  /** Set on string columns that hold their value as JSON text. */
  public static final String JSON = "es.json";

  /** The {@code element_type} of a {@code dense_vector} field. */
  public static final String ELEMENT_TYPE = "es.element_type";

  /**
   * Set to false on columns whose indexed terms may differ from their {@code _source} value (an
   * {@code ignore_above}, {@code normalizer} or {@code null_value}, {@code index: false}, {@code
   * coerce: false}), so a query on the index would not select exactly the rows a filter on the
   * column would.
   */
  public static final String SEARCH_EXACT = "es.search_exact";

  /**
   * Set to false on columns mapped with {@code doc_values: false}, which the cluster cannot
   * aggregate on.
   */
  public static final String AGGREGATABLE = "es.aggregatable";

  /**
   * Set to false on point columns mapped with {@code ignore_z_value: false}, whose cluster refuses
   * (or ignores, under {@code ignore_malformed}) a point with a third coordinate.
   */
  public static final String Z_ALLOWED = "es.z_allowed";

  /**
   * Set to false on number columns mapped with {@code coerce: false}, whose cluster refuses (or
   * ignores, under {@code ignore_malformed}) a number given as a string and, for whole-number
   * types, a number with a fraction.
   */
  public static final String COERCE = "es.coerce";

  /** The type recorded on the rescue column. */
  static final String RESCUE_TYPE = "_rescued";

  private FieldMetadata() {}

  static Metadata of(MappedField field) {
    MetadataBuilder builder = new MetadataBuilder().putString(TYPE, field.type());
    putIfPresent(builder, FORMAT, field.parameter("format"));
    putIfPresent(builder, LOCALE, field.parameter("locale"));
    putIfPresent(builder, ELEMENT_TYPE, field.parameter("element_type"));
    if (field.type().equals("constant_keyword")) {
      putIfPresent(builder, VALUE, field.parameter("value"));
    }
    if (!searchExact(field)) {
      builder.putBoolean(SEARCH_EXACT, false);
    }
    if ("false".equals(field.parameter("doc_values"))) {
      builder.putBoolean(AGGREGATABLE, false);
    }
    if ("false".equals(field.parameter("ignore_z_value"))) {
      builder.putBoolean(Z_ALLOWED, false);
    }
    if ("false".equals(field.parameter("coerce"))) {
      builder.putBoolean(COERCE, false);
    }
    return builder.build();
  }

  /** Metadata for a part of a compound value, such as the bounds of a range. */
  static Metadata ofPart(String esType, String format) {
    MetadataBuilder builder = new MetadataBuilder().putString(TYPE, esType);
    putIfPresent(builder, FORMAT, format);
    return builder.build();
  }

  /** The Elasticsearch type recorded on a column, or "" for columns that are not fields. */
  public static String type(StructField field) {
    return text(field, TYPE, "");
  }

  /** The date format recorded on a column, or null. */
  public static String format(StructField field) {
    return text(field, FORMAT, null);
  }

  /** The locale recorded on a date column, or null for the default. */
  public static String locale(StructField field) {
    return text(field, LOCALE, null);
  }

  /** Whether a number column takes strings and cuts fractions, as Elasticsearch does by default. */
  public static boolean coerces(StructField field) {
    return !field.metadata().contains(COERCE) || field.metadata().getBoolean(COERCE);
  }

  /** The key of a column's value in its {@code _source} object. */
  public static String sourceName(StructField field) {
    return text(field, SOURCE_NAME, field.name());
  }

  /** Whether a column holds its values as JSON text. */
  public static boolean isJson(StructField field) {
    return field.metadata().contains(JSON) && field.metadata().getBoolean(JSON);
  }

  /** Whether a query on the index selects a column's values exactly as they are in the source. */
  public static boolean isSearchExact(StructField field) {
    return !field.metadata().contains(SEARCH_EXACT) || field.metadata().getBoolean(SEARCH_EXACT);
  }

  /** Whether the cluster keeps doc values for a column, which aggregations read. */
  public static boolean isAggregatable(StructField field) {
    return !field.metadata().contains(AGGREGATABLE) || field.metadata().getBoolean(AGGREGATABLE);
  }

  /** Whether a point column's field takes a third coordinate (and ignores it), the default. */
  public static boolean allowsZ(StructField field) {
    return !field.metadata().contains(Z_ALLOWED) || field.metadata().getBoolean(Z_ALLOWED);
  }

  private static boolean searchExact(MappedField field) {
    return field.parameter("ignore_above") == null
        && field.parameter("normalizer") == null
        && field.parameter("null_value") == null
        && !"false".equals(field.parameter("index"))
        && !"false".equals(field.parameter("coerce"));
  }

  /** Whether a column is the rescue column, which holds the values no other column could. */
  public static boolean isRescue(StructField field) {
    return type(field).equals(RESCUE_TYPE);
  }

  static String text(StructField field, String key, String absent) {
    return field.metadata().contains(key) ? field.metadata().getString(key) : absent;
  }

  private static void putIfPresent(MetadataBuilder builder, String key, String value) {
    if (value != null) {
      builder.putString(key, value);
    }
  }
}

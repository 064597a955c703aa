package io.eslake.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eslake.types.DateParser;
import io.eslake.types.FieldMetadata;
import io.eslake.types.SchemaConverter;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Literal;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Turns Spark predicates into Elasticsearch queries, on the driver while a scan is planned. A
 * predicate is translated only when the cluster's answer agrees with Spark's on every row whose
 * columns hold a value: a column whose indexed terms are its source values (keyword without
 * ignore_above or normalizer, whole numbers, double, float, boolean, {@code _id}), compared with a
 * literal of the column's own type; and dates compared with timestamps, see {@link #dateRange}.
 * Text, arrays and objects inside arrays stay with Spark.
 *
 * <p>Spark keeps a row only where its condition is true, not where it is null: {@code kw <> 'a'}
 * and {@code NOT (kw = 'a')} are null, not true, for a row without {@code kw}. So each condition
 * has two queries, of the documents it is true for and of those it is false for (a comparison is
 * false only where its column holds a value), and NOT of a condition sends the second.
 *
 * <p>Where a column is null in Spark its document may still hold values the cluster indexed (an
 * array of different values in a single-valued column, kept in the rescue column), so the cluster
 * may select more documents than Spark would; see {@link #translate}. A null column means a missing
 * value when a value that cannot fit fails the read, or when the cluster was asked (see {@link
 * AggregateProbe#oneValueColumns}) and no document holds several values in the column.
 */
final class FilterTranslator {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Set<String> TERM_TYPES =
      Set.of(
          "keyword",
          "constant_keyword",
          "long",
          "integer",
          "short",
          "byte",
          "double",
          "float",
          "boolean");

  private static final long MICROS_PER_MILLI = 1_000L;
  private static final long MICROS_PER_SECOND = 1_000_000L;

  private final StructType schema;
  private final boolean nullsAreMissing;
  private final Set<String> oneValueColumns;

  /** Whether the predicate last translated holds a condition the cluster answers only roughly. */
  private boolean rough;

  /** Whether the predicate last translated names a column that can be null over a value. */
  private boolean unsure;

  /**
   * @param schema the table schema the predicates name columns of
   * @param nullsAreMissing whether a null column always means the document has no value for it, as
   *     when a value that cannot fit its column fails the read instead of being rescued
   */
  FilterTranslator(StructType schema, boolean nullsAreMissing) {
    this(schema, nullsAreMissing, Set.of());
  }

  /**
   * @param oneValueColumns the paths of the columns known to hold at most one value in every
   *     document, whose null therefore means a missing value whatever {@code nullsAreMissing} says
   */
  FilterTranslator(StructType schema, boolean nullsAreMissing, Set<String> oneValueColumns) {
    this.schema = schema;
    this.nullsAreMissing = nullsAreMissing;
    this.oneValueColumns = oneValueColumns;
  }

  /**
   * The query for a predicate, or empty when it cannot be asked of the cluster. The query selects
   * every row the predicate is true for; it selects no other row when {@link #exact} says so.
   */
  Optional<ObjectNode> translate(Predicate predicate) {
    rough = false;
    unsure = false;
    return Optional.ofNullable(whenTrue(predicate));
  }

  /**
   * Whether the cluster selects exactly the rows the predicate last translated is true for, so that
   * Spark need not evaluate it again: only when no column it names can be null while its document
   * holds a value, and no condition is on a {@code date} field, which the index holds to the
   * millisecond while the column holds microseconds.
   */
  boolean exact() {
    return !rough && !unsure;
  }

  /**
   * The paths of the columns a predicate names that a query can name and whose values the cluster
   * can count, whether or not the predicate can be sent: those {@link
   * AggregateProbe#oneValueColumns} may check.
   */
  Set<String> columns(Predicate predicate) {
    Set<String> paths = new LinkedHashSet<>();
    addColumns(predicate, paths);
    return paths;
  }

  private void addColumns(Expression expression, Set<String> paths) {
    if (expression instanceof NamedReference) {
      Column column = column(expression);
      if (column != null && !column.id() && column.countable()) {
        paths.add(column.path());
      }
    }
    for (Expression child : expression.children()) {
      addColumns(child, paths);
    }
  }

  /** The queries as one, for the request and for EXPLAIN. */
  static ObjectNode all(List<ObjectNode> queries) {
    if (queries.size() == 1) {
      return queries.get(0);
    }
    ObjectNode bool = NODES.objectNode();
    ArrayNode filter = bool.putObject("bool").putArray("filter");
    queries.forEach(filter::add);
    return bool;
  }

  static String text(ObjectNode query) {
    try {
      return JSON.writeValueAsString(query);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The query of the documents a predicate is true for, or null when it cannot be sent. */
  private ObjectNode whenTrue(Predicate predicate) {
    Expression[] children = predicate.children();
    return switch (predicate.name()) {
      case "AND" -> bool("filter", children, true);
      case "OR" -> bool("should", children, true);
      case "NOT" -> children[0] instanceof Predicate inner ? whenFalse(inner) : null;
      case "ALWAYS_TRUE" -> NODES.objectNode().set("match_all", NODES.objectNode());
      case "ALWAYS_FALSE" -> NODES.objectNode().set("match_none", NODES.objectNode());
      case "IS_NOT_NULL" -> exists(children[0]);
      case "IS_NULL" -> missing(children[0]);
      case "=", "<>", "<", "<=", ">", ">=" -> comparison(predicate.name(), children);
      case "IN" -> in(children);
      case "STARTS_WITH" -> prefix(children);
      default -> null;
    };
  }

  /**
   * The query of the documents a predicate is false for (not null), or null when it cannot be sent:
   * a comparison is false where its column holds a value that does not satisfy it. A rough query
   * selects more than the predicate is true for, so its opposite would select too few; it is not
   * sent.
   */
  private ObjectNode whenFalse(Predicate predicate) {
    Expression[] children = predicate.children();
    return switch (predicate.name()) {
      case "AND" -> bool("should", children, false);
      case "OR" -> bool("filter", children, false);
      case "NOT" -> children[0] instanceof Predicate inner ? whenTrue(inner) : null;
      case "ALWAYS_TRUE" -> NODES.objectNode().set("match_none", NODES.objectNode());
      case "ALWAYS_FALSE" -> NODES.objectNode().set("match_all", NODES.objectNode());
      case "IS_NOT_NULL" -> missing(children[0]);
      case "IS_NULL" -> exists(children[0]);
      case "=", "<>", "<", "<=", ">", ">=", "IN", "STARTS_WITH" -> notSatisfied(predicate);
      default -> null;
    };
  }

  /** The documents whose column holds a value that does not satisfy a comparison. */
  private ObjectNode notSatisfied(Predicate comparison) {
    boolean roughBefore = rough;
    rough = false;
    ObjectNode satisfied = whenTrue(comparison);
    boolean roughComparison = rough;
    rough = roughBefore;
    Column column = subject(comparison);
    if (satisfied == null || roughComparison || column == null) {
      return null;
    }
    return column.id() ? notQuery(satisfied) : valueBut(column, satisfied);
  }

  /** The column a comparison, IN or prefix compares, whichever side it is on. */
  private Column subject(Predicate comparison) {
    for (Expression child : comparison.children()) {
      if (child instanceof NamedReference) {
        return column(child);
      }
    }
    return null;
  }

  /** Documents whose column holds a value that the query does not select. */
  private static ObjectNode valueBut(Column column, ObjectNode query) {
    ObjectNode result = NODES.objectNode();
    ObjectNode bool = result.putObject("bool");
    bool.putArray("filter").addObject().putObject("exists").put("field", column.path());
    bool.putArray("must_not").add(query);
    return result;
  }

  /**
   * The children's queries joined: each child's true query, or each child's false query.
   *
   * @param whenTrue whether the children's true queries are joined
   */
  private ObjectNode bool(String occurrence, Expression[] children, boolean whenTrue) {
    ObjectNode result = NODES.objectNode();
    ObjectNode bool = result.putObject("bool");
    ArrayNode clauses = bool.putArray(occurrence);
    for (Expression child : children) {
      ObjectNode query = null;
      if (child instanceof Predicate p) {
        query = whenTrue ? whenTrue(p) : whenFalse(p);
      }
      if (query == null) {
        return null;
      }
      clauses.add(query);
    }
    if (occurrence.equals("should")) {
      bool.put("minimum_should_match", 1);
    }
    return result;
  }

  private static ObjectNode notQuery(ObjectNode query) {
    if (query == null) {
      return null;
    }
    ObjectNode result = NODES.objectNode();
    result.putObject("bool").putArray("must_not").add(query);
    return result;
  }

  private ObjectNode exists(Expression expression) {
    Column column = column(expression);
    if (column == null || column.id()) {
      return null;
    }
    ObjectNode result = NODES.objectNode();
    result.putObject("exists").put("field", column.path());
    return result;
  }

  /**
   * The documents without a value in a column, when its null means a missing value; otherwise the
   * cluster would leave out documents whose null column hides values, which Spark keeps.
   */
  private ObjectNode missing(Expression expression) {
    Column column = column(expression);
    if (column == null || column.id() || !nullMeansMissing(column.path())) {
      return null;
    }
    return notQuery(exists(expression));
  }

  private boolean nullMeansMissing(String path) {
    return nullsAreMissing || oneValueColumns.contains(path);
  }

  private ObjectNode comparison(String operator, Expression[] children) {
    boolean flipped = children[0] instanceof Literal<?>;
    Column column = column(flipped ? children[1] : children[0]);
    Expression other = flipped ? children[0] : children[1];
    if (column == null || !(other instanceof Literal<?> literal)) {
      return null;
    }
    Object value = value(literal, column.type());
    if (value == null) {
      return null;
    }
    if (column.date()) {
      String dateOperator = flipped ? flip(operator) : operator;
      return operator.equals("<>") ? null : dateRange(column, dateOperator, (Long) value);
    }
    if (operator.equals("=")) {
      return term(column, value);
    }
    if (operator.equals("<>")) {
      return column.id() ? notQuery(term(column, value)) : valueBut(column, term(column, value));
    }
    if (column.id() || column.type().equals(DataTypes.BooleanType)) {
      return null;
    }
    String bound =
        switch (flipped ? flip(operator) : operator) {
          case "<" -> "lt";
          case "<=" -> "lte";
          case ">" -> "gt";
          default -> "gte";
        };
    ObjectNode result = NODES.objectNode();
    result.putObject("range").putObject(column.path()).putPOJO(bound, value);
    return result;
  }

  private static String flip(String operator) {
    return switch (operator) {
      case "<" -> ">";
      case "<=" -> ">=";
      case ">" -> "<";
      case ">=" -> "<=";
      default -> operator;
    };
  }

  /**
   * A comparison of a date column with a timestamp literal (microseconds since the epoch, an
   * instant whatever the session time zone) as a range with an explicit format. A {@code
   * date_nanos} field holds every digit the column holds, so its range is exact. A {@code date}
   * field holds each value cut to the millisecond, so its range is widened to whole milliseconds:
   * it selects every document the comparison keeps, and Spark evaluates the comparison again.
   */
  private ObjectNode dateRange(Column column, String operator, long micros) {
    ObjectNode result = NODES.objectNode();
    ObjectNode range = result.putObject("range").putObject(column.path());
    if (column.esType().equals("date_nanos")) {
      switch (operator) {
        case ">=" -> range.put("gte", iso(micros));
        case ">" -> range.put("gte", iso(micros + 1));
        case "<=" -> range.put("lt", iso(micros + 1));
        case "<" -> range.put("lt", iso(micros));
        default -> range.put("gte", iso(micros)).put("lt", iso(micros + 1));
      }
      range.put("format", "strict_date_optional_time_nanos");
      return result;
    }
    rough = true;
    long floor = Math.floorDiv(micros, MICROS_PER_MILLI);
    switch (operator) {
      case ">=" -> range.put("gte", floor);
      case ">" -> range.put("gte", Math.floorDiv(micros + 1, MICROS_PER_MILLI));
      case "<=" -> range.put("lte", floor);
      case "<" -> range.put("lt", -Math.floorDiv(-micros, MICROS_PER_MILLI));
      default -> range.put("gte", floor).put("lte", floor);
    }
    range.put("format", "epoch_millis");
    return result;
  }

  private static String iso(long micros) {
    long seconds = Math.floorDiv(micros, MICROS_PER_SECOND);
    long nanos = Math.floorMod(micros, MICROS_PER_SECOND) * MICROS_PER_MILLI;
    return Instant.ofEpochSecond(seconds, nanos).toString();
  }

  private ObjectNode term(Column column, Object value) {
    ObjectNode result = NODES.objectNode();
    if (column.id()) {
      result.putObject("ids").putArray("values").addPOJO(value);
    } else {
      result.putObject("term").putPOJO(column.path(), value);
    }
    return result;
  }

  private ObjectNode in(Expression[] children) {
    Column column = column(children[0]);
    if (column == null || column.date()) {
      return null;
    }
    ArrayNode values = NODES.arrayNode();
    for (int i = 1; i < children.length; i++) {
      Object value = children[i] instanceof Literal<?> l ? value(l, column.type()) : null;
      if (value == null) {
        return null;
      }
      values.addPOJO(value);
    }
    ObjectNode result = NODES.objectNode();
    if (column.id()) {
      result.putObject("ids").set("values", values);
    } else {
      result.putObject("terms").set(column.path(), values);
    }
    return result;
  }

  private ObjectNode prefix(Expression[] children) {
    Column column = column(children[0]);
    if (column == null || column.id() || !column.type().equals(DataTypes.StringType)) {
      return null;
    }
    Object value = children[1] instanceof Literal<?> l ? value(l, column.type()) : null;
    if (value == null) {
      return null;
    }
    ObjectNode result = NODES.objectNode();
    result.putObject("prefix").putPOJO(column.path(), value);
    return result;
  }

  /** A literal as a JSON value, when its type is the column's; null otherwise. */
  private static Object value(Literal<?> literal, DataType columnType) {
    Object value = literal.value();
    if (value == null || !literal.dataType().equals(columnType)) {
      return null;
    }
    if (value instanceof UTF8String text) {
      return text.toString();
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value;
    }
    return null;
  }

  /**
   * The column a reference names, when the cluster can answer for it: a single value of a term type
   * or a date, at the top level or inside objects that are not arrays.
   */
  private Column column(Expression expression) {
    if (expression instanceof NamedReference reference
        && reference.fieldNames().length == 1
        && reference.fieldNames()[0].equals(SchemaConverter.ID_COLUMN)) {
      return new Column("_id", DataTypes.StringType, true, "", false);
    }
    IndexColumn column = IndexColumn.resolve(schema, expression);
    if (column == null
        || !FieldMetadata.isSearchExact(column.field())
        || FieldMetadata.isJson(column.field())) {
      return null;
    }
    String esType = column.esType();
    boolean searchable =
        TERM_TYPES.contains(esType)
            ? termType(esType, column.type())
            : isDateColumn(column.field());
    if (!searchable) {
      return null;
    }
    unsure |= !nullMeansMissing(column.path());
    boolean countable = FieldMetadata.isAggregatable(column.field());
    return new Column(column.path(), column.type(), false, esType, countable);
  }

  /**
   * Whether a column is a date the cluster compares as Spark does: a single timestamp read with a
   * format that the reader and Elasticsearch parse alike.
   */
  static boolean isDateColumn(StructField field) {
    String esType = FieldMetadata.type(field);
    return (esType.equals("date") || esType.equals("date_nanos"))
        && field.dataType().equals(DataTypes.TimestampType)
        && DateParser.isIsoOrEpoch(FieldMetadata.format(field));
  }

  /** Whether the column's Spark type is the one the reader gives the Elasticsearch type. */
  static boolean termType(String esType, DataType type) {
    return switch (esType) {
      case "keyword", "constant_keyword" -> type.equals(DataTypes.StringType);
      case "boolean" -> type.equals(DataTypes.BooleanType);
      case "double" -> type.equals(DataTypes.DoubleType);
      case "float" -> type.equals(DataTypes.FloatType);
      default ->
          type.equals(DataTypes.LongType)
              || type.equals(DataTypes.IntegerType)
              || type.equals(DataTypes.ShortType)
              || type.equals(DataTypes.ByteType);
    };
  }

  /**
   * A column the cluster can answer for, by its path in the source.
   *
   * @param countable whether the cluster keeps doc values for it, so its values can be counted
   */
  private record Column(String path, DataType type, boolean id, String esType, boolean countable) {
    boolean date() {
      return esType.equals("date") || esType.equals("date_nanos");
    }
  }
}

package io.eslake.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * An aggregation the cluster answers exactly, as the requests that ask it and the rows its answers
 * become. With group columns it is one composite aggregation, paged with {@code after_key} so that
 * every group is returned, and with {@code missing_bucket} so that documents without a value form
 * the null group; without, one bucket of all selected documents. Built on the driver; run by the
 * executor that reads the scan's one partition.
 *
 * @param index the index, data stream or alias
 * @param query the pushed WHERE conditions as JSON, or null for all documents
 * @param groups the GROUP BY columns, in Spark's order
 * @param metrics the aggregate functions, in Spark's order
 * @param pageSize the groups asked per request
 */
record AggregatePlan(
    String index, String query, List<Group> groups, List<Metric> metrics, int pageSize)
    implements Serializable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MICROS_PER_MILLI = 1_000L;

  /** A GROUP BY column: its path in the index and its Spark type. */
  record Group(String path, DataType type) implements Serializable {}

  /** The aggregate functions the cluster can be asked for. */
  enum Function {
    COUNT_STAR,
    COUNT,
    MIN,
    MAX,
    SUM,
    AVG
  }

  /**
   * An aggregate function of a column.
   *
   * @param path the column's path in the index; null for COUNT(*)
   * @param columnType the column's Spark type; null for COUNT(*)
   */
  record Metric(Function function, String path, DataType columnType) implements Serializable {

    /** The type Spark gives the function's result. */
    DataType resultType() {
      return switch (function) {
        case COUNT_STAR, COUNT, SUM -> DataTypes.LongType;
        case AVG -> DataTypes.DoubleType;
        case MIN, MAX -> columnType;
      };
    }

    String describe() {
      return function == Function.COUNT_STAR ? "COUNT(*)" : function + "(" + path + ")";
    }
  }

  /** The rows' schema: the group columns, then the functions' results, as Spark expects them. */
  StructType schema() {
    StructType schema = new StructType();
    for (int i = 0; i < groups.size(); i++) {
      schema = schema.add("group_col_" + i, groups.get(i).type());
    }
    for (int i = 0; i < metrics.size(); i++) {
      schema = schema.add("agg_func_" + i, metrics.get(i).resultType());
    }
    return schema;
  }

  /** What EXPLAIN shows: the functions, and the group columns when there are any. */
  String describe() {
    String functions = metrics.stream().map(Metric::describe).collect(Collectors.joining(", "));
    if (groups.isEmpty()) {
      return functions + " by aggregation";
    }
    String columns = groups.stream().map(Group::path).collect(Collectors.joining(", "));
    return functions + " by composite aggregation on [" + columns + "]";
  }

  /**
   * The search body of one request.
   *
   * @param after the {@code after_key} of the previous page, or null for the first
   */
  String request(JsonNode after) {
    ObjectNode body = JSON.createObjectNode().put("size", 0).put("track_total_hits", false);
    if (query != null) {
      body.set("query", parse(query));
    }
    ObjectNode aggregation = body.putObject("aggs").putObject("groups");
    if (groups.isEmpty()) {
      aggregation.putObject("filter").putObject("match_all");
    } else {
      ObjectNode composite = aggregation.putObject("composite").put("size", pageSize);
      ArrayNode sources = composite.putArray("sources");
      for (int i = 0; i < groups.size(); i++) {
        ObjectNode terms = sources.addObject().putObject("g" + i).putObject("terms");
        terms.put("field", groups.get(i).path()).put("missing_bucket", true);
      }
      if (after != null) {
        composite.set("after", after);
      }
    }
    ObjectNode functions = aggregation.putObject("aggs");
    for (int i = 0; i < metrics.size(); i++) {
      addFunction(functions, i, metrics.get(i));
    }
    return body.toString();
  }

  /**
   * Adds the aggregations behind a function; a sum also counts its values, since Spark's SUM of no
   * value is null where the cluster's is 0.
   */
  private static void addFunction(ObjectNode functions, int i, Metric metric) {
    String name =
        switch (metric.function()) {
          case COUNT_STAR -> null;
          case COUNT -> "value_count";
          case MIN -> "min";
          case MAX -> "max";
          case SUM -> "sum";
          case AVG -> "avg";
        };
    if (name == null) {
      return;
    }
    functions.putObject("m" + i).putObject(name).put("field", metric.path());
    if (metric.function() == Function.SUM) {
      functions.putObject("n" + i).putObject("value_count").put("field", metric.path());
    }
  }

  /** The rows of one answer: one per group, or the one row of an aggregation without groups. */
  List<InternalRow> rows(JsonNode answer) {
    JsonNode aggregation = answer.path("aggregations").path("groups");
    List<InternalRow> rows = new ArrayList<>();
    if (groups.isEmpty()) {
      rows.add(row(aggregation, null));
      return rows;
    }
    for (JsonNode bucket : aggregation.path("buckets")) {
      rows.add(row(bucket, bucket.path("key")));
    }
    return rows;
  }

  /** The {@code after_key} to ask the next page with, or null when this answer was the last. */
  JsonNode after(JsonNode answer) {
    JsonNode aggregation = answer.path("aggregations").path("groups");
    if (groups.isEmpty() || aggregation.path("buckets").isEmpty()) {
      return null;
    }
    JsonNode after = aggregation.path("after_key");
    return after.isMissingNode() || after.isNull() ? null : after;
  }

  private InternalRow row(JsonNode bucket, JsonNode key) {
    Object[] values = new Object[groups.size() + metrics.size()];
    for (int i = 0; i < groups.size(); i++) {
      values[i] = keyValue(key.path("g" + i), groups.get(i).type());
    }
    for (int i = 0; i < metrics.size(); i++) {
      values[groups.size() + i] = result(bucket, i, metrics.get(i));
    }
    return new GenericInternalRow(values);
  }

  private static Object keyValue(JsonNode key, DataType type) {
    if (key.isNull() || key.isMissingNode()) {
      return null;
    }
    if (type.equals(DataTypes.StringType)) {
      return UTF8String.fromString(key.asText());
    }
    if (type.equals(DataTypes.BooleanType)) {
      return key.isBoolean()
          ? key.booleanValue()
          : key.isNumber() ? key.asLong() != 0 : key.asText().equals("true");
    }
    if (type.equals(DataTypes.TimestampType)) {
      return key.asLong() * MICROS_PER_MILLI;
    }
    return whole(key.asLong(), type);
  }

  private static Object result(JsonNode bucket, int i, Metric metric) {
    JsonNode value = bucket.path("m" + i).path("value");
    return switch (metric.function()) {
      case COUNT_STAR -> bucket.path("doc_count").asLong();
      case COUNT -> value.asLong();
      case SUM -> bucket.path("n" + i).path("value").asLong() == 0 ? null : (long) value.asDouble();
      case AVG -> value.isNumber() ? value.asDouble() : null;
      case MIN, MAX -> value.isNumber() ? number(value.asDouble(), metric.columnType()) : null;
    };
  }

  /** A MIN or MAX, which the cluster answers as a double, in the column's type. */
  private static Object number(double value, DataType type) {
    if (type.equals(DataTypes.DoubleType)) {
      return value;
    }
    if (type.equals(DataTypes.FloatType)) {
      return (float) value;
    }
    if (type.equals(DataTypes.TimestampType)) {
      return (long) value * MICROS_PER_MILLI;
    }
    return whole((long) value, type);
  }

  private static Object whole(long value, DataType type) {
    if (type.equals(DataTypes.IntegerType)) {
      return (int) value;
    }
    if (type.equals(DataTypes.ShortType)) {
      return (short) value;
    }
    if (type.equals(DataTypes.ByteType)) {
      return (byte) value;
    }
    return value;
  }

  /** A query this connector wrote, parsed again to be part of a larger request. */
  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("Cannot read a query this connector wrote: " + json, e);
    }
  }
}

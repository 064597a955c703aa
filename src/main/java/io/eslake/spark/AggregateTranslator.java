package io.eslake.spark;

import io.eslake.spark.AggregatePlan.Function;
import io.eslake.spark.AggregatePlan.Group;
import io.eslake.spark.AggregatePlan.Metric;
import io.eslake.types.FieldMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.aggregate.AggregateFunc;
import org.apache.spark.sql.connector.expressions.aggregate.Aggregation;
import org.apache.spark.sql.connector.expressions.aggregate.Avg;
import org.apache.spark.sql.connector.expressions.aggregate.Count;
import org.apache.spark.sql.connector.expressions.aggregate.CountStar;
import org.apache.spark.sql.connector.expressions.aggregate.Max;
import org.apache.spark.sql.connector.expressions.aggregate.Min;
import org.apache.spark.sql.connector.expressions.aggregate.Sum;
import org.apache.spark.sql.types.StructType;

/**
 * Turns a Spark aggregation into an {@link AggregatePlan} where the cluster's answer can equal
 * Spark's, judging by the mapping alone; on the driver while a scan is planned. What the mapping
 * cannot tell (whether a document holds several values, how large the numbers are) is asked of the
 * cluster by {@link AggregateProbe} before the plan is used.
 *
 * <p>Rules: group columns are keyword, whole-number, boolean or date columns (float and double keys
 * are left to Spark, which merges -0.0 with 0.0 where an index keeps both). MIN and MAX take whole
 * numbers, float, double and dates; SUM and AVG take whole numbers only, since a sum of floating
 * point values depends on the order of summation, which differs between the cluster and Spark.
 * COUNT takes any of those. Every column is a single value (no array column), searched and
 * aggregated as its source value (no {@code ignore_above}, {@code normalizer}, {@code null_value},
 * {@code coerce: false}, {@code doc_values: false}), and a date is read with a format the reader
 * and the cluster parse alike.
 *
 * <p>A keyword column is taken whatever {@code on_mismatch} says: an array repeating one keyword
 * ({@code ["a","a"]}) is one value to the index, whose doc values hold each distinct keyword of a
 * document once, and one value to the reader too, which puts it in the column (and keeps the array
 * in the rescue column). An array of different keywords is several values to both, and the probe
 * finds it.
 */
final class AggregateTranslator {

  private static final Set<String> WHOLE = Set.of("long", "integer", "short", "byte");
  private static final Set<String> GROUP_TYPES =
      Set.of("keyword", "long", "integer", "short", "byte", "boolean", "date");
  private static final Set<String> MIN_MAX_TYPES =
      Set.of("long", "integer", "short", "byte", "double", "float", "date");
  private static final Set<String> COUNT_TYPES =
      Set.of("keyword", "long", "integer", "short", "byte", "double", "float", "boolean", "date");

  private final StructType schema;

  AggregateTranslator(StructType schema) {
    this.schema = schema;
  }

  /**
   * The outcome of a translation: a plan and the columns the probe checks, or why not.
   *
   * @param plan the plan, or null when the aggregation stays with Spark
   * @param reason why it stays with Spark, or null
   * @param columns every column the plan reads, by path, for the probe
   */
  record Outcome(AggregatePlan plan, String reason, Map<String, IndexColumn> columns) {
    static Outcome refused(String reason) {
      return new Outcome(null, reason, Map.of());
    }
  }

  Outcome translate(Aggregation aggregation, String index, String query, int pageSize) {
    Map<String, IndexColumn> columns = new LinkedHashMap<>();
    List<Group> groups = new ArrayList<>();
    for (Expression expression : aggregation.groupByExpressions()) {
      IndexColumn column = IndexColumn.resolve(schema, expression);
      String refusal = refusal(column, GROUP_TYPES, "GROUP BY " + expression.describe());
      if (refusal != null) {
        return Outcome.refused(refusal);
      }
      columns.put(column.path(), column);
      groups.add(new Group(column.path(), column.type()));
    }
    List<Metric> metrics = new ArrayList<>();
    for (AggregateFunc function : aggregation.aggregateExpressions()) {
      if (function instanceof CountStar) {
        metrics.add(new Metric(Function.COUNT_STAR, null, null));
        continue;
      }
      Metric metric = metric(function, columns);
      if (metric == null) {
        return Outcome.refused(refusalOf(function));
      }
      metrics.add(metric);
    }
    return new Outcome(new AggregatePlan(index, query, groups, metrics, pageSize), null, columns);
  }

  private Metric metric(AggregateFunc function, Map<String, IndexColumn> columns) {
    Function kind;
    Expression argument;
    Set<String> types;
    if (function instanceof Count count && !count.isDistinct()) {
      kind = Function.COUNT;
      argument = count.column();
      types = COUNT_TYPES;
    } else if (function instanceof Min min) {
      kind = Function.MIN;
      argument = min.column();
      types = MIN_MAX_TYPES;
    } else if (function instanceof Max max) {
      kind = Function.MAX;
      argument = max.column();
      types = MIN_MAX_TYPES;
    } else if (function instanceof Sum sum && !sum.isDistinct()) {
      kind = Function.SUM;
      argument = sum.column();
      types = WHOLE;
    } else if (function instanceof Avg avg && !avg.isDistinct()) {
      kind = Function.AVG;
      argument = avg.column();
      types = WHOLE;
    } else {
      return null;
    }
    IndexColumn column = IndexColumn.resolve(schema, argument);
    if (refusal(column, types, "") != null) {
      return null;
    }
    columns.put(column.path(), column);
    return new Metric(kind, column.path(), column.type());
  }

  /** Why a column cannot be a group or a function's argument, or null when it can. */
  private String refusal(IndexColumn column, Set<String> types, String what) {
    if (column == null) {
      return what + ": not a column of a single value reached through objects";
    }
    String esType = column.esType();
    if (!types.contains(esType)) {
      return what + ": a " + esType + " column";
    }
    boolean typed =
        esType.equals("date")
            ? FilterTranslator.isDateColumn(column.field())
            : FilterTranslator.termType(esType, column.type());
    if (!typed || FieldMetadata.isJson(column.field())) {
      return what + ": the column is not a single " + esType + " value";
    }
    if (!FieldMetadata.isSearchExact(column.field())
        || !FieldMetadata.isAggregatable(column.field())) {
      return what
          + ": the index holds other values than the source (its mapping's parameters, or types"
          + " that differ between the indices the table reads)";
    }
    return null;
  }

  /** Why a function stays with Spark, for EXPLAIN and the log. */
  private String refusalOf(AggregateFunc function) {
    String name = function.describe();
    Expression argument = function.children().length == 1 ? function.children()[0] : null;
    IndexColumn column = argument == null ? null : IndexColumn.resolve(schema, argument);
    boolean floating =
        column != null && (column.esType().equals("double") || column.esType().equals("float"));
    if ((function instanceof Sum || function instanceof Avg) && floating) {
      return name + ": a floating-point sum depends on the order of summation";
    }
    if (function instanceof Count
        || function instanceof Min
        || function instanceof Max
        || function instanceof Sum
        || function instanceof Avg) {
      Set<String> types =
          function instanceof Count
              ? COUNT_TYPES
              : function instanceof Min || function instanceof Max ? MIN_MAX_TYPES : WHOLE;
      String why = refusal(column, types, name);
      return why != null ? why : name + ": DISTINCT";
    }
    return name + ": not a function the cluster answers";
  }
}

package io.eslake.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eslake.types.FieldMetadata;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.connector.expressions.aggregate.AggregateFunc;
import org.apache.spark.sql.connector.expressions.aggregate.Aggregation;
import org.apache.spark.sql.connector.expressions.aggregate.CountStar;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownAggregates;
import org.apache.spark.sql.connector.read.SupportsPushDownLimit;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.connector.read.SupportsPushDownV2Filters;
import org.apache.spark.sql.types.StructType;

/**
 * Collects what a query needs from an index before the scan is planned: the columns, the WHERE
 * conditions the cluster can answer, a LIMIT, and a COUNT(*). Driver only; Spark calls the push
 * methods in this order: filters, aggregation, columns, limit.
 */
final class ElasticsearchScanBuilder
    implements ScanBuilder,
        SupportsPushDownRequiredColumns,
        SupportsPushDownV2Filters,
        SupportsPushDownLimit,
        SupportsPushDownAggregates {

  private final String index;
  private final StructType tableSchema;
  private final ConnectorOptions options;
  private StructType readSchema;
  private final List<Predicate> pushed = new ArrayList<>();
  private final List<ObjectNode> queries = new ArrayList<>();
  private int limit;
  private boolean countStar;

  ElasticsearchScanBuilder(String index, StructType tableSchema, ConnectorOptions options) {
    this.index = index;
    this.tableSchema = tableSchema;
    this.options = options;
    this.readSchema = tableSchema;
  }

  /**
   * Reads only the required columns, unless they include the rescue column: what it holds depends
   * on every column (a value lands there when its own column cannot take it), so the whole table is
   * then read.
   */
  @Override
  public void pruneColumns(StructType requiredSchema) {
    if (countStar) {
      return;
    }
    boolean rescue = Arrays.stream(requiredSchema.fields()).anyMatch(FieldMetadata::isRescue);
    this.readSchema = rescue ? tableSchema : requiredSchema;
  }

  /**
   * Sends the conditions the cluster answers as a query. Returns what Spark must still evaluate:
   * the conditions it cannot send, and, unless a null column always means a missing value, the sent
   * ones too, since the cluster may then select documents whose value Spark reads as null.
   */
  @Override
  public Predicate[] pushPredicates(Predicate[] predicates) {
    if (!options.pushdownFilters()) {
      return predicates;
    }
    FilterTranslator translator = new FilterTranslator(tableSchema, options.failOnMismatch());
    List<Predicate> remaining = new ArrayList<>();
    for (Predicate predicate : predicates) {
      Optional<ObjectNode> query = translator.translate(predicate);
      if (query.isPresent()) {
        pushed.add(predicate);
        queries.add(query.get());
      }
      if (query.isEmpty() || !translator.exact()) {
        remaining.add(predicate);
      }
    }
    return remaining.toArray(Predicate[]::new);
  }

  @Override
  public Predicate[] pushedPredicates() {
    return pushed.toArray(Predicate[]::new);
  }

  /** Each slice stops after the limit; Spark applies the limit again across slices. */
  @Override
  public boolean pushLimit(int limit) {
    if (!options.pushdownLimit() || limit <= 0) {
      return false;
    }
    this.limit = limit;
    return true;
  }

  /**
   * Takes an ungrouped COUNT(*), which the cluster's count answers exactly whatever the values.
   * Spark offers it only when every WHERE condition was pushed exactly.
   */
  @Override
  public boolean pushAggregation(Aggregation aggregation) {
    AggregateFunc[] functions = aggregation.aggregateExpressions();
    boolean onlyCountStar =
        aggregation.groupByExpressions().length == 0
            && functions.length == 1
            && functions[0] instanceof CountStar;
    countStar = options.pushdownAggregates() && onlyCountStar;
    return countStar;
  }

  @Override
  public boolean supportCompletePushDown(Aggregation aggregation) {
    return countStar;
  }

  @Override
  public Scan build() {
    String query = queries.isEmpty() ? null : FilterTranslator.text(FilterTranslator.all(queries));
    if (countStar) {
      return new CountScan(index, query, options);
    }
    return new ElasticsearchScan(index, tableSchema, readSchema, options, query, limit);
  }
}

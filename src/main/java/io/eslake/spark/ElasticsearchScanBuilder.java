package io.eslake.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eslake.client.ClusterClient;
import io.eslake.types.FieldMetadata;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.connector.expressions.Expression;
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
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Collects what a query needs from an index before the scan is planned: the columns, the WHERE
 * conditions the cluster can answer, a LIMIT, and aggregates. Driver only; Spark calls the push
 * methods in this order: filters, aggregation (asking first whether it can be pushed whole),
 * columns, limit.
 */
final class ElasticsearchScanBuilder
    implements ScanBuilder,
        SupportsPushDownRequiredColumns,
        SupportsPushDownV2Filters,
        SupportsPushDownLimit,
        SupportsPushDownAggregates {

  private final String index;
  private final TableListing.Kind kind;
  private final StructType tableSchema;
  private final ConnectorOptions options;
  private final RecentCount recentCount;
  private StructType readSchema;
  private final List<Predicate> pushed = new ArrayList<>();
  private final List<ObjectNode> queries = new ArrayList<>();
  private int limit;
  private boolean countStar;
  private AggregatePlan aggregate;
  private String aggregateRefusal;
  private final Map<String, Decision> decisions = new HashMap<>();

  private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchScanBuilder.class);

  /** Whether an aggregation is pushed: its plan, or why not. */
  private record Decision(AggregatePlan plan, String refusal) {}

  ElasticsearchScanBuilder(
      String index,
      TableListing.Kind kind,
      StructType tableSchema,
      ConnectorOptions options,
      RecentCount recentCount) {
    this.index = index;
    this.kind = kind;
    this.tableSchema = tableSchema;
    this.options = options;
    this.recentCount = recentCount;
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
    this.readSchema = rescue ? tableSchema : withTableMetadata(requiredSchema, tableSchema);
  }

  /**
   * The fields Spark asks for, each with the metadata of the table's field of that name, at every
   * level. Spark rebuilds an object column it prunes to some sub-fields without the fields'
   * metadata, which the decoder reads to place keys: without it {@code {"host.name": "x"}} found no
   * object column {@code host} and {@code SELECT host.name} read null for such documents.
   */
  static StructType withTableMetadata(StructType wanted, StructType table) {
    StructField[] fields = wanted.fields().clone();
    for (int i = 0; i < fields.length; i++) {
      StructField field = fields[i];
      Option<Object> at = table.getFieldIndex(field.name());
      if (at.isDefined()) {
        StructField known = table.fields()[(Integer) at.get()];
        fields[i] =
            new StructField(
                field.name(),
                withTableMetadata(field.dataType(), known.dataType()),
                field.nullable(),
                known.metadata());
      }
    }
    return new StructType(fields);
  }

  private static DataType withTableMetadata(DataType wanted, DataType table) {
    if (wanted instanceof StructType struct && table instanceof StructType known) {
      return withTableMetadata(struct, known);
    }
    if (wanted instanceof ArrayType array && table instanceof ArrayType known) {
      return new ArrayType(
          withTableMetadata(array.elementType(), known.elementType()), array.containsNull());
    }
    return wanted;
  }

  /**
   * Sends the conditions the cluster answers as a query. Returns what Spark must still evaluate:
   * the conditions it cannot send, and the sent ones that name a column which can be null while its
   * document holds values (an array of different values, rescued), since the cluster may then
   * select documents Spark would not. With {@code on_mismatch=fail} no column can; otherwise one
   * search asks which of the named columns hold at most one value in every document.
   */
  @Override
  public Predicate[] pushPredicates(Predicate[] predicates) {
    if (!options.pushdownFilters()) {
      return predicates;
    }
    FilterTranslator translator =
        new FilterTranslator(tableSchema, options.failOnMismatch(), oneValueColumns(predicates));
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

  /** The columns the predicates name that hold one value in every document, as the index says. */
  private Set<String> oneValueColumns(Predicate[] predicates) {
    if (options.failOnMismatch() || predicates.length == 0) {
      return Set.of();
    }
    FilterTranslator sendable = new FilterTranslator(tableSchema, true);
    Set<String> paths = new LinkedHashSet<>();
    for (Predicate predicate : predicates) {
      if (sendable.translate(predicate).isPresent() && sendable.exact()) {
        paths.addAll(sendable.columns(predicate));
      }
    }
    if (paths.isEmpty()) {
      return Set.of();
    }
    Set<String> single;
    try (ClusterClient client = ClusterClient.shared(options.connection())) {
      single = AggregateProbe.oneValueColumns(client, index, paths);
    }
    LOG.info(
        "Filtered columns of index '{}' with one value in every document: {} of {}",
        index,
        single,
        paths);
    return single;
  }

  @Override
  public Predicate[] pushedPredicates() {
    return pushed.toArray(Predicate[]::new);
  }

  /**
   * Each slice stops after the limit; Spark applies the limit again across slices. Not taken over a
   * pushed aggregate, whose groups are few next to the documents.
   */
  @Override
  public boolean pushLimit(int limit) {
    if (!options.pushdownLimit() || limit <= 0 || countStar || aggregate != null) {
      return false;
    }
    this.limit = limit;
    return true;
  }

  /**
   * Takes an aggregation the cluster answers exactly: an ungrouped COUNT(*) by {@code _count},
   * whatever the values; others by aggregations, when {@link AggregateTranslator} and {@link
   * AggregateProbe} find the answer equal to Spark's. Spark offers an aggregation only when every
   * WHERE condition was pushed exactly.
   */
  @Override
  public boolean pushAggregation(Aggregation aggregation) {
    if (!options.pushdownAggregates()) {
      return false;
    }
    if (onlyCountStar(aggregation)) {
      countStar = true;
      return true;
    }
    aggregate = decide(aggregation).plan();
    return aggregate != null;
  }

  /** Asked before {@link #pushAggregation}: only whole pushdowns are taken, never partial ones. */
  @Override
  public boolean supportCompletePushDown(Aggregation aggregation) {
    if (!options.pushdownAggregates()) {
      return false;
    }
    return onlyCountStar(aggregation) || decide(aggregation).plan() != null;
  }

  private static boolean onlyCountStar(Aggregation aggregation) {
    AggregateFunc[] functions = aggregation.aggregateExpressions();
    return aggregation.groupByExpressions().length == 0
        && functions.length == 1
        && functions[0] instanceof CountStar;
  }

  /** Translates and probes an aggregation once, however often Spark asks about it. */
  private Decision decide(Aggregation aggregation) {
    return decisions.computeIfAbsent(key(aggregation), k -> probe(aggregation));
  }

  private Decision probe(Aggregation aggregation) {
    AggregateTranslator.Outcome outcome =
        new AggregateTranslator(tableSchema)
            .translate(aggregation, index, query(), options.pageSize());
    String refusal = outcome.reason();
    if (outcome.plan() != null) {
      try (ClusterClient client = ClusterClient.shared(options.connection())) {
        refusal = AggregateProbe.check(client, outcome.plan(), outcome.columns());
      }
    }
    if (refusal != null) {
      LOG.info("Aggregate on index '{}' left to Spark: {}", index, refusal);
      aggregateRefusal = refusal;
      return new Decision(null, refusal);
    }
    return new Decision(outcome.plan(), null);
  }

  private static String key(Aggregation aggregation) {
    return Stream.concat(
            Arrays.stream(aggregation.groupByExpressions()).map(Expression::describe),
            Arrays.stream(aggregation.aggregateExpressions()).map(Expression::describe))
        .collect(Collectors.joining("|", aggregation.groupByExpressions().length + ":", ""));
  }

  private String query() {
    return queries.isEmpty() ? null : FilterTranslator.text(FilterTranslator.all(queries));
  }

  @Override
  public Scan build() {
    String query = query();
    if (countStar) {
      return new CountScan(index, query, options);
    }
    if (aggregate != null) {
      return new AggregateScan(aggregate, options.connection(), kind != TableListing.Kind.INDEX);
    }
    return new ElasticsearchScan(
        index, kind, tableSchema, readSchema, options, query, limit, aggregateRefusal, recentCount);
  }
}

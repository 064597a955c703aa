package io.eslake.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eslake.client.ClusterClient;
import io.eslake.client.ClusterException;
import io.eslake.spark.AggregatePlan.Function;
import io.eslake.spark.AggregatePlan.Metric;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.types.DataTypes;

/**
 * Asks the cluster, on the driver before an aggregation is pushed, what the mapping cannot tell:
 *
 * <ol>
 *   <li>whether any selected document holds several values in a column the plan reads: the cluster
 *       aggregates each of them, while the reader makes the column null and rescues them. The
 *       number of values ({@code value_count}) exceeds the number of documents with a value ({@code
 *       exists}) exactly when one does. A keyword's doc values hold each distinct value of a
 *       document once, so an array repeating one keyword counts as one value, as it reads (see
 *       {@link AggregateTranslator});
 *   <li>the smallest and largest value and the number of values of each whole-number column the
 *       cluster answers as a double: a MIN or MAX of a long is exact only within 2^53, and a SUM or
 *       AVG only when no partial sum can pass 2^53.
 * </ol>
 *
 * <p>One search request, with the pushed query and no script; it returns no document.
 */
final class AggregateProbe {

  /** The largest magnitude a double holds every whole number up to. */
  static final double EXACT_LIMIT = 0x1p53;

  private static final ObjectMapper JSON = new ObjectMapper();

  private AggregateProbe() {}

  /** The search body of the probe. */
  static String request(AggregatePlan plan, Map<String, IndexColumn> columns) {
    ObjectNode body = JSON.createObjectNode().put("size", 0).put("track_total_hits", false);
    if (plan.query() != null) {
      body.set("query", AggregatePlan.parse(plan.query()));
    }
    ObjectNode aggs = body.putObject("aggs");
    addValueCounts(aggs, columns.keySet());
    for (String path : statsPaths(plan)) {
      aggs.putObject("stats:" + path).putObject("stats").put("field", path);
    }
    return body.toString();
  }

  /**
   * Runs the probe.
   *
   * @return why the plan would not give Spark's answer, or null when it would
   */
  static String check(ClusterClient client, AggregatePlan plan, Map<String, IndexColumn> columns) {
    JsonNode answer;
    try {
      answer = client.aggregate(plan.index(), request(plan, columns), "check the values");
    } catch (ClusterException e) {
      return "the cluster could not check the values (" + e.getMessage() + ")";
    }
    return verdict(answer.path("aggregations"), plan, new ArrayList<>(columns.keySet()));
  }

  /**
   * The columns, of those given, that hold at most one value in every document of the index (a
   * keyword's repeats counted once): there the reader's column holds what the index holds, so a
   * null means a missing value and a condition on the column selects what Spark selects. One search
   * over the whole index, not only the documents a query selects, since a condition such as {@code
   * IS NULL} is decided on the documents the query leaves out too; it returns no document. Empty
   * when the cluster cannot answer.
   */
  static Set<String> oneValueColumns(ClusterClient client, String index, Collection<String> paths) {
    if (paths.isEmpty()) {
      return Set.of();
    }
    ObjectNode body = JSON.createObjectNode().put("size", 0).put("track_total_hits", false);
    addValueCounts(body.putObject("aggs"), paths);
    JsonNode aggregations;
    try {
      aggregations =
          client
              .aggregate(index, body.toString(), "check the filtered columns")
              .path("aggregations");
    } catch (ClusterException e) {
      return Set.of();
    }
    Set<String> single = new LinkedHashSet<>();
    int i = 0;
    for (String path : paths) {
      if (severalValues(aggregations, i++, path) == null) {
        single.add(path);
      }
    }
    return single;
  }

  /** Per column, the documents with a value and the number of values, under numbered names. */
  private static void addValueCounts(ObjectNode aggs, Collection<String> paths) {
    int i = 0;
    for (String path : paths) {
      aggs.putObject("documents_" + i).putObject("filter").putObject("exists").put("field", path);
      aggs.putObject("values_" + i).putObject("value_count").put("field", path);
      i++;
    }
  }

  /** Why the i-th column may hold several values in a document, or null when it does not. */
  private static String severalValues(JsonNode aggregations, int i, String path) {
    JsonNode documents = aggregations.path("documents_" + i).path("doc_count");
    JsonNode values = aggregations.path("values_" + i).path("value");
    if (!documents.isNumber() || !values.isNumber()) {
      return "the cluster did not count the values of column " + path;
    }
    if (values.asLong() <= documents.asLong()) {
      return null;
    }
    return "column "
        + path
        + " holds several values in some documents ("
        + values.asLong()
        + " values in "
        + documents.asLong()
        + (documents.asLong() == 1 ? " document)" : " documents)");
  }

  /** Why the probe's answer rules the plan out, or null. */
  static String verdict(JsonNode aggregations, AggregatePlan plan, List<String> paths) {
    for (int i = 0; i < paths.size(); i++) {
      String several = severalValues(aggregations, i, paths.get(i));
      if (several != null) {
        return several;
      }
    }
    for (Metric metric : plan.metrics()) {
      JsonNode stats = aggregations.path("stats:" + metric.path());
      if (stats.isMissingNode() || stats.path("count").asLong() == 0) {
        continue;
      }
      double largest =
          Math.max(Math.abs(stats.path("min").asDouble()), Math.abs(stats.path("max").asDouble()));
      boolean summing = metric.function() == Function.SUM || metric.function() == Function.AVG;
      double bound = summing ? largest * stats.path("count").asLong() : largest;
      if (!(bound < EXACT_LIMIT * (1 - 1e-9))) {
        return metric.describe() + ": values or their sums pass 2^53, beyond a double's exactness";
      }
    }
    return null;
  }

  /** The whole-number columns whose magnitude decides whether a double answer is exact. */
  private static List<String> statsPaths(AggregatePlan plan) {
    List<String> paths = new ArrayList<>();
    for (Metric metric : plan.metrics()) {
      boolean summing = metric.function() == Function.SUM || metric.function() == Function.AVG;
      boolean longMinMax =
          (metric.function() == Function.MIN || metric.function() == Function.MAX)
              && DataTypes.LongType.equals(metric.columnType());
      if ((summing || longMinMax) && !paths.contains(metric.path())) {
        paths.add(metric.path());
      }
    }
    return paths;
  }
}

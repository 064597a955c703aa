package io.eslake.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eslake.spark.AggregatePlan.Function;
import io.eslake.spark.AggregatePlan.Group;
import io.eslake.spark.AggregatePlan.Metric;
import io.eslake.types.FieldMetadata;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Expressions;
import org.apache.spark.sql.connector.expressions.LiteralValue;
import org.apache.spark.sql.connector.expressions.aggregate.AggregateFunc;
import org.apache.spark.sql.connector.expressions.aggregate.Aggregation;
import org.apache.spark.sql.connector.expressions.aggregate.Avg;
import org.apache.spark.sql.connector.expressions.aggregate.Count;
import org.apache.spark.sql.connector.expressions.aggregate.CountStar;
import org.apache.spark.sql.connector.expressions.aggregate.Max;
import org.apache.spark.sql.connector.expressions.aggregate.Min;
import org.apache.spark.sql.connector.expressions.aggregate.Sum;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** The requests an aggregate and a date filter become, and the rows an answer becomes. */
class AggregatePlanTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final StructType SCHEMA =
      new StructType()
          .add("kw", DataTypes.StringType, true, es("keyword"))
          .add("n", DataTypes.IntegerType, true, es("integer"))
          .add("big", DataTypes.LongType, true, es("long"))
          .add("d", DataTypes.DoubleType, true, es("double"))
          .add("ts", DataTypes.TimestampType, true, es("date"))
          .add("tsn", DataTypes.TimestampType, true, es("date_nanos"))
          .add("tags", new ArrayType(DataTypes.StringType, true), true, es("keyword"));

  private static Metadata es(String type) {
    return new MetadataBuilder().putString(FieldMetadata.TYPE, type).build();
  }

  private static final AggregatePlan GROUPED =
      new AggregatePlan(
          "logs",
          "{\"term\":{\"kw\":\"a\"}}",
          List.of(new Group("kw", DataTypes.StringType), new Group("ts", DataTypes.TimestampType)),
          List.of(
              new Metric(Function.COUNT_STAR, null, null),
              new Metric(Function.MIN, "n", DataTypes.IntegerType),
              new Metric(Function.SUM, "n", DataTypes.IntegerType)),
          100);

  @Test
  void aGroupedAggregateIsOneCompositeAggregationPagedWithAfterKey() throws Exception {
    String expected =
        "{\"size\":0,\"track_total_hits\":false,\"query\":{\"term\":{\"kw\":\"a\"}},"
            + "\"aggs\":{\"groups\":{\"composite\":{\"size\":100,\"sources\":["
            + "{\"g0\":{\"terms\":{\"field\":\"kw\",\"missing_bucket\":true}}},"
            + "{\"g1\":{\"terms\":{\"field\":\"ts\",\"missing_bucket\":true}}}]},"
            + "\"aggs\":{\"m1\":{\"min\":{\"field\":\"n\"}},\"m2\":{\"sum\":{\"field\":\"n\"}},"
            + "\"n2\":{\"value_count\":{\"field\":\"n\"}}}}}}";
    assertEquals(JSON.readTree(expected), JSON.readTree(GROUPED.request(null)));
    JsonNode after = JSON.readTree("{\"g0\":\"b\",\"g1\":null}");
    JsonNode next = JSON.readTree(GROUPED.request(after));
    assertEquals(after, next.path("aggs").path("groups").path("composite").path("after"));
  }

  @Test
  void bucketsBecomeRowsOfSparkTypes() throws Exception {
    JsonNode answer =
        JSON.readTree(
            "{\"aggregations\":{\"groups\":{\"after_key\":{\"g0\":null,\"g1\":5},\"buckets\":["
                + "{\"key\":{\"g0\":\"a\",\"g1\":1614910500250},\"doc_count\":3,"
                + "\"m1\":{\"value\":-4.0},\"m2\":{\"value\":12.0},\"n2\":{\"value\":3}},"
                + "{\"key\":{\"g0\":null,\"g1\":5},\"doc_count\":2,"
                + "\"m1\":{\"value\":null},\"m2\":{\"value\":0.0},\"n2\":{\"value\":0}}]}}}");
    List<InternalRow> rows = GROUPED.rows(answer);
    assertEquals(2, rows.size());
    InternalRow first = rows.get(0);
    assertEquals(UTF8String.fromString("a"), first.getUTF8String(0));
    assertEquals(1_614_910_500_250_000L, first.getLong(1));
    assertEquals(3L, first.getLong(2));
    assertEquals(-4, first.getInt(3));
    assertEquals(12L, first.getLong(4));
    InternalRow second = rows.get(1);
    assertTrue(second.isNullAt(0) && second.isNullAt(3) && second.isNullAt(4), "no value: null");
    assertEquals(JSON.readTree("{\"g0\":null,\"g1\":5}"), GROUPED.after(answer));
    JsonNode last = JSON.readTree("{\"aggregations\":{\"groups\":{\"buckets\":[]}}}");
    assertNull(GROUPED.after(last));
    assertEquals(
        "group_col_0:string,group_col_1:timestamp,agg_func_0:bigint,agg_func_1:int,"
            + "agg_func_2:bigint",
        GROUPED.schema().simpleString().replaceAll("^struct<|>$", ""));
  }

  @Test
  void anAggregateWithoutGroupsIsOneBucketOfAllSelectedDocuments() throws Exception {
    AggregatePlan global =
        new AggregatePlan(
            "logs",
            null,
            List.of(),
            List.of(
                new Metric(Function.COUNT_STAR, null, null),
                new Metric(Function.AVG, "big", DataTypes.LongType),
                new Metric(Function.MAX, "ts", DataTypes.TimestampType)),
            100);
    JsonNode request = JSON.readTree(global.request(null));
    assertEquals(
        JSON.readTree(
            "{\"filter\":{\"match_all\":{}},\"aggs\":{"
                + "\"m1\":{\"avg\":{\"field\":\"big\"}},\"m2\":{\"max\":{\"field\":\"ts\"}}}}"),
        request.path("aggs").path("groups"));
    JsonNode empty =
        JSON.readTree(
            "{\"aggregations\":{\"groups\":{\"doc_count\":0,"
                + "\"m1\":{\"value\":null},\"m2\":{\"value\":null}}}}");
    InternalRow row = global.rows(empty).get(0);
    assertEquals(0L, row.getLong(0));
    assertTrue(row.isNullAt(1) && row.isNullAt(2));
    assertNull(global.after(empty));
  }

  @Test
  void theTranslatorTakesOnlyWhatTheClusterAnswersAsSparkDoes() {
    AggregateTranslator translator = new AggregateTranslator(SCHEMA);
    Aggregation byKeyword =
        aggregation(new AggregateFunc[] {new CountStar(), new Count(col("kw"), false)}, col("kw"));
    assertEquals(List.of("kw"), paths(translator.translate(byKeyword, "i", null, 10).plan()));

    Aggregation floatSum = aggregation(new AggregateFunc[] {new Sum(col("d"), false)});
    assertTrue(
        translator.translate(floatSum, "i", null, 10).reason().contains("floating-point sum"));
    Aggregation byArray = aggregation(new AggregateFunc[] {new CountStar()}, col("tags"));
    assertTrue(
        translator.translate(byArray, "i", null, 10).reason().contains("not a single keyword"));
    Aggregation nanos = aggregation(new AggregateFunc[] {new Min(col("tsn"))});
    assertTrue(translator.translate(nanos, "i", null, 10).reason().contains("date_nanos column"));
    Aggregation distinct = aggregation(new AggregateFunc[] {new Avg(col("n"), true)});
    assertTrue(translator.translate(distinct, "i", null, 10).reason().contains("DISTINCT"));

    Aggregation numbers =
        aggregation(new AggregateFunc[] {new Max(col("big")), new Avg(col("n"), false)}, col("ts"));
    AggregateTranslator.Outcome outcome = translator.translate(numbers, "i", null, 10);
    assertEquals("MAX(big), AVG(n) by composite aggregation on [ts]", outcome.plan().describe());
    assertEquals(List.of("ts", "big", "n"), List.copyOf(outcome.columns().keySet()));
  }

  @Test
  void theProbeRefusesSeveralValuesAndSumsPastTwoToThe53() throws Exception {
    AggregatePlan sum =
        new AggregatePlan(
            "i", null, List.of(), List.of(new Metric(Function.SUM, "big", DataTypes.LongType)), 10);
    Map<String, IndexColumn> columns = Map.of("big", new IndexColumn("big", SCHEMA.apply("big")));
    JsonNode request = JSON.readTree(AggregateProbe.request(sum, columns));
    assertEquals(
        JSON.readTree("{\"filter\":{\"exists\":{\"field\":\"big\"}}}"),
        request.path("aggs").path("documents_0"));
    assertTrue(request.path("aggs").has("stats:big"));

    String fits =
        "{\"documents_0\":{\"doc_count\":4},\"values_0\":{\"value\":4},"
            + "\"stats:big\":{\"count\":4,\"min\":-5,\"max\":2.0E15}}";
    assertNull(AggregateProbe.verdict(JSON.readTree(fits), sum, List.of("big")));
    String several = fits.replace("\"values_0\":{\"value\":4}", "\"values_0\":{\"value\":5}");
    assertTrue(
        AggregateProbe.verdict(JSON.readTree(several), sum, List.of("big"))
            .contains("column big holds several values"));
    String large = fits.replace("2.0E15", "2.3E15");
    assertTrue(AggregateProbe.verdict(JSON.readTree(large), sum, List.of("big")).contains("2^53"));
  }

  @Test
  void dateComparisonsBecomeRangesWithAnExplicitFormat() {
    FilterTranslator translator = new FilterTranslator(SCHEMA, true);
    long micros = 1_614_910_500_250_123L;
    assertEquals(
        "{\"range\":{\"ts\":{\"gte\":1614910500250,\"format\":\"epoch_millis\"}}}",
        date(translator, ">", "ts", micros));
    assertTrue(!translator.exact(), "a date range is widened, so Spark checks it again");
    assertEquals(
        "{\"range\":{\"ts\":{\"lt\":1614910500251,\"format\":\"epoch_millis\"}}}",
        date(translator, "<", "ts", micros));
    assertEquals(
        "{\"range\":{\"ts\":{\"gte\":1614910500250,\"lte\":1614910500250,"
            + "\"format\":\"epoch_millis\"}}}",
        date(translator, "=", "ts", micros));
    assertEquals(
        "{\"range\":{\"tsn\":{\"lt\":\"2021-03-05T02:15:00.250124Z\","
            + "\"format\":\"strict_date_optional_time_nanos\"}}}",
        date(translator, "<=", "tsn", micros));
    assertTrue(translator.exact(), "a date_nanos range is exact");
    assertNull(date(translator, "<>", "ts", micros));
  }

  private static String date(FilterTranslator translator, String op, String column, long micros) {
    Expression[] children = {col(column), new LiteralValue<>(micros, DataTypes.TimestampType)};
    return translator
        .translate(new Predicate(op, children))
        .map(FilterTranslator::text)
        .orElse(null);
  }

  private static List<String> paths(AggregatePlan plan) {
    return plan.groups().stream().map(Group::path).toList();
  }

  private static Aggregation aggregation(AggregateFunc[] functions, Expression... groups) {
    return new Aggregation(functions, groups);
  }

  private static Expression col(String name) {
    return Expressions.column(name);
  }
}

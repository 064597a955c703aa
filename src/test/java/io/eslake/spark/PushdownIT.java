package io.eslake.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.IntegrationTest;
import io.eslake.local.AdminClient;
import java.util.List;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each pushdown against a real index: EXPLAIN shows what was sent, and the rows are the same with
 * the pushdown on and off, including documents whose values Spark reads as null (arrays in a
 * single-valued column, malformed numbers, keywords longer than ignore_above).
 */
class PushdownIT extends IntegrationTest {

  private static final String CATALOG = "pushdown_it";
  private static final String MIXED = CATALOG + ".`push-mixed`";
  private static final String CLEAN = CATALOG + ".`push-clean`";

  @BeforeAll
  static void createIndices() {
    String mapping =
        "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0},"
            + "\"mappings\":{\"properties\":{"
            + "\"kw\":{\"type\":\"keyword\"},"
            + "\"capped\":{\"type\":\"keyword\",\"ignore_above\":5},"
            + "\"n\":{\"type\":\"integer\",\"ignore_malformed\":true},"
            + "\"d\":{\"type\":\"double\"},\"b\":{\"type\":\"boolean\"},"
            + "\"t\":{\"type\":\"text\"},"
            + "\"obj\":{\"properties\":{\"code\":{\"type\":\"keyword\"}}}}}}";
    admin().recreateIndex("push-mixed", mapping);
    admin().recreateIndex("push-clean", mapping);
    StringBuilder mixed = new StringBuilder();
    StringBuilder clean = new StringBuilder();
    String[] words = {"a", "ab", "abc", "b", "B", "c"};
    for (int i = 0; i < 60; i++) {
      String kw = i % 7 == 6 ? "null" : "\"" + words[i % words.length] + "\"";
      String doc =
          "{\"kw\":"
              + kw
              + ",\"capped\":\""
              + (i % 3 == 0 ? "long-value" : "v" + i % 4)
              + "\",\"n\":"
              + (i % 11 == 10 ? "null" : String.valueOf(i % 25))
              + ",\"d\":"
              + (i * 0.5)
              + ",\"b\":"
              + (i % 2 == 0)
              + ",\"t\":\"hello world "
              + i
              + "\",\"obj\":{\"code\":\"c"
              + i % 3
              + "\"}}";
      clean.append(AdminClient.indexAction("push-clean", i)).append(doc).append('\n');
      String odd =
          switch (i % 10) {
            case 3 -> doc.replace("\"kw\":" + kw, "\"kw\":[\"a\",\"b\"]");
            case 5 -> doc.replace("\"n\":" + (i % 25), "\"n\":\"not a number\"");
            case 7 -> doc.replace("\"n\":" + (i % 25), "\"n\":[4,5]");
            default -> doc;
          };
      mixed.append(AdminClient.indexAction("push-mixed", i)).append(odd).append('\n');
    }
    admin().bulk(mixed.toString());
    admin().bulk(clean.toString());
    admin().refresh("push-mixed");
    admin().refresh("push-clean");
    registerCatalog(CATALOG);
    spark().conf().set("spark.sql.catalog." + CATALOG + ".array_sample_size", "0");
  }

  @Test
  void filtersTheClusterAnswersAreSentAndSelectTheSameRows() {
    List<String> pushed =
        List.of(
            "kw = 'a'",
            "kw IN ('a', 'B')",
            "n > 5 AND n <= 20",
            "n < 3 OR d >= 25.5",
            "NOT (kw = 'a')",
            "kw <> 'b'",
            "kw IS NOT NULL",
            "kw LIKE 'ab%'",
            "b = true",
            "obj.code = 'c1'",
            "_id IN ('1', '2', '44')",
            "5 < n",
            "NOT (n > 4 OR kw = 'c')");
    for (String condition : pushed) {
      for (String table : List.of(MIXED, CLEAN)) {
        String plan = assertSameRows(table, condition, "rescue");
        assertTrue(plan.contains("query="), condition + " is sent: " + plan);
      }
    }
  }

  @Test
  void filtersTheClusterCannotAnswerExactlyStayWithSpark() {
    List<String> kept =
        List.of(
            "capped = 'long-value'",
            "t = 'hello world 3'",
            "kw IS NULL",
            "NOT (kw IS NOT NULL)",
            "lower(kw) = 'b'",
            "kw LIKE '%b'");
    for (String condition : kept) {
      String plan = assertSameRows(MIXED, condition, "rescue");
      String query = plan.contains("query=") ? plan.substring(plan.indexOf("query=")) : "";
      for (String clause : List.of("term", "prefix", "must_not", "range", "wildcard")) {
        assertFalse(query.contains(clause), condition + " is not sent: " + plan);
      }
    }
  }

  @Test
  void whenNullsAreMissingValuesNullTestsAreSentAndSparkDoesNotFilterAgain() {
    for (String condition : List.of("kw IS NULL", "NOT (n IS NOT NULL)", "kw = 'a'")) {
      String plan = assertSameRows(CLEAN, condition, "fail");
      assertTrue(plan.contains("query="), condition + " is sent: " + plan);
      Dataset<Row> rows = reader(true, "fail").table(CLEAN).where(condition);
      assertFalse(
          rows.queryExecution().executedPlan().toString().contains("Filter "),
          condition + " needs no Spark filter: " + rows.queryExecution().executedPlan());
    }
  }

  @Test
  void inTheDefaultModeConditionsOnColumnsOfOneValueAreNotEvaluatedAgain() {
    List<String> conditions =
        List.of(
            "kw IS NULL",
            "NOT (n IS NOT NULL)",
            "kw = 'a'",
            "kw <> 'b' OR n > 20",
            "NOT (kw = 'a') OR n > 20",
            "NOT (n > 4 OR kw = 'c')",
            "NOT (kw IN ('a', 'b') AND n < 5) OR kw IS NULL",
            "b = true AND obj.code <> 'c1'");
    for (String condition : conditions) {
      for (String onMismatch : List.of("rescue", "fail")) {
        String plan = assertSameRows(CLEAN, condition, onMismatch);
        assertTrue(plan.contains("query="), condition + " is sent: " + plan);
        assertFalse(sparkFilters(CLEAN, condition, onMismatch), condition + ": " + plan);
      }
    }
    assertFalse(sparkFilters(MIXED, "b = true", "rescue"), "b holds one value everywhere");
    for (String condition : List.of("kw = 'a'", "n > 4", "kw IS NOT NULL")) {
      String plan = assertSameRows(MIXED, condition, "rescue");
      assertTrue(plan.contains("query="), condition + " is sent: " + plan);
      assertTrue(sparkFilters(MIXED, condition, "rescue"), "some documents hold arrays: " + plan);
    }

    Dataset<Row> counted =
        reader(true, "rescue").table(CLEAN).where("kw = 'a' OR n IS NULL").groupBy().count();
    String plan = counted.queryExecution().executedPlan().toString();
    assertTrue(plan.contains("COUNT(*) by _count") && plan.contains("query="), plan);
    long expected =
        reader(false, "rescue").table(CLEAN).where("kw = 'a' OR n IS NULL").collectAsList().size();
    assertEquals(expected, counted.head().getLong(0));
  }

  private static boolean sparkFilters(String table, String condition, String onMismatch) {
    Dataset<Row> rows = reader(true, onMismatch).table(table).where(condition);
    return rows.queryExecution().executedPlan().toString().contains("Filter ");
  }

  @Test
  void aLimitStopsTheReadEarly() {
    Dataset<Row> on = spark().table(MIXED).limit(7);
    String plan = on.queryExecution().executedPlan().toString();
    assertTrue(plan.contains("limit=7"), plan);
    assertEquals(7, on.collectAsList().size());

    Dataset<Row> filtered = reader(true, "fail").table(CLEAN).where("b = true").limit(4);
    String filteredPlan = filtered.queryExecution().executedPlan().toString();
    assertTrue(filteredPlan.contains("limit=4") && filteredPlan.contains("query="), filteredPlan);
    List<Row> rows = filtered.collectAsList();
    assertEquals(4, rows.size());
    rows.forEach(row -> assertTrue(row.<Boolean>getAs("b"), row.toString()));

    Dataset<Row> off = spark().read().option("pushdown_limit", "false").table(MIXED).limit(7);
    assertFalse(off.queryExecution().executedPlan().toString().contains("limit=7"));
    assertEquals(7, off.collectAsList().size());
  }

  @Test
  void countStarIsAnsweredByTheClusterCount() {
    Dataset<Row> all = spark().sql("SELECT COUNT(*) FROM " + MIXED);
    String plan = all.queryExecution().executedPlan().toString();
    assertTrue(plan.contains("COUNT(*) by _count"), plan);
    assertEquals(60L, all.head().getLong(0));

    Dataset<Row> filtered =
        reader(true, "fail").table(CLEAN).where("kw = 'a' AND n >= 3").groupBy().count();
    String filteredPlan = filtered.queryExecution().executedPlan().toString();
    assertTrue(filteredPlan.contains("COUNT(*) by _count"), filteredPlan);
    assertTrue(filteredPlan.contains("query="), filteredPlan);
    long expected =
        reader(false, "fail").table(CLEAN).where("kw = 'a' AND n >= 3").collectAsList().size();
    assertEquals(expected, filtered.head().getLong(0));

    Dataset<Row> off =
        spark().read().option("pushdown_aggregates", "false").table(MIXED).groupBy().count();
    assertFalse(off.queryExecution().executedPlan().toString().contains("by _count"));
    assertEquals(60L, off.head().getLong(0));
  }

  /** Reads the rows of a condition with filter pushdown on and off; returns the plan with it on. */
  private static String assertSameRows(String table, String condition, String onMismatch) {
    Dataset<Row> on = reader(true, onMismatch).table(table).where(condition).orderBy("_id");
    Dataset<Row> off = reader(false, onMismatch).table(table).where(condition).orderBy("_id");
    String plan = on.queryExecution().executedPlan().toString();
    assertFalse(
        off.queryExecution().executedPlan().toString().contains("query="),
        "pushdown off sends no query");
    List<Row> expected = off.collectAsList();
    assertEquals(expected, on.collectAsList(), condition + " on " + table + ": " + plan);
    return plan;
  }

  private static DataFrameReader reader(boolean pushdown, String onMismatch) {
    return spark()
        .read()
        .option("pushdown_filters", String.valueOf(pushdown))
        .option("on_mismatch", onMismatch);
  }
}

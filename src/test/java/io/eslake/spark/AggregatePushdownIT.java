package io.eslake.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.IntegrationTest;
import io.eslake.local.AdminClient;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Aggregates and date filters against a real index: EXPLAIN shows what the cluster was asked, and
 * the rows and their types are the same with the pushdown on and off, including null groups, more
 * groups than one page, empty results, and the aggregates that must stay with Spark (floating-point
 * sums, array columns, several values in a one-value column, sums and longs past 2^53).
 */
class AggregatePushdownIT extends IntegrationTest {

  private static final String CATALOG = "aggregate_it";
  private static final String CLEAN = "agg-clean";
  private static final String MIXED = "agg-mixed";
  private static final String WIDE = "agg-wide";
  private static final String HUGE = "agg-huge";
  private static final String REPEATS = "agg-repeats";
  private static final String DIFFERENT = "agg-different";
  private static final int DOCUMENTS = 2_600;
  private static final int PAGE = 500;

  private static final String MAPPING =
      "{\"settings\":{\"number_of_shards\":3,\"number_of_replicas\":0},"
          + "\"mappings\":{\"properties\":{"
          + "\"kw\":{\"type\":\"keyword\"},\"grp\":{\"type\":\"keyword\"},"
          + "\"capped\":{\"type\":\"keyword\",\"ignore_above\":5},"
          + "\"n\":{\"type\":\"integer\",\"ignore_malformed\":true},"
          + "\"big\":{\"type\":\"long\"},\"s\":{\"type\":\"short\"},"
          + "\"f\":{\"type\":\"float\"},\"d\":{\"type\":\"double\"},"
          + "\"b\":{\"type\":\"boolean\"},\"t\":{\"type\":\"text\"},"
          + "\"ts\":{\"type\":\"date\"},\"tsn\":{\"type\":\"date_nanos\"},"
          + "\"tags\":{\"type\":\"keyword\"},"
          + "\"obj\":{\"properties\":{\"code\":{\"type\":\"keyword\"}}}}}}";

  private static String previousTimeZone;

  @BeforeAll
  static void createIndices() {
    StringBuilder clean = new StringBuilder();
    StringBuilder mixed = new StringBuilder();
    for (int i = 0; i < DOCUMENTS; i++) {
      String doc = document(i);
      clean.append(AdminClient.indexAction(CLEAN, i)).append(doc).append('\n');
      mixed.append(AdminClient.indexAction(MIXED, i)).append(odd(doc, i)).append('\n');
    }
    StringBuilder wide = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      String large = "{\"b\":" + (i % 2 == 0) + ",\"big\":" + (3 * (1L << 50) + i) + "}";
      wide.append(AdminClient.indexAction(WIDE, i)).append(large).append('\n');
      String huge = "{\"b\":" + (i % 2 == 0) + ",\"big\":" + ((1L << 60) + i) + "}";
      wide.append(AdminClient.indexAction(HUGE, i)).append(huge).append('\n');
    }
    StringBuilder repeats = new StringBuilder();
    for (int i = 0; i < REPEATED_KEYWORDS.size(); i++) {
      String doc = "{\"kw\":" + REPEATED_KEYWORDS.get(i) + ",\"n\":" + i + "}";
      repeats.append(AdminClient.indexAction(REPEATS, i)).append(doc).append('\n');
      repeats.append(AdminClient.indexAction(DIFFERENT, i)).append(doc).append('\n');
    }
    repeats
        .append(AdminClient.indexAction(DIFFERENT, 99))
        .append("{\"kw\":[\"a\",\"b\"],\"n\":1}\n");
    List<String> indices = List.of(CLEAN, MIXED, WIDE, HUGE, REPEATS, DIFFERENT);
    for (String index : indices) {
      admin().recreateIndex(index, MAPPING);
    }
    admin().bulk(clean.toString());
    admin().bulk(mixed.toString());
    admin().bulk(wide.toString());
    admin().bulk(repeats.toString());
    indices.forEach(admin()::refresh);
    registerCatalog(CATALOG);
    spark().conf().set("spark.sql.catalog." + CATALOG + ".array_sample_size", "0");
    spark().conf().set("spark.sql.catalog." + CATALOG + ".array_fields", "tags");
    previousTimeZone = spark().conf().get("spark.sql.session.timeZone");
    spark().conf().set("spark.sql.session.timeZone", "America/Los_Angeles");
  }

  @AfterAll
  static void restoreTimeZone() {
    spark().conf().set("spark.sql.session.timeZone", previousTimeZone);
  }

  /**
   * Keywords as arrays repeating one value, which the index holds once and the reader puts in the
   * column, next to single values, nulls and empty arrays.
   */
  private static final List<String> REPEATED_KEYWORDS =
      List.of(
          "[\"a\",\"a\"]",
          "[\"a\",null]",
          "\"a\"",
          "\"b\"",
          "[[\"b\"],\"b\",null]",
          "[]",
          "[null]",
          "null",
          "[20,\"20\"]",
          "20",
          "[true,\"true\"]",
          "\"\"");

  /** About half of the documents have a keyword of their own, so there are ~1,300 groups. */
  private static String document(int i) {
    String kw = i % 9 == 4 ? "null" : "\"k" + (i % 2 == 0 ? i : i % 40) + "\"";
    String n = i % 13 == 5 ? "null" : String.valueOf(i % 97 - 30);
    String ts =
        i % 11 == 3
            ? "null"
            : i % 5 == 0
                ? String.valueOf(1_600_000_000_000L + i * 3_600_007L)
                : "\"2021-03-"
                    + String.format("%02d", 1 + i % 28)
                    + "T1"
                    + i % 10
                    + ":15:00.250Z\"";
    return "{\"kw\":"
        + kw
        + ",\"grp\":\"g"
        + i % 6
        + "\",\"capped\":\""
        + (i % 3 == 0 ? "long-value" : "v" + i % 4)
        + "\",\"n\":"
        + n
        + ",\"big\":"
        + (i * 1_000_003L - 900_000_000L)
        + ",\"s\":"
        + (i % 300 - 150)
        + ",\"f\":"
        + (i % 50) * 0.1
        + ",\"d\":"
        + i * 0.37
        + ",\"b\":"
        + (i % 3 == 0)
        + ",\"t\":\"hello world "
        + i % 4
        + "\",\"ts\":"
        + ts
        + ",\"tsn\":\"2022-07-0"
        + (1 + i % 9)
        + "T00:00:00."
        + String.format("%09d", i * 7_919L)
        + "Z\",\"tags\":[\"x"
        + i % 3
        + "\",\"y\"],\"obj\":{\"code\":\"c"
        + i % 5
        + "\"}}";
  }

  /** Several values in one-value columns, and a value the index ignores as malformed. */
  private static String odd(String doc, int i) {
    return switch (i) {
      case 10 -> doc.replaceFirst("\"n\":[^,]+", "\"n\":[4,5]");
      case 12 -> doc.replaceFirst("\"kw\":[^,]+", "\"kw\":[\"k12\",\"k12\"]");
      case 14 -> doc.replaceFirst("\"n\":[^,]+", "\"n\":\"not a number\"");
      case 16 -> doc.replaceFirst("\"b\":[^,]+", "\"b\":[true,true]");
      case 18 -> doc.replaceFirst("\"s\":[^,]+", "\"s\":[7,7]");
      default -> doc;
    };
  }

  @Test
  void groupedAndGlobalAggregatesAreAnsweredByTheCluster() {
    List<String> anyRead =
        List.of(
            "SELECT b, MIN(d), MAX(d), MIN(f), MAX(f), MIN(ts), MAX(ts) FROM %s GROUP BY b",
            "SELECT ts, COUNT(*), COUNT(ts) FROM %s GROUP BY ts",
            "SELECT n, s, COUNT(*), SUM(big), AVG(s), COUNT(b) FROM %s GROUP BY n, s",
            "SELECT MIN(n), MAX(big), SUM(n), AVG(big), MIN(ts), COUNT(d) FROM %s",
            "SELECT MAX(s) + 1, COUNT(*) FROM %s",
            "SELECT b, SUM(n) FROM %s GROUP BY b HAVING SUM(n) > 0",
            "SELECT kw, COUNT(*), COUNT(n), MIN(n), MAX(n), SUM(n), AVG(n) FROM %s GROUP BY kw",
            "SELECT obj.code, MIN(big), MAX(big), SUM(s), COUNT(kw) FROM %s GROUP BY obj.code",
            "SELECT grp, b, COUNT(*), MAX(ts) FROM %s GROUP BY grp, b");
    for (String query : anyRead) {
      for (String onMismatch : List.of("rescue", "fail")) {
        assertPushed(CLEAN, query, onMismatch);
      }
    }
    assertPushed(MIXED, "SELECT kw, COUNT(*), COUNT(kw) FROM %s GROUP BY kw", "rescue");
    String plan =
        assertPushed(MIXED, "SELECT ts, MAX(big), AVG(big) FROM %s GROUP BY ts", "rescue");
    assertTrue(plan.contains("by composite aggregation on [ts]"), plan);
    plan = assertPushed(WIDE, "SELECT b, MIN(big), MAX(big) FROM %s GROUP BY b", "rescue");
    assertTrue(plan.contains("MIN(big), MAX(big) by composite aggregation on [b]"), plan);
  }

  @Test
  void everyGroupIsReturnedAcrossPages() {
    String query = "SELECT kw, COUNT(*), MAX(n) FROM %s GROUP BY kw";
    String plan = assertPushed(CLEAN, query, "fail");
    assertTrue(plan.contains("page_size=" + PAGE), plan);
    long groups = on(CLEAN, "fail", query).count();
    assertTrue(groups > 2 * PAGE, groups + " groups, more than two pages");
    Row nullGroup =
        on(CLEAN, "fail", "SELECT COUNT(*) FROM (" + query + ") WHERE kw IS NULL").head();
    assertEquals(1L, nullGroup.getLong(0), "documents without kw form one group");
    long bigGroups = on(CLEAN, "rescue", "SELECT big, COUNT(*) FROM %s GROUP BY big").count();
    assertEquals(DOCUMENTS, bigGroups);
    assertPushed(CLEAN, "SELECT big, COUNT(*), MIN(ts) FROM %s GROUP BY big", "rescue");
  }

  @Test
  void emptyResultsAndPushedFiltersOnColumnsOfOneValue() {
    List<String> queries =
        List.of(
            "SELECT kw, COUNT(*), MIN(n) FROM %s WHERE n > 1000 GROUP BY kw",
            "SELECT MIN(n), MAX(ts), SUM(n), AVG(n), COUNT(n), COUNT(*) FROM %s WHERE n > 1000",
            "SELECT grp, MIN(n), SUM(big) FROM %s WHERE kw IN ('k4', 'k6', 'k7') GROUP BY grp");
    for (String query : queries) {
      for (String onMismatch : List.of("rescue", "fail")) {
        String plan = assertPushed(CLEAN, query, onMismatch);
        assertTrue(plan.contains("query="), plan);
      }
    }
    Row empty = on(CLEAN, "rescue", queries.get(1)).head();
    assertTrue(empty.isNullAt(0) && empty.isNullAt(2) && empty.isNullAt(3), empty.toString());
    assertEquals(0L, empty.getLong(5));
  }

  @Test
  void aggregatesThatWouldDifferStayWithSpark() {
    List<String> kept =
        List.of(
            "SELECT b, SUM(d) FROM %s GROUP BY b",
            "SELECT AVG(f) FROM %s",
            "SELECT tags, COUNT(*) FROM %s GROUP BY tags",
            "SELECT t, COUNT(*) FROM %s GROUP BY t",
            "SELECT capped, COUNT(*) FROM %s GROUP BY capped",
            "SELECT d, COUNT(*) FROM %s GROUP BY d",
            "SELECT COUNT(DISTINCT n) FROM %s",
            "SELECT MIN(kw) FROM %s",
            "SELECT tsn, COUNT(*) FROM %s GROUP BY tsn",
            "SELECT b, MIN(tsn) FROM %s GROUP BY b");
    for (String query : kept) {
      for (String onMismatch : List.of("rescue", "fail")) {
        assertNotPushed(CLEAN, query, onMismatch);
      }
    }
    String plan = assertNotPushed(CLEAN, "SELECT b, SUM(d) FROM %s GROUP BY b", "rescue");
    assertTrue(plan.contains("SUM(d): a floating-point sum depends on the order"), plan);
    plan = assertNotPushed(MIXED, "SELECT ts, SUM(n) FROM %s GROUP BY ts", "rescue");
    assertTrue(plan.contains("column n holds several values"), plan);
    plan = assertNotPushed(MIXED, "SELECT b, COUNT(*) FROM %s GROUP BY b", "rescue");
    assertTrue(plan.contains("column b holds several values"), plan);
    plan = assertNotPushed(MIXED, "SELECT MAX(s) FROM %s", "rescue");
    assertTrue(plan.contains("column s holds several values"), plan);
    plan = assertNotPushed(WIDE, "SELECT SUM(big) FROM %s", "rescue");
    assertTrue(plan.contains("pass 2^53"), plan);
    plan = assertNotPushed(HUGE, "SELECT b, MIN(big) FROM %s GROUP BY b", "rescue");
    assertTrue(plan.contains("pass 2^53"), plan);
  }

  @Test
  void keywordArraysRepeatingOneValueArePushedInTheDefaultMode() {
    List<String> queries =
        List.of(
            "SELECT kw, COUNT(*), COUNT(kw), SUM(n) FROM %s GROUP BY kw",
            "SELECT COUNT(kw), COUNT(*), MIN(n) FROM %s",
            "SELECT kw, b, COUNT(*) FROM %s GROUP BY kw, b");
    for (String query : queries) {
      String plan = assertPushed(REPEATS, query, "rescue");
      assertFalse(plan.contains("Filter "), plan);
    }
    List<Row> groups =
        on(REPEATS, "rescue", "SELECT kw, COUNT(*) FROM %s GROUP BY kw ORDER BY kw")
            .collectAsList();
    assertEquals("[[null,3], [,1], [20,2], [a,3], [b,2], [true,1]]", groups.toString());
    Row counted = on(REPEATS, "rescue", "SELECT COUNT(kw), COUNT(*) FROM %s").head();
    assertEquals("[9,12]", counted.toString());

    for (String query : queries) {
      String plan = assertNotPushed(DIFFERENT, query, "rescue");
      assertTrue(plan.contains("column kw holds several values"), plan);
    }
    String filtered = "SELECT kw, COUNT(*), SUM(n) FROM %s WHERE kw <> 'b' OR n > 3 GROUP BY kw";
    String plan = assertPushed(REPEATS, filtered, "rescue");
    assertTrue(plan.contains("query="), plan);
    plan = assertNotPushed(DIFFERENT, filtered, "rescue");
    assertTrue(plan.contains("Filter "), "kw holds different values in one document: " + plan);
    assertEquals(
        "[[null,4], [,1], [20,2], [a,3], [b,2], [true,1]]",
        on(DIFFERENT, "rescue", "SELECT kw, COUNT(*) FROM %s GROUP BY kw ORDER BY kw")
            .collectAsList()
            .toString());
  }

  @Test
  void theSwitchTurnsAggregatePushdownOff() {
    Dataset<Row> off =
        spark()
            .read()
            .option("pushdown_aggregates", "false")
            .table(table(CLEAN))
            .groupBy("kw")
            .max("n");
    String plan = off.queryExecution().executedPlan().toString();
    assertFalse(plan.contains("aggregate="), plan);
    assertTrue(off.count() > PAGE);
  }

  @Test
  void dateFiltersBecomeRangesWithAnExplicitFormat() {
    List<String> conditions =
        List.of(
            "ts >= TIMESTAMP '2021-03-05 02:15:00.25'",
            "ts > TIMESTAMP '2021-03-05 02:15:00.25'",
            "ts < TIMESTAMP '2021-03-05 02:15:00.250001'",
            "ts <= TIMESTAMP '2021-03-05 02:15:00.249999'",
            "ts = TIMESTAMP '2021-03-10 05:15:00.25'",
            "TIMESTAMP '2020-10-01 00:00:00' > ts",
            "ts BETWEEN TIMESTAMP '2021-03-01 00:00:00' AND TIMESTAMP '2021-03-03 00:00:00'",
            "tsn > TIMESTAMP '2022-07-03 17:00:00.000413'",
            "tsn = TIMESTAMP '2022-07-02 17:00:00.000007'",
            "tsn < TIMESTAMP '2022-07-02 17:00:00.000008' OR kw = 'k2'");
    for (String condition : conditions) {
      for (String onMismatch : List.of("rescue", "fail")) {
        String query = "SELECT * FROM %s WHERE " + condition;
        String plan = assertSameRows(CLEAN, query, onMismatch);
        assertTrue(plan.contains("\"range\""), condition + " is sent: " + plan);
        assertTrue(plan.contains("\"format\":\""), plan);
      }
    }
    Dataset<Row> nanos =
        on(CLEAN, "fail", "SELECT * FROM %s WHERE tsn >= TIMESTAMP '2022-07-03 17:00:00'");
    assertFalse(
        nanos.queryExecution().executedPlan().toString().contains("Filter "),
        "a date_nanos range is exact: " + nanos.queryExecution().executedPlan());
    Dataset<Row> millis = on(CLEAN, "fail", "SELECT * FROM %s WHERE ts >= TIMESTAMP '2021-03-05'");
    assertTrue(millis.queryExecution().executedPlan().toString().contains("Filter "));
    assertNotSent("ts <> TIMESTAMP '2021-03-10 05:15:00.25'");
    assertNotSent("ts IN (TIMESTAMP '2021-03-10 05:15:00.25', TIMESTAMP '2021-03-11 06:15:00.25')");
  }

  private static void assertNotSent(String condition) {
    String plan = assertSameRows(CLEAN, "SELECT * FROM %s WHERE " + condition, "fail");
    assertFalse(plan.contains("\"range\""), condition + " is not sent: " + plan);
  }

  private static String assertPushed(String index, String query, String onMismatch) {
    String plan = assertSameRows(index, query, onMismatch);
    assertTrue(plan.contains("aggregate="), query + " is pushed: " + plan);
    assertFalse(plan.contains("aggregate not pushed"), plan);
    return plan;
  }

  private static String assertNotPushed(String index, String query, String onMismatch) {
    String plan = assertSameRows(index, query, onMismatch);
    assertFalse(plan.contains("aggregate="), query + " is not pushed: " + plan);
    return plan;
  }

  /**
   * Runs a query (its {@code %s} the table) with pushdown on and off; the same rows and types
   * either way. Returns the plan with pushdown on.
   */
  private static String assertSameRows(String index, String query, String onMismatch) {
    Dataset<Row> on = on(index, onMismatch, query);
    Dataset<Row> off = off(index, onMismatch, query);
    String plan = on.queryExecution().executedPlan().toString();
    assertEquals(off.schema(), on.schema(), query);
    assertEquals(sorted(off), sorted(on), query + " on " + index + ": " + plan);
    return plan;
  }

  private static Dataset<Row> on(String index, String onMismatch, String query) {
    return run(reader(true, onMismatch), index, query, "on");
  }

  private static Dataset<Row> off(String index, String onMismatch, String query) {
    return run(reader(false, onMismatch), index, query, "off");
  }

  private static Dataset<Row> run(DataFrameReader reader, String index, String query, String tag) {
    String view = "agg_" + index.replace('-', '_') + "_" + tag;
    reader.table(table(index)).createOrReplaceTempView(view);
    return spark().sql(query.replace("%1$s", view).replace("%s", view));
  }

  private static List<String> sorted(Dataset<Row> rows) {
    List<String> texts = new ArrayList<>();
    rows.collectAsList().forEach(row -> texts.add(row.toString()));
    texts.sort(null);
    return texts;
  }

  private static String table(String index) {
    return CATALOG + ".`" + index + "`";
  }

  private static DataFrameReader reader(boolean pushdown, String onMismatch) {
    String on = String.valueOf(pushdown);
    return spark()
        .read()
        .option("pushdown_filters", on)
        .option("pushdown_aggregates", on)
        .option("page_size", String.valueOf(PAGE))
        .option("on_mismatch", onMismatch);
  }
}

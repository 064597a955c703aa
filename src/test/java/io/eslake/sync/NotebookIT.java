package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.IntegrationTest;
import io.eslake.local.Notebooks;
import io.eslake.local.SampleData;
import io.eslake.local.SqlRunner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every SQL statement of every notebook in notebooks/ against the local cluster and Spark,
 * after a sync, with the notebooks' parameters filled in for this cluster: each SQL cell of the
 * Databricks source notebooks ({@code .sql}), and each statement the code cells of the Jupyter
 * notebooks ({@code .ipynb}) pass to {@code spark.sql(...)}. Each query that returns rows must
 * return some. The Python around those calls is not run: there is no Python kernel here.
 */
class NotebookIT extends IntegrationTest {

  private static final Pattern SPARK_SQL_CALL = Pattern.compile("spark\\.sql\\(");

  @TempDir static Path warehouse;

  /**
   * More indices sorting before nb-flights than the SQL runner prints rows of a result, as other
   * test classes' indices may be on the shared cluster: no assertion may depend on the place of
   * nb-flights in the listing.
   */
  private static final List<String> LISTED_FIRST =
      java.util.stream.IntStream.rangeClosed(0, SqlRunner.MAX_ROWS)
          .mapToObj(i -> String.format(Locale.ROOT, "nb-aa-%02d", i))
          .toList();

  @BeforeAll
  static void syncAnIndex() {
    SampleData.fetch().loadFlights(admin(), "nb-flights", "flights-20k.json", 2);
    SyncJobIT.Run run =
        SyncJobIT.run(SyncJobIT.argsFor(warehouse, es().password(), "--indices", "nb-flights"));
    assertEquals(0, run.code(), run.err());
    String settings = "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}";
    LISTED_FIRST.forEach(index -> admin().recreateIndex(index, settings));
  }

  @AfterAll
  static void deleteTheIndicesListedFirst() {
    admin().send("DELETE", "/" + String.join(",", LISTED_FIRST), null);
  }

  /** The parameters of the notebooks, for this cluster and the table synced above. */
  static Map<String, String> parameterValues(Path warehouse) throws IOException {
    Path passwordFile = warehouse.resolve("notebook-password");
    Files.writeString(passwordFile, es().password());
    Map<String, String> values = new LinkedHashMap<>();
    values.put("catalog", "nb_es");
    values.put("es_url", es().url());
    values.put("es_username", es().username());
    values.put("password_file", passwordFile.toString());
    values.put("index", "nb-flights");
    values.put("synced_table", "delta.`" + warehouse.resolve("nb_flights") + "`");
    values.put("history_table", "delta.`" + warehouse.resolve("sync_runs") + "`");
    return values;
  }

  private static List<Path> notebooks(String ending) throws IOException {
    try (Stream<Path> files = Files.list(Path.of("notebooks"))) {
      return files.filter(p -> p.toString().endsWith(ending)).sorted().toList();
    }
  }

  @Test
  void everySqlCellOfEveryDatabricksNotebookRunsAndFindsTheData() throws IOException {
    List<Path> notebooks = notebooks(".sql");
    assertFalse(notebooks.isEmpty());
    for (Path notebook : notebooks) {
      assertTrue(
          Files.readString(notebook).startsWith("-- Databricks notebook source\n"),
          notebook + ": format");
      runEveryStatement(notebook);
    }
  }

  @Test
  void everySparkSqlCallOfEveryJupyterNotebookRunsAndFindsTheData() throws IOException {
    List<Path> notebooks = notebooks(".ipynb");
    assertFalse(notebooks.isEmpty());
    for (Path notebook : notebooks) {
      Notebooks.Notebook parsed = Notebooks.read(notebook);
      assertTrue(parsed.parameters().containsKey("es_url"), notebook + ": a parameters cell");
      long calls = SPARK_SQL_CALL.matcher(Files.readString(notebook)).results().count();
      long statements = parsed.cells().stream().mapToLong(List::size).sum();
      assertEquals(calls, statements, notebook + ": every spark.sql(...) call is read");
      runEveryStatement(notebook);
    }
  }

  private void runEveryStatement(Path notebook) throws IOException {
    Notebooks.Notebook parsed = Notebooks.read(notebook);
    Map<String, String> values = parameterValues(warehouse);
    assertTrue(
        values
            .keySet()
            .containsAll(
                parsed.parameters().keySet().stream()
                    .filter(name -> !List.of("eslake_jar", "delta_package").contains(name))
                    .toList()),
        notebook + ": a value for each parameter " + parsed.parameters().keySet());
    int queries = 0;
    boolean compared = false;
    for (String statement : parsed.statements(values)) {
      List<Row> rows = execute(notebook, statement);
      String verb = statement.trim().split("\\s+")[0].toUpperCase(Locale.ROOT);
      if (List.of("SELECT", "SHOW", "DESCRIBE").contains(verb)) {
        queries++;
        assertFalse(rows.isEmpty(), notebook + ": no rows from " + statement);
      }
      if (statement.contains("AS only_in_elasticsearch")) {
        assertEquals(0L, rows.get(0).getLong(0), "the index and its table hold the same ids");
        assertEquals(0L, rows.get(0).getLong(1));
        compared = true;
      }
    }
    assertTrue(queries >= 6, notebook + " ran " + queries + " queries");
    assertTrue(compared, notebook + " compares the index with its Delta table");
  }

  @Test
  void theSqlRunnerPrintsEachStatementOfANotebookAsATable() throws IOException {
    Output output = new Output();

    int code =
        new SqlRunner(spark(), parameterValues(warehouse), output.out, output.err)
            .run("notebooks/eslake_tour.ipynb", InputStream.nullInputStream());

    assertEquals(0, code, output.err());
    String out = output.out();
    assertTrue(out.contains("> SHOW TABLES IN nb_es"), out);
    assertTrue(
        Pattern.compile("\\| namespace +\\| tableName +\\| isTemporary +\\|").matcher(out).find(),
        out);
    assertTrue(out.contains("(first " + SqlRunner.MAX_ROWS + " rows shown)"), out);
    List<String> listed =
        spark().sql("SHOW TABLES IN nb_es").collectAsList().stream()
            .map(row -> row.getString(1))
            .toList();
    assertTrue(listed.contains("nb-flights"), listed.toString());
    assertTrue(listed.containsAll(LISTED_FIRST), listed.toString());
    assertTrue(Pattern.compile("\\| elasticsearch \\| 20000 +\\|").matcher(out).find(), out);
    assertTrue(Pattern.compile("\\| delta +\\| 20000 +\\|").matcher(out).find(), out);
    assertTrue(Pattern.compile("\\| origin +\\| string +\\|").matcher(out).find(), out);
    assertFalse(out.contains(es().password()), "the password stays in its file");
    assertEquals("", output.err());
  }

  @Test
  void theSqlRunnerRunsStatementsFromStandardInputAndNamesAFailureInOneLine() {
    // "es", as in the notebooks; es-hadoop, on the test class path, registers "es" as a data
    // source.
    String catalog = registerCatalog("es");
    String input =
        "SELECT count(*) AS n\n  FROM "
            + catalog
            + ".`nb-flights`;\n-- a comment\nSELECT nothing FROM "
            + catalog
            + ".`no-such-index`;\nSELECT 1 AS one";
    Output output = new Output();

    int code =
        new SqlRunner(spark(), Map.of(), output.out, output.err)
            .run("-", new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));

    assertEquals(1, code, "a statement failed");
    assertTrue(Pattern.compile("\\| 20000 \\|\\n").matcher(output.out()).find(), output.out());
    assertTrue(output.out().contains("| one |\n"), "the statement after the failure ran");
    List<String> errors = output.err().lines().toList();
    assertEquals(1, errors.size(), output.err());
    assertTrue(errors.get(0).startsWith("eslake sql: The statement failed: "), errors.get(0));
    assertTrue(errors.get(0).contains("no table of that name in catalog es"), errors.get(0));
    assertTrue(errors.get(0).contains("SHOW TABLES IN es)"), errors.get(0));
  }

  @Test
  void theSqlRunnerMasksASecretSetInTheSqlAsSparkDoes() {
    String key = "spark.sql.catalog.nb_secret_probe.password";
    String input = "SET " + key + "=s3cr3t-in-sql;\nSET eslake.test.shown = 3";
    Output output = new Output();
    try {
      int code =
          new SqlRunner(spark(), Map.of(), output.out, output.err)
              .run("-", new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));

      assertEquals(0, code, output.err());
      assertEquals("s3cr3t-in-sql", spark().conf().get(key), "the statement ran as written");
      assertFalse(output.out().contains("s3cr3t"), output.out());
      assertTrue(output.out().contains("> SET " + key + "=*********(redacted)"), output.out());
      assertTrue(output.out().contains("| " + key + " | *********(redacted) |"), output.out());
      assertTrue(output.out().contains("| eslake.test.shown | 3     |"), output.out());
    } finally {
      spark().conf().unset(key);
      spark().conf().unset("eslake.test.shown");
    }
  }

  @Test
  void theSqlRunnerNamesAMissingFileInOneLine() {
    Output output = new Output();

    int code =
        new SqlRunner(spark(), Map.of(), output.out, output.err)
            .run("notebooks/no-such.sql", InputStream.nullInputStream());

    assertEquals(2, code);
    assertEquals(1, output.err().lines().count(), output.err());
    assertTrue(output.err().startsWith("eslake sql: No file "), output.err());
    assertTrue(output.err().contains("-Dquickstart.sql"), output.err());
  }

  /** What the runner printed, on its two streams. */
  private static final class Output {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    String out() {
      return outBytes.toString(StandardCharsets.UTF_8);
    }

    String err() {
      return errBytes.toString(StandardCharsets.UTF_8);
    }
  }

  private static List<Row> execute(Path notebook, String sql) {
    try {
      return spark().sql(sql).collectAsList();
    } catch (RuntimeException e) {
      throw new AssertionError(notebook + ": " + sql + " failed: " + e.getMessage(), e);
    }
  }
}

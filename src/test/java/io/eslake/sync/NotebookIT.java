package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.IntegrationTest;
import io.eslake.local.SampleData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every SQL cell of every notebook in notebooks/ (Databricks source format) against the local
 * cluster and Spark, after a sync, with the notebooks' widgets filled in for this cluster: each
 * query that returns rows must return some.
 */
class NotebookIT extends IntegrationTest {

  private static final String CELL_SEPARATOR = "\n-- COMMAND ----------\n";
  private static final Pattern WIDGET =
      Pattern.compile("CREATE WIDGET TEXT (\\w+) DEFAULT '([^']*)'", Pattern.CASE_INSENSITIVE);
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{(\\w+)}");

  @TempDir static Path warehouse;

  @BeforeAll
  static void syncAnIndex() {
    SampleData.fetch().loadFlights(admin(), "nb-flights", "flights-20k.json", 2);
    SyncJobIT.Run run =
        SyncJobIT.run(SyncJobIT.argsFor(warehouse, es().password(), "--indices", "nb-flights"));
    assertEquals(0, run.code(), run.err());
  }

  private static Map<String, String> widgetValues() throws IOException {
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

  @Test
  void everySqlCellOfEveryNotebookRunsAndFindsTheData() throws IOException {
    List<Path> notebooks;
    try (Stream<Path> files = Files.list(Path.of("notebooks"))) {
      notebooks = files.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
    }
    assertFalse(notebooks.isEmpty());
    Map<String, String> values = widgetValues();
    for (Path notebook : notebooks) {
      String text = Files.readString(notebook);
      assertTrue(text.startsWith("-- Databricks notebook source\n"), notebook + ": format");
      int queries = 0;
      for (String cell : text.split(CELL_SEPARATOR)) {
        for (String statement : statements(cell)) {
          Matcher widget = WIDGET.matcher(statement);
          if (widget.matches()) {
            assertTrue(values.containsKey(widget.group(1)), "a value for " + widget.group(1));
            continue;
          }
          List<Row> rows = execute(notebook, substitute(statement, values));
          String verb = statement.trim().split("\\s+")[0].toUpperCase(Locale.ROOT);
          if (List.of("SELECT", "SHOW", "DESCRIBE").contains(verb)) {
            queries++;
            assertFalse(rows.isEmpty(), notebook + ": no rows from " + statement);
          }
          if (statement.contains("AS only_in_elasticsearch")) {
            assertEquals(0L, rows.get(0).getLong(0), "the index and its table hold the same ids");
            assertEquals(0L, rows.get(0).getLong(1));
          }
        }
      }
      assertTrue(queries >= 6, notebook + " ran " + queries + " queries");
    }
  }

  private static List<Row> execute(Path notebook, String sql) {
    try {
      return spark().sql(sql).collectAsList();
    } catch (RuntimeException e) {
      throw new AssertionError(notebook + ": " + sql + " failed: " + e.getMessage(), e);
    }
  }

  /** The SQL statements of a cell: none for a markdown cell; split at semicolons ending lines. */
  private static List<String> statements(String cell) {
    List<String> statements = new ArrayList<>();
    if (cell.lines().anyMatch(line -> line.startsWith("-- MAGIC"))) {
      return statements;
    }
    StringBuilder current = new StringBuilder();
    for (String line : cell.lines().toList()) {
      if (line.startsWith("--")) {
        continue;
      }
      String trimmed = line.stripTrailing();
      boolean ends = trimmed.endsWith(";");
      current.append(ends ? trimmed.substring(0, trimmed.length() - 1) : line).append('\n');
      if (ends) {
        add(statements, current);
      }
    }
    add(statements, current);
    return statements;
  }

  private static void add(List<String> statements, StringBuilder current) {
    if (!current.toString().isBlank()) {
      statements.add(current.toString().trim());
    }
    current.setLength(0);
  }

  private static String substitute(String statement, Map<String, String> values) {
    Matcher reference = REFERENCE.matcher(statement);
    StringBuilder out = new StringBuilder();
    while (reference.find()) {
      String value = values.get(reference.group(1));
      assertTrue(value != null, "no value for ${" + reference.group(1) + "}");
      reference.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    reference.appendTail(out);
    return out.toString();
  }
}

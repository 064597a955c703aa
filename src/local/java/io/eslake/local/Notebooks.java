package io.eslake.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL statements of a notebook, cell by cell, with the notebook's parameters: a Databricks
 * source notebook ({@code .sql}: its SQL cells, its {@code CREATE WIDGET TEXT} widgets), a Jupyter
 * notebook ({@code .ipynb}: the string literals its code cells pass to {@code spark.sql(...)}, the
 * string assignments of its cell tagged {@code parameters}), or a plain SQL file. References to
 * parameters are kept as {@code ${name}} in both formats (a Python f-string's {@code {name}} is
 * rewritten so), for {@link #substitute} to fill in.
 */
public final class Notebooks {

  /** One notebook: its parameters with their default values, and its cells' statements. */
  public record Notebook(Map<String, String> parameters, List<List<String>> cells) {

    /** Every statement, in order, its references filled in from the given values. */
    public List<String> statements(Map<String, String> values) {
      List<String> statements = new ArrayList<>();
      cells.forEach(cell -> cell.forEach(s -> statements.add(substitute(s, values))));
      return statements;
    }
  }

  private static final String DATABRICKS_HEADER = "-- Databricks notebook source";
  private static final String CELL_SEPARATOR = "\n-- COMMAND ----------\n";
  private static final Pattern WIDGET =
      Pattern.compile(
          "CREATE\\s+WIDGET\\s+TEXT\\s+(\\w+)\\s+DEFAULT\\s+'([^']*)'", Pattern.CASE_INSENSITIVE);
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{(\\w+)}");
  private static final Pattern SPARK_SQL =
      Pattern.compile("spark\\.sql\\(\\s*(f?)(\"\"\"|'''|\"|')(.*?)\\2\\s*\\)", Pattern.DOTALL);
  private static final Pattern PYTHON_STRING_ASSIGNMENT =
      Pattern.compile("^(\\w+)\\s*=\\s*([\"'])(.*)\\2\\s*(#.*)?$");
  private static final Pattern F_STRING_FIELD = Pattern.compile("(?<!\\{)\\{(\\w+)}(?!})");

  private Notebooks() {}

  /**
   * Reads a notebook by its file name's ending.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException when a Jupyter notebook is not notebook JSON
   */
  public static Notebook read(Path file) throws IOException {
    String text = Files.readString(file);
    return file.toString().endsWith(".ipynb") ? jupyter(text, file) : sql(text);
  }

  /** A Databricks source notebook, or plain SQL (one cell) when it lacks the header. */
  public static Notebook sql(String text) {
    String normalized = text.replace("\r\n", "\n");
    Map<String, String> parameters = new LinkedHashMap<>();
    List<List<String>> cells = new ArrayList<>();
    String[] parts =
        normalized.startsWith(DATABRICKS_HEADER)
            ? normalized.split(CELL_SEPARATOR)
            : new String[] {normalized};
    for (String cell : parts) {
      if (cell.lines().anyMatch(line -> line.startsWith("-- MAGIC"))) {
        continue;
      }
      List<String> statements = new ArrayList<>();
      for (String statement : splitStatements(cell)) {
        Matcher widget = WIDGET.matcher(statement);
        if (widget.matches()) {
          parameters.put(widget.group(1), widget.group(2));
        } else {
          statements.add(statement);
        }
      }
      if (!statements.isEmpty()) {
        cells.add(statements);
      }
    }
    return new Notebook(parameters, cells);
  }

  private static Notebook jupyter(String text, Path file) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " is not notebook JSON: " + e.getMessage());
    }
    if (!root.path("cells").isArray()) {
      throw new IllegalArgumentException(file + " is not a Jupyter notebook: it has no cells");
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    List<List<String>> cells = new ArrayList<>();
    for (JsonNode cell : root.path("cells")) {
      if (!cell.path("cell_type").asText().equals("code")) {
        continue;
      }
      String source = source(cell.path("source"));
      if (tags(cell).contains("parameters")) {
        source
            .lines()
            .map(line -> PYTHON_STRING_ASSIGNMENT.matcher(line.strip()))
            .filter(Matcher::matches)
            .forEach(m -> parameters.put(m.group(1), m.group(3)));
      }
      List<String> statements = new ArrayList<>();
      Matcher call = SPARK_SQL.matcher(source);
      while (call.find()) {
        String sql = call.group(3).strip();
        statements.add(call.group(1).isEmpty() ? sql : fromFString(sql));
      }
      if (!statements.isEmpty()) {
        cells.add(statements);
      }
    }
    return new Notebook(parameters, cells);
  }

  /** Fills in {@code ${name}} references; a reference without a value is an error naming it. */
  public static String substitute(String statement, Map<String, String> values) {
    Matcher reference = REFERENCE.matcher(statement);
    StringBuilder out = new StringBuilder();
    while (reference.find()) {
      String value = values.get(reference.group(1));
      if (value == null) {
        throw new IllegalArgumentException(
            "No value for the parameter '" + reference.group(1) + "' in: " + statement);
      }
      reference.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    reference.appendTail(out);
    return out.toString();
  }

  /**
   * The statements of SQL text: split at semicolons that end a line, comment lines left out, so
   * that a semicolon inside a string literal on a line does not split it.
   */
  public static List<String> splitStatements(String text) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.lines().toList()) {
      if (line.strip().startsWith("--")) {
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
      statements.add(current.toString().strip());
    }
    current.setLength(0);
  }

  /** A Python f-string's text with its fields as {@code ${name}} and its doubled braces undone. */
  private static String fromFString(String text) {
    String fields = F_STRING_FIELD.matcher(text).replaceAll(m -> "\\${" + m.group(1) + "}");
    return fields.replace("{{", "{").replace("}}", "}");
  }

  private static String source(JsonNode source) {
    if (source.isArray()) {
      StringBuilder text = new StringBuilder();
      source.forEach(line -> text.append(line.asText()));
      return text.toString();
    }
    return source.asText();
  }

  private static List<String> tags(JsonNode cell) {
    List<String> tags = new ArrayList<>();
    cell.path("metadata").path("tags").forEach(tag -> tags.add(tag.asText()));
    return tags;
  }
}

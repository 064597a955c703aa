package io.eslake.local;

import io.eslake.spark.SparkRedaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Runs SQL against the catalog and prints each result as a table: every statement of a notebook
 * ({@code .sql} in Databricks source format or plain SQL, or {@code .ipynb}), cell by cell, or the
 * statements read from standard input. The quickstart starts it with {@code -Dquickstart.sql=FILE}
 * (or {@code -} for standard input) once its sync is done, with the notebook's parameters filled in
 * for the cluster and tables at hand.
 */
public final class SqlRunner {

  private static final Pattern FILE_QUERY = Pattern.compile("direct query on files: ([^;\\s]+)");

  private static final Pattern SET_STATEMENT =
      Pattern.compile("\\s*SET\\s+([^=\\s]+)\\s*=.*", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  /** Rows of a result shown at most; the count of all is printed under them. */
  public static final int MAX_ROWS = 20;

  /** Characters of a cell shown at most. */
  static final int MAX_CELL = 60;

  private final SparkSession spark;
  private final Map<String, String> values;
  private final PrintStream out;
  private final PrintStream err;

  /**
   * @param values the parameters of notebooks (widgets, the {@code parameters} cell) for the
   *     cluster at hand; a notebook's own defaults fill in the others
   */
  public SqlRunner(
      SparkSession spark, Map<String, String> values, PrintStream out, PrintStream err) {
    this.spark = spark;
    this.values = Map.copyOf(values);
    this.out = out;
    this.err = err;
  }

  /**
   * Runs every statement of a notebook or SQL file, or of standard input for {@code -}.
   *
   * @return 0 when every statement ran, 1 when one failed, 2 when the file cannot be read
   */
  public int run(String source, InputStream stdin) {
    if (source.equals("-")) {
      return runStream(stdin);
    }
    Path file = Path.of(source);
    Notebooks.Notebook notebook;
    try {
      notebook = Notebooks.read(file);
    } catch (NoSuchFileException e) {
      err.println(
          "eslake sql: No file "
              + file.toAbsolutePath()
              + ". Give -Dquickstart.sql a .sql or .ipynb notebook (notebooks/eslake_tour.sql).");
      return 2;
    } catch (IOException | IllegalArgumentException e) {
      err.println("eslake sql: Cannot read " + file + ": " + e.getMessage());
      return 2;
    }
    if (notebook.cells().isEmpty()) {
      err.println(
          "eslake sql: " + file + " holds no SQL statement (no SQL cell, no spark.sql(...) call).");
      return 2;
    }
    Map<String, String> merged = new LinkedHashMap<>(notebook.parameters());
    merged.putAll(values);
    out.println("Running the SQL of " + file + " with " + shown(merged));
    int code = 0;
    int cellNumber = 0;
    for (List<String> cell : notebook.cells()) {
      cellNumber++;
      out.println();
      out.println("-- cell " + cellNumber);
      for (String statement : cell) {
        code = Math.max(code, execute(Notebooks.substitute(statement, merged)));
      }
    }
    return code;
  }

  /**
   * Runs statements as they arrive on a stream, each when a line ends with a semicolon (and the
   * last at the end of the stream), so that statements typed by hand run one by one.
   */
  int runStream(InputStream in) {
    int code = 0;
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      StringBuilder pending = new StringBuilder();
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        pending.append(line).append('\n');
        if (line.stripTrailing().endsWith(";")) {
          code = Math.max(code, runText(pending.toString()));
          pending.setLength(0);
        }
      }
      code = Math.max(code, runText(pending.toString()));
    } catch (IOException e) {
      err.println("eslake sql: Cannot read standard input: " + e.getMessage());
      return 2;
    }
    return code;
  }

  /** Runs the statements of SQL text, separated by semicolons at line ends. */
  int runText(String text) {
    int code = 0;
    for (String statement : Notebooks.splitStatements(text)) {
      String filled;
      try {
        filled = Notebooks.substitute(statement, values);
      } catch (IllegalArgumentException e) {
        err.println("eslake sql: " + e.getMessage());
        code = 1;
        continue;
      }
      code = Math.max(code, execute(filled));
    }
    return code;
  }

  /** Runs one statement and prints its result; a failure is one line on the error stream. */
  int execute(String statement) {
    out.println();
    out.println("> " + redacted(statement).replace("\n", "\n  "));
    List<Row> rows;
    String[] columns;
    try {
      Dataset<Row> result = spark.sql(statement);
      columns = result.columns();
      rows = result.limit(MAX_ROWS + 1).collectAsList();
    } catch (Exception e) {
      // Spark's AnalysisException is checked in Java's eyes, though Scala throws it undeclared.
      err.println("eslake sql: The statement failed: " + described(e) + hint(firstLine(e)));
      return 1;
    }
    if (columns.length == 0) {
      out.println("OK");
      return 0;
    }
    out.print(table(columns, redacted(columns, rows)));
    return 0;
  }

  /**
   * A statement as shown: a {@code SET key=value} whose key Spark's redaction rule hides (a
   * catalog's password, say) shows the key and Spark's mask in place of the value.
   */
  static String redacted(String statement) {
    Matcher set = SET_STATEMENT.matcher(statement);
    if (set.matches() && SparkRedaction.hides(set.group(1))) {
      return "SET " + set.group(1) + "=" + SparkRedaction.REDACTED;
    }
    return statement;
  }

  /** The rows of a {@code SET} answer, with the values of hidden keys masked. */
  private static List<Row> redacted(String[] columns, List<Row> rows) {
    if (!Arrays.equals(columns, new String[] {"key", "value"})) {
      return rows;
    }
    List<Row> shown = new ArrayList<>(rows.size());
    for (Row row : rows) {
      String key = String.valueOf(row.get(0));
      shown.add(SparkRedaction.hides(key) ? RowFactory.create(key, SparkRedaction.REDACTED) : row);
    }
    return shown;
  }

  /** Rows as a text table with a header, at most {@link #MAX_ROWS}, and how many there were. */
  static String table(String[] columns, List<Row> rows) {
    List<String[]> cells = new ArrayList<>();
    cells.add(columns);
    for (Row row : rows.subList(0, Math.min(rows.size(), MAX_ROWS))) {
      String[] line = new String[columns.length];
      for (int i = 0; i < columns.length; i++) {
        line[i] = cell(row.get(i));
      }
      cells.add(line);
    }
    int[] widths = new int[columns.length];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    String rule = rule(widths);
    text.append(rule);
    for (int i = 0; i < cells.size(); i++) {
      text.append('|');
      for (int c = 0; c < widths.length; c++) {
        text.append(' ').append(pad(cells.get(i)[c], widths[c])).append(" |");
      }
      text.append('\n');
      if (i == 0) {
        text.append(rule);
      }
    }
    text.append(rule);
    text.append(
        rows.size() > MAX_ROWS
            ? String.format(Locale.ROOT, "(first %d rows shown)%n", MAX_ROWS)
            : String.format(
                Locale.ROOT, "(%d %s)%n", rows.size(), rows.size() == 1 ? "row" : "rows"));
    return text.toString();
  }

  private static String rule(int[] widths) {
    StringBuilder rule = new StringBuilder("+");
    for (int width : widths) {
      rule.append("-".repeat(width + 2)).append('+');
    }
    return rule.append('\n').toString();
  }

  private static String pad(String text, int width) {
    return text + " ".repeat(width - text.length());
  }

  private static String cell(Object value) {
    String text = value == null ? "NULL" : value.toString().replace('\n', ' ').replace('\r', ' ');
    return text.length() <= MAX_CELL ? text : text.substring(0, MAX_CELL - 3) + "...";
  }

  /**
   * Spark takes {@code catalog.name} for a query on files when no table of that name is in the
   * catalog and a data source is registered under the catalog's name, as es-hadoop (the benchmark's
   * peer, on this runner's class path) registers {@code es}: its message then speaks of data
   * sources, so the likely cause is said too.
   */
  static String hint(String message) {
    Matcher source = FILE_QUERY.matcher(message);
    if (source.find()) {
      return " (no table of that name in catalog "
          + source.group(1)
          + ", so Spark took it for a query on files: see SHOW TABLES IN "
          + source.group(1)
          + ")";
    }
    return "";
  }

  /**
   * A failure in one line: its own first line, and its root cause's where that says something the
   * first does not. Spark wraps a task's failure in one that names no document or field ("Task
   * failed while writing rows"); the connector's error that does is the root cause.
   */
  static String described(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String top = firstLine(e);
    String cause = firstLine(root);
    if (root == e || top.contains(cause)) {
      return top;
    }
    return top.isEmpty() ? cause : top + " (cause: " + cause + ")";
  }

  /** The first line of a failure's message that holds text, or its class's name. */
  private static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    for (String line : message.split("\n")) {
      if (!line.isBlank()) {
        return line.strip();
      }
    }
    return e.getClass().getSimpleName();
  }

  /** The parameters for the header line; none of them is a secret (the password is in a file). */
  private static String shown(Map<String, String> values) {
    List<String> pairs = new ArrayList<>();
    values.forEach((name, value) -> pairs.add(name + "=" + value));
    return String.join(", ", pairs);
  }

  /** Writes a secret to a file only its owner may read, for notebooks that name a file. */
  static Path secretFile(Path file, String secret) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file);
    file.toFile().setReadable(false, false);
    file.toFile().setReadable(true, true);
    file.toFile().setWritable(false, false);
    file.toFile().setWritable(true, true);
    Files.writeString(file, secret);
    return file;
  }
}

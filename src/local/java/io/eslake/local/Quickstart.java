package io.eslake.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The quickstart: starts a local Elasticsearch loaded with real public data (unless a cluster is
 * given in {@code ESLAKE_URL}), runs the sync job through spark-submit's own entry point on {@code
 * local[*]} into a local warehouse folder, then checks that every Delta table holds what its index
 * holds and that a query through the catalog and on Delta agree.
 *
 * <p>Arguments are passed on to the sync job. {@code --keep-running} leaves the local Elasticsearch
 * up afterwards, until Ctrl-C. The system property {@code quickstart.sql} names a notebook or SQL
 * file (or {@code -} for standard input) whose statements then run against the catalog {@code es},
 * each result printed as a table ({@link SqlRunner}).
 */
public final class Quickstart {

  private Quickstart() {}

  public static void main(String[] args) throws Exception {
    String sqlSource = System.getProperty("quickstart.sql", "").trim();
    if (!sqlSource.isEmpty()
        && !sqlSource.equals("-")
        && !Files.isRegularFile(Path.of(sqlSource))) {
      // Said before the node starts and the job runs, not minutes later.
      System.err.println(
          "eslake sql: No file "
              + Path.of(sqlSource).toAbsolutePath()
              + ". Give -Dquickstart.sql a .sql or .ipynb notebook (notebooks/eslake_tour.sql).");
      System.exit(2);
    }
    List<String> jobArgs = new ArrayList<>(Arrays.asList(args));
    boolean keepRunning = jobArgs.remove("--keep-running");
    String given = option(jobArgs, "--warehouse", null);
    String warehouse =
        Path.of(given == null ? "target/quickstart-warehouse" : given).toAbsolutePath().toString();
    String external = System.getenv("ESLAKE_URL");
    LocalElasticsearch es = null;
    Map<String, String> env = new LinkedHashMap<>();
    try {
      if (external == null || external.isBlank()) {
        System.out.println("Starting a local Elasticsearch (security on, basic auth) ...");
        LocalElasticsearch started =
            LocalElasticsearch.start(LocalElasticsearch.Settings.defaults());
        es = started;
        // Ctrl-C or a kill (SIGTERM) skips the finally below: stop the node on the way out too.
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop-elasticsearch"));
        System.out.println("Elasticsearch is up at " + es.url());
        Map<String, Long> loaded = SampleData.fetch().loadQuickstartIndices(es.admin());
        loaded.forEach(
            (index, n) ->
                System.out.printf(Locale.ROOT, "Loaded %,d documents into %s%n", n, index));
        env.put("ESLAKE_URL", es.url());
        env.put("ESLAKE_USERNAME", es.username());
        env.put("ESLAKE_PASSWORD", es.password());
      }
      if (given == null) {
        jobArgs.addAll(List.of("--warehouse", warehouse));
      }
      int code = runSyncJob(jobArgs, env);
      if (code != 0) {
        System.out.println("The sync job failed with exit code " + code + ".");
        System.exit(code);
      }
      if (es == null) {
        System.out.println(
            "(ESLAKE_URL is set: the tables are not compared with the cluster; that check runs"
                + " only against the local Elasticsearch)");
      } else {
        verify(es, warehouse);
      }
      String sql = System.getProperty("quickstart.sql", "").trim();
      if (!sql.isEmpty()) {
        int sqlCode = runSql(sql, es, jobArgs, warehouse);
        if (sqlCode != 0) {
          System.exit(sqlCode);
        }
      }
      if (es != null) {
        if (keepRunning) {
          System.out.println(
              "Elasticsearch keeps running at "
                  + es.url()
                  + " (user elastic, password in "
                  + passwordFile(es.password())
                  + "). Press Ctrl-C to stop it.");
          es.fileRealmHelp().ifPresent(System.out::println);
          waitForParentToEnd();
        }
      }
    } finally {
      if (es != null) {
        es.close();
      }
    }
  }

  /**
   * Waits until Ctrl-C (which runs the shutdown hooks) or until the process that started this one
   * ends: Maven runs the quickstart as a child process, and a {@code kill} of Maven does not reach
   * the child, which would otherwise keep Elasticsearch running with nobody to stop it.
   */
  private static void waitForParentToEnd() throws InterruptedException {
    java.util.Optional<ProcessHandle> parent = ProcessHandle.current().parent();
    while (parent.map(ProcessHandle::isAlive).orElse(true)) {
      Thread.sleep(1000);
    }
    System.out.println("The process that started the quickstart ended: stopping Elasticsearch.");
  }

  /** The password in a file of this run's own under target/, removed when the quickstart ends. */
  private static Path passwordFile(String password) throws IOException {
    return passwordFile(Path.of("target").toAbsolutePath(), password);
  }

  /**
   * The password in a new file in a folder, one only its owner reads, removed when this JVM ends.
   * Each call makes a file of its own: a quickstart run against a cluster another run keeps running
   * (--keep-running, then ESLAKE_URL) neither overwrites nor removes that run's file.
   */
  static Path passwordFile(Path folder, String password) throws IOException {
    Files.createDirectories(folder);
    Path file = Files.createTempFile(folder, "quickstart-password-", "");
    file.toFile().deleteOnExit();
    return SqlRunner.secretFile(file, password);
  }

  /**
   * Runs the statements of a notebook, SQL file or standard input ({@code -}) against the catalog
   * {@code es}, with the notebooks' parameters set for this cluster and this run's tables.
   */
  private static int runSql(
      String source, LocalElasticsearch es, List<String> jobArgs, String warehouse)
      throws IOException {
    Map<String, String> env = System.getenv();
    String url = es != null ? es.url() : env.get("ESLAKE_URL");
    String username = es != null ? es.username() : env.get("ESLAKE_USERNAME");
    String password = es != null ? es.password() : env.get("ESLAKE_PASSWORD");
    Map<String, String> values = new LinkedHashMap<>();
    values.put("catalog", "es");
    values.put("es_url", url);
    SparkSession spark = LocalSpark.session(Path.of(warehouse));
    String prefix = "spark.sql.catalog.es";
    spark.conf().set(prefix, "io.eslake.spark.ElasticsearchCatalog");
    spark.conf().set(prefix + ".url", url);
    if (username != null && password != null) {
      Path passwordFile = passwordFile(password);
      values.put("es_username", username);
      values.put("password_file", passwordFile.toString());
      spark.conf().set(prefix + ".username", username);
      spark.conf().set(prefix + ".password_file", passwordFile.toString());
    } else if (env.get("ESLAKE_API_KEY") != null) {
      spark.conf().set(prefix + ".api_key_secret_env", "ESLAKE_API_KEY");
    }
    JsonNode shown = syncedIndex(warehouse);
    if (shown != null) {
      values.put("index", shown.path("index").asText());
      values.put("synced_table", "delta.`" + shown.path("table").asText() + "`");
    }
    values.put(
        "history_table",
        "delta.`" + Path.of(warehouse, option(jobArgs, "--prefix", "") + "sync_runs") + "`");
    System.out.println();
    return new SqlRunner(spark, values, System.out, System.err).run(source, System.in);
  }

  /** The flights index when this run synced it, else the first index it synced; null if none. */
  private static JsonNode syncedIndex(String warehouse) throws IOException {
    Path runFile = Path.of(warehouse, ".eslake-last-run.json");
    if (!Files.exists(runFile)) {
      return null;
    }
    JsonNode first = null;
    for (JsonNode entry : new ObjectMapper().readTree(runFile.toFile()).path("indices")) {
      if (!"synced".equals(entry.path("status").asText())) {
        continue;
      }
      if (entry.path("index").asText().equals("flights")) {
        return entry;
      }
      first = first == null ? entry : first;
    }
    return first;
  }

  private static String option(List<String> args, String name, String otherwise) {
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals(name) && i + 1 < args.size()) {
        return args.get(i + 1);
      }
      if (args.get(i).startsWith(name + "=")) {
        return args.get(i).substring(name.length() + 1);
      }
    }
    return otherwise;
  }

  /** Runs the job as spark-submit does: its entry point, the application jar, a local master. */
  private static int runSyncJob(List<String> jobArgs, Map<String, String> env)
      throws IOException, InterruptedException {
    Path jar = applicationJar();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JvmFlags.spark());
    command.add(
        "-Dlog4j2.configurationFile=" + Path.of("conf", "log4j2.properties").toAbsolutePath());
    command.add("-cp");
    command.add(sparkClasspath());
    command.add("org.apache.spark.deploy.SparkSubmit");
    command.addAll(
        List.of(
            "--master",
            "local[*]",
            "--conf",
            "spark.driver.host=127.0.0.1",
            "--conf",
            "spark.driver.bindAddress=127.0.0.1",
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.databricks.delta.snapshotPartitions=2",
            "--conf",
            "spark.sql.shuffle.partitions=4",
            "--class",
            "io.eslake.sync.SyncJob",
            jar.toString()));
    command.addAll(jobArgs);
    System.out.println(
        "Running: spark-submit --master local[*] --class io.eslake.sync.SyncJob "
            + jar.getFileName()
            + " "
            + String.join(" ", jobArgs));
    // Standard input stays with this JVM: -Dquickstart.sql=- reads the statements from it later.
    ProcessBuilder builder =
        new ProcessBuilder(command).inheritIO().redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    return process.waitFor();
  }

  /**
   * Compares each table this run wrote (from the run file the job leaves in the warehouse, so a
   * prefix, a selection and tables of earlier runs are taken into account) with its index. Its
   * Spark session keeps Spark's own warehouse in the run's warehouse, as the job does: a SQL
   * statement on a table by path has Spark create that folder, which would otherwise be an empty
   * target/spark-warehouse. Exits with code 1 when a table differs.
   */
  public static void verify(LocalElasticsearch es, String warehouse) throws IOException {
    SparkSession spark = LocalSpark.session(Path.of(warehouse));
    spark.conf().set("spark.sql.catalog.es", "io.eslake.spark.ElasticsearchCatalog");
    spark.conf().set("spark.sql.catalog.es.url", es.url());
    spark.conf().set("spark.sql.catalog.es.username", es.username());
    spark.conf().set("spark.sql.catalog.es.password", es.password());
    Path runFile = Path.of(warehouse, ".eslake-last-run.json");
    JsonNode run = new ObjectMapper().readTree(runFile.toFile());
    System.out.println();
    System.out.printf("%-12s %12s %12s  %s%n", "index", "ES _count", "Delta rows", "same");
    boolean allSame = true;
    String flightsTable = null;
    for (JsonNode entry : run.path("indices")) {
      String index = entry.path("index").asText();
      String table = entry.path("table").asText();
      if (!"synced".equals(entry.path("status").asText())) {
        System.out.printf(Locale.ROOT, "%-12s %s%n", index, entry.path("status").asText());
        allSame &= "skipped".equals(entry.path("status").asText());
        continue;
      }
      long esCount = es.admin().count(index);
      long deltaRows = spark.read().format("delta").load(table).count();
      allSame &= esCount == deltaRows;
      System.out.printf(
          Locale.ROOT, "%-12s %,12d %,12d  %s%n", index, esCount, deltaRows, esCount == deltaRows);
      if (index.equals("flights")) {
        flightsTable = table;
      }
    }
    if (flightsTable == null) {
      System.out.println("(flights was not synced in this run: the query comparison is skipped)");
    } else {
      String query =
          "SELECT origin, COUNT(*) AS flights, ROUND(AVG(delay), 2) AS avg_delay FROM %s"
              + " GROUP BY origin ORDER BY flights DESC, origin LIMIT 5";
      List<Row> live = spark.sql(String.format(query, "es.flights")).collectAsList();
      List<Row> synced =
          spark.sql(String.format(query, "delta.`" + flightsTable + "`")).collectAsList();
      System.out.println();
      System.out.println("Busiest origins, live through the catalog: " + live);
      System.out.println("Busiest origins, from the Delta table:      " + synced);
      allSame &= live.equals(synced);
    }
    System.out.println(allSame ? "Quickstart OK: Delta matches Elasticsearch." : "MISMATCH");
    if (!allSame) {
      System.exit(1);
    }
  }

  private static Path applicationJar() throws IOException {
    try (var files = Files.list(Path.of("target"))) {
      return files
          .filter(p -> p.getFileName().toString().matches("eslake-.*\\.jar"))
          .filter(p -> !p.getFileName().toString().contains("tests"))
          .findFirst()
          .orElseThrow(() -> new IOException("No target/eslake-*.jar: run mvn package first"))
          .toAbsolutePath();
    }
  }

  /**
   * This JVM's classpath (under surefire, the test classpath it reports) without the project's own
   * classes, which come from the jar instead: Spark, Delta and the test tools.
   */
  public static String sparkClasspath() {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String[] entries = classpath.split(File.pathSeparator);
    List<String> kept = new ArrayList<>();
    for (String entry : entries) {
      Path p = Path.of(entry).toAbsolutePath();
      boolean own =
          p.endsWith(Path.of("target", "classes")) || p.endsWith(Path.of("target", "test-classes"));
      if (!own) {
        kept.add(entry);
      }
    }
    return String.join(File.pathSeparator, kept);
  }
}

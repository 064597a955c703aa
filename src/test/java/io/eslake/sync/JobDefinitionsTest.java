package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every job definition in jobs/ runs the job with parameters its own argument parser takes: the
 * Databricks job's jar task parameters, and what jobs/spark-submit.sh hands to spark-submit.
 */
class JobDefinitionsTest {

  @TempDir Path dir;

  @Test
  void everyDatabricksJobRunsTheSyncJobWithValidParameters() throws IOException {
    List<Path> definitions;
    try (Stream<Path> files = Files.list(Path.of("jobs"))) {
      definitions = files.filter(p -> p.toString().endsWith(".json")).toList();
    }
    assertFalse(definitions.isEmpty(), "jobs/ holds a Databricks job");
    for (Path definition : definitions) {
      JsonNode job = new ObjectMapper().readTree(definition.toFile());
      assertTrue(job.path("schedule").has("quartz_cron_expression"), definition + ": schedule");
      for (JsonNode task : job.path("tasks")) {
        JsonNode jar = task.path("spark_jar_task");
        assertEquals(SyncJob.class.getName(), jar.path("main_class_name").asText());
        assertTrue(task.path("max_retries").asInt() > 0, definition + ": retries");
        assertTrue(task.path("libraries").toString().contains("eslake-"), definition + ": the jar");
        Map<String, String> defaults = new HashMap<>();
        job.path("parameters")
            .forEach(p -> defaults.put(p.path("name").asText(), p.path("default").asText()));
        List<String> parameters = new ArrayList<>();
        jar.path("parameters").forEach(p -> parameters.add(withDefaults(p.asText(), defaults)));
        assertTrue(
            task.path("libraries").findValuesAsText("jar").stream()
                .allMatch(path -> path.startsWith("/Volumes/")),
            definition
                + ": the jar in a Unity Catalog volume, not the DBFS root (refused from"
                + " runtime 15.0)");
        assertFalse(jar.toString().contains("/dbfs/"), definition + ": no DBFS root paths");
        Map<String, String> env = new HashMap<>();
        task.path("new_cluster")
            .path("spark_env_vars")
            .fields()
            .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        assertTrue(
            env.values().stream().allMatch(v -> v.startsWith("{{secrets/")),
            "secrets come from the secret scope");

        SyncConfig config = SyncArguments.parse(parameters.toArray(String[]::new), env);

        assertNotNull(config.catalogOptions().get("url"));
        assertEquals("ESLAKE_PASSWORD", config.catalogOptions().get("password_env"));
        assertEquals("eslake", config.database());
        assertEquals("sync_runs", config.historyTable());
        assertEquals(List.of("logs-*", "orders"), config.include());
        assertEquals("/Volumes/main/eslake/state", config.warehouse(), "the rerun file survives");
      }
    }
  }

  /** A task parameter with each {@code {{job.parameters.NAME}}} replaced by NAME's default. */
  private static String withDefaults(String parameter, Map<String, String> defaults) {
    java.util.regex.Matcher reference =
        java.util.regex.Pattern.compile("\\{\\{job\\.parameters\\.([a-z_]+)}}").matcher(parameter);
    StringBuilder resolved = new StringBuilder();
    while (reference.find()) {
      String value = defaults.get(reference.group(1));
      assertNotNull(value, "job parameter " + reference.group(1) + " has a default");
      reference.appendReplacement(resolved, java.util.regex.Matcher.quoteReplacement(value));
    }
    return reference.appendTail(resolved).toString();
  }

  @Test
  void onDatabricksAFailedRunThrowsInsteadOfExitingTheDriver() {
    List<Integer> exits = new ArrayList<>();
    Map<String, String> databricks = Map.of(SyncJob.DATABRICKS_RUNTIME, "15.4");

    IllegalStateException failed =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class,
            () -> SyncJob.end(SyncJob.EXIT_INDEX_FAILED, databricks, exits::add));
    SyncJob.end(SyncJob.EXIT_OK, databricks, exits::add);
    SyncJob.end(SyncJob.EXIT_CONNECTION, Map.of(), exits::add);
    SyncJob.end(SyncJob.EXIT_OK, Map.of(), exits::add);

    assertEquals(
        "eslake sync ended with exit code 1 (an index failed; the lines above say why)",
        failed.getMessage());
    assertEquals(List.of(SyncJob.EXIT_CONNECTION), exits, "elsewhere only a failure exits");
  }

  @Test
  void theSparkSubmitScriptHandsTheJobParametersItsParserTakes() throws Exception {
    Path captured = dir.resolve("args.txt");
    Path fakeSubmit = dir.resolve("spark-submit");
    Files.writeString(fakeSubmit, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + captured + "'\n");
    Files.setPosixFilePermissions(fakeSubmit, PosixFilePermissions.fromString("rwx------"));
    Path jar = Files.createFile(dir.resolve("eslake-test.jar"));

    ProcessBuilder builder =
        new ProcessBuilder(
            "bash", "jobs/spark-submit.sh", "--indices", "logs-*", "--prefix", "es_");
    builder.environment().put("SPARK_SUBMIT", fakeSubmit.toString());
    builder.environment().put("ESLAKE_JAR", jar.toString());
    builder.environment().put("SPARK_SUBMIT_ARGS", "--executor-memory 4g --conf a.b=c");
    builder.environment().remove("ESLAKE_CONFIG");
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertEquals(0, process.waitFor(), output);

    List<String> args = Files.readAllLines(captured);
    assertEquals("io.eslake.sync.SyncJob", args.get(args.indexOf("--class") + 1));
    assertTrue(args.contains("spark.executor.heartbeatInterval=2s"), args.toString());
    List<String> sparkArgs = args.subList(0, args.indexOf(jar.toString()));
    assertEquals("4g", sparkArgs.get(sparkArgs.indexOf("--executor-memory") + 1), args.toString());
    assertTrue(sparkArgs.contains("a.b=c"), "SPARK_SUBMIT_ARGS go to spark-submit: " + args);
    List<String> jobArgs = args.subList(args.indexOf(jar.toString()) + 1, args.size());
    SyncConfig config =
        SyncArguments.parse(jobArgs.toArray(String[]::new), Map.of("ESLAKE_PASSWORD", "p"));
    assertEquals(List.of("logs-*"), config.include());
    assertEquals("es_", config.tablePrefix());
    assertEquals("reader", config.catalogOptions().get("username"), "from conf/");
  }

  @Test
  void theScriptSaysWhatToDoWithoutSparkSubmit() throws Exception {
    Path jar = Files.createFile(dir.resolve("eslake-nosubmit.jar"));
    ProcessBuilder builder = new ProcessBuilder("bash", "jobs/spark-submit.sh", "--check");
    builder.environment().put("ESLAKE_JAR", jar.toString());
    builder.environment().put("SPARK_SUBMIT", dir.resolve("no-spark-here").toString());
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes()).trim();

    assertEquals(2, process.waitFor(), output);
    assertTrue(output.startsWith("spark-submit.sh: no '"), output);
    assertTrue(output.contains("set SPARK_SUBMIT"), output);
  }

  @Test
  void theScriptSaysWhatToDoWithoutAJar() throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bash", "jobs/spark-submit.sh");
    builder.environment().put("ESLAKE_JAR", dir.resolve("missing.jar").toString());
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes()).trim();
    assertEquals(2, process.waitFor());
    assertEquals("spark-submit.sh: no eslake jar; run 'mvn package' or set ESLAKE_JAR.", output);
  }
}

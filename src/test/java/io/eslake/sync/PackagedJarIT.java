package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eslake.IntegrationTest;
import io.eslake.local.AdminClient;
import io.eslake.local.JvmFlags;
import io.eslake.local.Quickstart;
import io.eslake.local.SampleData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployable jar as shipped: its relocated dependencies, and the sync job run from it by
 * jobs/spark-submit.sh through Spark's own submit entry point, {@code
 * org.apache.spark.deploy.SparkSubmit} on {@code local[2]}, against the local cluster. Runs after
 * the package phase.
 */
class PackagedJarIT extends IntegrationTest {

  @TempDir static Path work;

  private static Path jar() {
    return Path.of(System.getProperty("eslake.jar", "target/eslake-0.1.0-SNAPSHOT.jar"));
  }

  @BeforeAll
  static void loadRealData() {
    SampleData.fetch().loadFlights(admin(), "pkg-flights", "flights-20k.json", 2);
  }

  @Test
  void theJarHoldsTheProductAndRelocatesItsOwnDependencies() throws IOException {
    List<String> entries;
    try (JarFile file = new JarFile(jar().toFile())) {
      entries = Collections.list(file.entries()).stream().map(ZipEntry::getName).toList();
      assertEquals(
          SyncJob.class.getName(), file.getManifest().getMainAttributes().getValue("Main-Class"));
      byte[] client;
      try (InputStream in =
          file.getInputStream(file.getEntry("io/eslake/client/ClusterClient.class"))) {
        client = in.readAllBytes();
      }
      String constants = new String(client, StandardCharsets.ISO_8859_1);
      assertTrue(constants.contains("io/eslake/shaded/org/elasticsearch/client/RestClient"));
      assertFalse(constants.contains("Lorg/elasticsearch/client/RestClient;"));
    }
    for (String kept :
        List.of(
            "io/eslake/sync/SyncJob.class",
            "io/eslake/spark/ElasticsearchCatalog.class",
            "io/eslake/shaded/org/elasticsearch/client/RestClient.class",
            "io/eslake/shaded/org/apache/http/HttpHost.class",
            "io/eslake/shaded/com/fasterxml/jackson/databind/ObjectMapper.class")) {
      assertTrue(entries.contains(kept), kept);
    }
    for (String entry : entries) {
      boolean clashes =
          entry.endsWith(".class")
              && !entry.startsWith("io/eslake/")
              && !entry.startsWith("META-INF/");
      assertFalse(clashes, "an unrelocated class: " + entry);
      assertFalse(entry.startsWith("io/eslake/local/"), "no developer tools: " + entry);
    }
  }

  /** What one run of jobs/spark-submit.sh printed and returned. */
  record Submitted(int code, String output) {}

  private static Submitted submit(String... jobArgs) throws Exception {
    Path wrapper = work.resolve("spark-submit");
    List<String> java = new ArrayList<>();
    java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    java.addAll(JvmFlags.spark());
    java.add("-Xmx1g");
    java.add("-Dlog4j2.configurationFile=" + Path.of("conf", "log4j2.properties").toAbsolutePath());
    java.addAll(List.of("-cp", Quickstart.sparkClasspath(), "org.apache.spark.deploy.SparkSubmit"));
    java.addAll(
        List.of(
            "--conf", "spark.ui.enabled=false",
            "--conf", "spark.driver.host=127.0.0.1",
            "--conf", "spark.driver.bindAddress=127.0.0.1",
            "--conf", "spark.sql.shuffle.partitions=4"));
    StringBuilder script = new StringBuilder("#!/bin/sh\nexec");
    java.forEach(part -> script.append(" '").append(part).append('\''));
    script.append(" \"$@\"\n");
    Files.writeString(wrapper, script);
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));

    String submitScript = Path.of("jobs", "spark-submit.sh").toAbsolutePath().toString();
    List<String> command = new ArrayList<>(List.of("bash", submitScript));
    command.addAll(List.of(jobArgs));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.directory(Files.createDirectories(workingDirectory()).toFile());
    builder.environment().put("SPARK_SUBMIT", wrapper.toString());
    builder.environment().put("SPARK_MASTER", "local[2]");
    builder.environment().put("ESLAKE_JAR", jar().toAbsolutePath().toString());
    builder.environment().put("DELTA_PACKAGES", "");
    builder.environment().put("ESLAKE_PASSWORD", es().password());
    Path log = Files.createTempFile(work, "submit", ".log");
    builder.redirectOutput(log.toFile());
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("spark-submit did not finish: " + Files.readString(log));
    }
    return new Submitted(process.exitValue(), Files.readString(log));
  }

  /** Where the job runs from: nothing of the job's belongs there. */
  private static Path workingDirectory() {
    return work.resolve("cwd");
  }

  private static String[] clusterArgs(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--url", es().url(),
                "--username", es().username(),
                "--indices", "pkg-flights",
                "--warehouse", work.resolve("warehouse").toString()));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void theSparkSubmitScriptSyncsAnIndexFromTheShadedJar() throws Exception {
    Path report = work.resolve("report.json");

    Submitted check = submit(clusterArgs("--check"));
    Submitted sync = submit(clusterArgs("--report", report.toString()));

    assertEquals(0, check.code(), check.output());
    assertTrue(check.output().contains("Check OK: nothing was written."), check.output());
    assertEquals(0, sync.code(), sync.output());
    assertTrue(sync.output().contains("pkg-flights -> "), sync.output());
    assertTrue(sync.output().contains("20,000 rows"), sync.output());
    long deltaRows =
        spark()
            .read()
            .format("delta")
            .load(work.resolve("warehouse/pkg_flights").toString())
            .count();
    assertEquals(admin().count("pkg-flights"), deltaRows);
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertEquals("ok", json.path("status").asText());
    assertEquals(deltaRows, json.path("indices").get(0).path("rows").asLong());
    assertEquals(
        deltaRows,
        spark()
            .read()
            .format("delta")
            .load(work.resolve("warehouse/sync_runs").toString())
            .where("status = 'ok'")
            .first()
            .<Long>getAs("rows"));
    assertFalse(sync.output().contains(es().password()), "the password is never printed");
    try (var left = Files.list(workingDirectory())) {
      assertEquals(List.of(), left.toList(), "no spark-warehouse or other folder where it ran");
    }
  }

  @Test
  void anIndexThatFailsInItsTasksIsOneLineWithoutStackTraces() throws Exception {
    admin()
        .recreateIndex(
            "pkg-bad",
            "{\"settings\":{\"number_of_replicas\":0},\"mappings\":{\"properties\":"
                + "{\"n\":{\"type\":\"long\",\"ignore_malformed\":true}}}}");
    admin().bulk(AdminClient.indexAction("pkg-bad", "junk-1") + "{\"n\":\"not a number\"}\n");
    admin().refresh("pkg-bad");

    Submitted failed =
        submit(
            "--url", es().url(),
            "--username", es().username(),
            "--indices", "pkg-bad",
            "--on-mismatch", "fail",
            "--warehouse", work.resolve("warehouse-bad").toString());

    assertEquals(1, failed.code(), failed.output());
    assertTrue(failed.output().contains("pkg-bad -> "), failed.output());
    assertTrue(failed.output().contains("junk-1"), "the result names the document");
    List<String> frames = failed.output().lines().filter(l -> l.startsWith("\tat ")).toList();
    assertEquals(List.of(), frames, failed.output());
    assertTrue(failed.output().lines().count() < 40, failed.output());
  }

  @Test
  void datesBefore1900AreWrittenAsTheyAre() throws Exception {
    admin().recreateIndex("pkg-ancient", "{\"settings\":{\"number_of_replicas\":0}}");
    String[] born = {"1900-01-01", "1899-12-31", "1582-10-10", "0001-01-01"};
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < born.length; i++) {
      bulk.append(AdminClient.indexAction("pkg-ancient", i));
      bulk.append("{\"name\":\"n")
          .append(i)
          .append("\",\"born\":\"")
          .append(born[i])
          .append("\"}\n");
    }
    admin().bulk(bulk.toString());
    admin().refresh("pkg-ancient");
    Path warehouse = work.resolve("warehouse-ancient");

    Submitted synced =
        submit(
            "--url", es().url(),
            "--username", es().username(),
            "--indices", "pkg-ancient",
            "--warehouse", warehouse.toString());

    assertEquals(0, synced.code(), synced.output());
    for (int i = 0; i < born.length; i++) {
      long micros =
          spark()
              .read()
              .format("delta")
              .load(warehouse.resolve("pkg_ancient").toString())
              .where("_id = '" + i + "'")
              .selectExpr("unix_micros(born)")
              .head()
              .getLong(0);
      assertEquals(
          Instant.parse(born[i] + "T00:00:00Z").getEpochSecond() * 1_000_000L, micros, born[i]);
    }
  }

  @Test
  void usageErrorsAndHelpFromTheShadedJar() throws Exception {
    Submitted help = submit("--help");
    Submitted unknown = submit("--url", es().url(), "--indexes", "x");

    assertEquals(0, help.code(), help.output());
    assertTrue(help.output().contains("--history-table"), help.output());
    assertEquals(2, unknown.code(), unknown.output());
    assertTrue(
        unknown.output().contains("eslake sync: Unknown option --indexes. Did you mean --indices?"),
        unknown.output());
  }
}

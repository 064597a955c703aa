package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.IntegrationTest;
import io.eslake.local.JvmFlags;
import io.eslake.local.LocalElasticsearch;
import io.eslake.local.Quickstart;
import io.eslake.local.SampleData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart's check ({@link Quickstart#verify}) on a run's warehouse, in a JVM of its own as
 * the quickstart runs it: its Spark session is the first of that JVM, so Spark's own warehouse
 * folder is where the check's session puts it, not where this JVM's shared session did.
 */
class QuickstartCheckIT extends IntegrationTest {

  @TempDir static Path work;

  @Test
  void theCheckPassesAndLeavesNoSparkWarehouseFolderInTheWorkFolder() throws Exception {
    // The check compares the query of the busiest origins only for an index named flights.
    SampleData.fetch().loadFlights(admin(), "flights", "flights-20k.json", 2);
    try {
      Path warehouse = Files.createDirectories(work.resolve("quickstart-warehouse"));
      SyncJobIT.Run sync =
          SyncJobIT.run(SyncJobIT.argsFor(warehouse, es().password(), "--indices", "flights"));
      assertEquals(0, sync.code(), sync.err() + sync.out());
      Path checkWork = Files.createDirectories(work.resolve("target"));

      Path output = work.resolve("check.out");
      Process check = startCheck(checkWork, warehouse, output);
      boolean ended = check.waitFor(5, TimeUnit.MINUTES);
      if (!ended) {
        check.destroyForcibly().waitFor();
      }
      String printed = Files.readString(output, StandardCharsets.UTF_8);

      assertTrue(ended, "the check ended: " + printed);
      assertEquals(0, check.exitValue(), printed);
      assertTrue(printed.contains("Busiest origins, from the Delta table:"), printed);
      assertTrue(printed.contains("Quickstart OK: Delta matches Elasticsearch."), printed);
      assertFalse(
          Files.exists(checkWork.resolve("spark-warehouse")),
          "no spark-warehouse folder in the work folder after the check");
    } finally {
      admin().raw("DELETE", "/flights", null, "application/json");
    }
  }

  /**
   * Runs {@link Check} in a new JVM with the work folder (the quickstart's target/) given, against
   * the shared cluster, with its output to a file.
   */
  private static Process startCheck(Path checkWork, Path warehouse, Path output)
      throws java.io.IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JvmFlags.spark());
    command.add("-Xmx768m");
    command.add("-Deslake.work=" + checkWork);
    command.add(
        "-Dlog4j2.configurationFile=" + Path.of("conf", "log4j2.properties").toAbsolutePath());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Check.class.getName());
    command.add(warehouse.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(checkWork.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().put(LocalElasticsearch.URL_ENV, es().url());
    builder.environment().put(LocalElasticsearch.USERNAME_ENV, es().username());
    builder.environment().put(LocalElasticsearch.PASSWORD_ENV, es().password());
    return builder.start();
  }

  /** The quickstart's check of a warehouse against the cluster its environment names. */
  public static final class Check {
    private Check() {}

    public static void main(String[] args) throws Exception {
      Quickstart.verify(LocalElasticsearch.start(LocalElasticsearch.Settings.defaults()), args[0]);
      System.exit(0);
    }
  }
}

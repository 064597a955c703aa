package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.IntegrationTest;
import io.eslake.local.AdminClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync job on a real Spark cluster: a standalone master and two workers on 127.0.0.1, a driver
 * JVM, and executors in JVMs of their own. The partitions, readers and writers cross process
 * boundaries, so any state they kept on the driver would fail the run or lose rows.
 */
class StandaloneClusterIT extends IntegrationTest {

  private static final Logger LOG = LoggerFactory.getLogger(StandaloneClusterIT.class);

  private static final int DOCUMENTS = 6000;

  @TempDir Path folder;

  @Test
  void theSyncJobRunsOnAStandaloneClusterWithExecutorsInTheirOwnJvms() throws IOException {
    loadIndex("cluster-docs");
    Path warehouse = folder.resolve("warehouse");
    List<String> args = new ArrayList<>(List.of("--url", es().url()));
    if (es().secured()) {
      Path password = Files.writeString(folder.resolve("password"), es().password());
      args.addAll(List.of("--username", es().username(), "--password-file", password.toString()));
    }
    args.addAll(List.of("--warehouse", warehouse.toString(), "--indices", "cluster-docs"));

    int code;
    String driver;
    List<String> executorLogs;
    long start = System.nanoTime();
    try (StandaloneCluster cluster = StandaloneCluster.start(folder.resolve("cluster"))) {
      long up = System.nanoTime();
      code = cluster.runDriver(SyncJob.class.getName(), args, Duration.ofSeconds(300));
      LOG.info(
          "Standalone cluster up in {} ms, sync driver done in {} ms",
          (up - start) / 1_000_000,
          (System.nanoTime() - up) / 1_000_000);
      driver = cluster.driverOutput();
      executorLogs = new ArrayList<>(executorLogs(cluster.workerFolder(1)));
      executorLogs.addAll(executorLogs(cluster.workerFolder(2)));
    }

    assertEquals(0, code, driver);
    assertTrue(driver.contains("Synced 1 of 1 index, 6,000 rows"), driver);
    assertEquals(2, executorLogs.size(), "one executor on each worker: " + executorLogs);
    for (String log : executorLogs) {
      assertTrue(log.contains("Running task"), "every executor ran tasks:\n" + log);
    }
    Row stats =
        spark()
            .read()
            .format("delta")
            .load(warehouse.resolve("cluster_docs").toString())
            .selectExpr("count(*)", "count(distinct _id)", "sum(n)")
            .head();
    assertEquals(DOCUMENTS, stats.getLong(0));
    assertEquals(DOCUMENTS, stats.getLong(1));
    assertEquals((long) (DOCUMENTS - 1) * DOCUMENTS / 2, stats.getLong(2));
  }

  private static void loadIndex(String name) {
    admin()
        .recreateIndex(
            name,
            "{\"settings\":{\"number_of_shards\":4,\"number_of_replicas\":0},"
                + "\"mappings\":{\"properties\":{\"n\":{\"type\":\"long\"},"
                + "\"word\":{\"type\":\"keyword\"}}}}");
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < DOCUMENTS; i++) {
      bulk.append(AdminClient.indexAction(name, "c" + i));
      bulk.append("{\"n\":" + i + ",\"word\":\"w" + (i % 13) + "\"}\n");
    }
    admin().bulk(bulk.toString());
    admin().refresh(name);
  }

  /** The output of every executor a worker ran: app-id/executor-id/stderr in its work folder. */
  private static List<String> executorLogs(Path workerFolder) throws IOException {
    try (Stream<Path> files = Files.walk(workerFolder)) {
      List<String> logs = new ArrayList<>();
      for (Path stderr : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
        logs.add(Files.readString(stderr));
      }
      return logs;
    }
  }
}

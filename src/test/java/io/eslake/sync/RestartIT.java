package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.delta.tables.DeltaTable;
import io.eslake.IntegrationTest;
import io.eslake.local.AdminClient;
import io.eslake.local.FaultProxy;
import io.eslake.local.LocalElasticsearch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node of its own, stopped in the middle of a sync and started again on the same data: the index
 * being read fails with the fault named and its previous table kept; the index after it waits for
 * the node through retries and is synced in full; a rerun of the failed one completes it.
 */
class RestartIT extends IntegrationTest {

  @TempDir static Path warehouse;

  @Test
  void aNodeStoppedMidSyncAndStartedAgainLosesNoDocument() throws Exception {
    String backend = System.getenv(LocalElasticsearch.URL_ENV);
    assumeTrue(backend == null || backend.isBlank(), "needs a node this test may stop");
    try (LocalElasticsearch node =
            LocalElasticsearch.start(LocalElasticsearch.Settings.defaults());
        FaultProxy proxy = new FaultProxy(node.url())) {
      AdminClient admin = node.admin();
      FaultIT.createIndex(admin, "restart-a", 25_000);
      FaultIT.createIndex(admin, "restart-b", 300);
      Path password = Files.createTempFile(warehouse, "secret", ".txt");
      Files.writeString(password, node.password());
      List<String> args =
          List.of(
              "--url",
              proxy.url(),
              "--username",
              node.username(),
              "--password-file",
              password.toString(),
              "--warehouse",
              warehouse.toString(),
              "--indices",
              "restart-a,restart-b",
              "--max-retries",
              "40",
              "--retry-wait-ms",
              "250",
              "--retry-max-wait-ms",
              "3000",
              // One index after the other: the node stops during the first, the second waits.
              "--parallelism",
              "1");
      assertEquals(0, run(args).code());
      long versionBefore = version("restart_a");

      proxy.inject(FaultProxy.Request::isScrollPage, FaultProxy.Fault.DELAY, 100);
      CompletableFuture<Void> restart =
          CompletableFuture.runAsync(
              () -> {
                while (proxy.injected().isEmpty()) {
                  LockSupport.parkNanos(50_000_000L);
                }
                node.halt();
                node.startAgain();
              });
      SyncJobIT.Run run = run(args);
      restart.get();

      assertEquals(1, run.code(), run.out() + run.err());
      assertTrue(run.out().contains("restart-a -> "), run.out());
      assertTrue(run.out().contains("FAILED"), run.out());
      assertTrue(run.out().contains("rather than return part of the index"), run.out());
      assertTrue(run.out().contains("failed: restart-a"), run.out());
      assertEquals(versionBefore, version("restart_a"), "restart-a kept its previous version");
      assertEquals(25_000, SyncJobIT.delta(warehouse, "restart_a").count());
      assertEquals(300, SyncJobIT.delta(warehouse, "restart_b").count(), run.out());

      proxy.clearFaults();
      List<String> rerun = new ArrayList<>(args);
      rerun.add("--only-failed");
      SyncJobIT.Run again = run(rerun);
      assertEquals(0, again.code(), again.out() + again.err());
      assertTrue(again.out().contains("Syncing 1 index"), again.out());
      assertEquals(25_000, SyncJobIT.delta(warehouse, "restart_a").count());
      assertEquals(
          25_000, SyncJobIT.delta(warehouse, "restart_a").select("_id").distinct().count());
      assertEquals(0, admin.openSearchContexts(), "no scroll left on the restarted node");
    }
  }

  private static SyncJobIT.Run run(List<String> args) {
    return SyncJobIT.run(args.toArray(String[]::new));
  }

  private static long version(String table) {
    String path = warehouse.resolve(table).toString();
    return DeltaTable.forPath(spark(), path).history(1).select("version").head().getLong(0);
  }
}

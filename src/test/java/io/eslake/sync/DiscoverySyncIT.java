package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.IntegrationTest;
import io.eslake.spark.DiscoveryIT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync job over what discovery lists: a data stream, an alias, a closed index, selection. */
class DiscoverySyncIT extends IntegrationTest {

  @TempDir static Path warehouse;

  @BeforeAll
  static void createDiscoveryData() {
    DiscoveryIT.createDiscoveryData();
  }

  @Test
  void syncsStreamsAndAliasesAndSkipsAClosedIndexWithItsReason() {
    SyncJobIT.Run run =
        SyncJobIT.run(
            SyncJobIT.argsFor(
                warehouse,
                es().password(),
                "--indices",
                "disc-*",
                "--exclude",
                "disc-hidden",
                "--include-aliases",
                "--prefix",
                "d_"));

    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("Syncing 5 indices"), run.out());
    assertTrue(
        run.out()
            .contains(
                "disc-closed -> " + warehouse.resolve("d_disc_closed") + ": skipped" + " (closed)"),
        run.out());
    assertTrue(run.out().contains("Synced 4 of 5 indices, 17 rows in "), run.out());
    assertTrue(run.out().contains("; skipped: disc-closed (closed)"), run.out());
    assertFalse(Files.exists(warehouse.resolve("d_disc_closed")));
    String streamTable = TableNames.of("d_", DiscoveryIT.STREAM);
    Dataset<Row> stream = delta(streamTable);
    assertEquals(12, stream.count());
    assertEquals(12, stream.select("_index", "_id").distinct().count());
    assertEquals(7, stream.select("_id").distinct().count());
    assertEquals("_index,_id", property(streamTable, "eslake.key"));
    assertEquals("_id", property("d_disc_a", "eslake.key"));
    Dataset<Row> alias = delta("d_disc_all");
    assertEquals(2, alias.count());
    assertEquals("_index,_id", property("d_disc_all", "eslake.key"));
    assertEquals("ab-1", alias.where("_index = 'disc-b'").select("code").first().getString(0));
  }

  @Test
  void hiddenIndicesAreSyncedOnlyWhenAsked() {
    SyncJobIT.Run without =
        SyncJobIT.run(SyncJobIT.argsFor(warehouse, es().password(), "--indices", "disc-hidden"));
    SyncJobIT.Run with =
        SyncJobIT.run(
            SyncJobIT.argsFor(
                warehouse, es().password(), "--indices", "disc-hidden", "--include-hidden"));

    assertEquals(2, without.code(), without.err());
    assertTrue(without.err().contains("No index named 'disc-hidden' (closest:"), without.err());
    assertTrue(
        without
            .err()
            .contains(
                " Hidden indices and data streams are listed only with --include-hidden. Aliases"
                    + " are listed only with --include-aliases."),
        without.err());
    assertEquals(0, with.code(), with.out() + with.err());
    assertTrue(with.out().contains("Synced 1 of 1 index, 0 rows"), with.out());
  }

  /**
   * An index the account may see but not read is not listed; naming it gives the missing privilege
   * and exit code 3, as the README's check mode promises, not "no index named".
   */
  @Test
  void anIndexTheAccountSeesButMayNotReadNamesThePrivilege() {
    String user = "eslake-sync-viewer";
    String password = "Sync-" + java.util.UUID.randomUUID();
    fileRealmUser(user, password, List.of("disc-a"), List.of("disc-b"));

    SyncJobIT.Run run =
        SyncJobIT.run(
            SyncJobIT.argsFor(
                warehouse, password, "--username", user, "--indices", "disc-b", "--check"));

    assertEquals(3, run.code(), run.out() + run.err());
    assertTrue(run.err().contains("lacks the index privilege 'read' on 'disc-b'"), run.err());
    assertFalse(run.err().contains("No index named"), run.err());
  }

  private static Dataset<Row> delta(String table) {
    return spark().read().format("delta").load(warehouse.resolve(table).toString());
  }

  private static String property(String table, String key) {
    return spark()
        .sql("SHOW TBLPROPERTIES delta.`" + warehouse.resolve(table) + "`")
        .where("key = '" + key + "'")
        .first()
        .getString(1);
  }
}

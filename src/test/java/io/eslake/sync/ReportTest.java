package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the run report that need no cluster: count check, schema changes, rerun file. */
class ReportTest {

  @TempDir Path folder;

  private static IndexResult synced(long rows) {
    return IndexResult.success("logs", "/lake/logs", rows, 1.0, List.of(), List.of());
  }

  @Test
  void aTableHoldingTheSteadyCountPasses() {
    IndexResult result = SyncJob.checkCount(synced(100), 100, 100);
    assertTrue(result.succeeded());
    assertTrue(result.notes().isEmpty());
  }

  @Test
  void aTableShortOfASteadyCountFailsTheIndexNamingBothNumbers() {
    IndexResult result = SyncJob.checkCount(synced(99), 100, 100);

    assertFalse(result.succeeded());
    assertEquals(99, result.rows());
    assertTrue(result.error().contains("holds 99 rows"), result.error());
    assertTrue(result.error().contains("counted 100 documents"), result.error());
    assertTrue(result.line().contains("FAILED count check"), result.line());
  }

  @Test
  void countsOfOneAreSaidInTheSingular() {
    IndexResult shortOf = SyncJob.checkCount(synced(0), 1, 1);
    IndexResult overBy = SyncJob.checkCount(synced(1), 2, -1, "gone");
    IndexResult changed = SyncJob.checkCount(synced(1), 1, 2);

    assertTrue(shortOf.error().contains("holds 0 rows but the index counted 1 document "));
    assertTrue(overBy.error().contains("holds 1 row but the index counted 2 documents"));
    assertTrue(changed.line().contains("(1 document before the read, 2 after)"), changed.line());
    RescueReport.RescuedField one =
        new RescueReport.RescuedField("n", 1, RescueReport.Reason.MISMATCH);
    assertTrue(one.line().contains("_rescued: n in 1 document: values"), one.line());
  }

  @Test
  void anIndexThatChangedDuringTheSyncIsNotedNotFailed() {
    IndexResult result = SyncJob.checkCount(synced(100), 100, 130);

    assertTrue(result.succeeded());
    assertTrue(result.line().contains("the index changed during the sync"), result.line());
    assertTrue(result.line().contains("100 documents before the read, 130 after"), result.line());
  }

  @Test
  void anIndexGoneBeforeTheClosingCountIsSyncedWithANoteWhenEveryDocumentWasRead() {
    String gone = "No index, alias or data stream named 'logs' exists";

    IndexResult whole = SyncJob.checkCount(synced(100), 100, -1, gone);
    IndexResult shortOf = SyncJob.checkCount(synced(90), 100, -1, gone);

    assertTrue(whole.succeeded(), "the table holds the index as counted before the read");
    assertTrue(whole.line().contains("could not be counted after it (" + gone + ")"), whole.line());
    assertFalse(shortOf.succeeded());
    assertTrue(shortOf.error().contains("holds 90 rows"), shortOf.error());
    assertTrue(shortOf.error().contains("the new version was committed"), shortOf.error());
    assertTrue(shortOf.error().contains(gone), shortOf.error());
  }

  @Test
  void schemaChangesNameAddedRetypedAndDroppedColumns() {
    StructType before =
        new StructType()
            .add("_id", DataTypes.StringType)
            .add("n", DataTypes.LongType)
            .add("gone", DataTypes.StringType);
    StructType after =
        new StructType()
            .add("_id", DataTypes.StringType)
            .add("n", DataTypes.StringType)
            .add("added", DataTypes.BooleanType);

    assertEquals(
        "added added; removed gone; changed n bigint -> string",
        SchemaChanges.between(before, after));
    assertEquals(SchemaChanges.NONE, SchemaChanges.between(after, after));
    assertEquals(SchemaChanges.CREATED, SchemaChanges.between(null, after));
  }

  @Test
  void theReportKeepsTheFailedIndicesForTheNextRun() throws IOException {
    Path file = RunReport.file(folder.toString());
    RunReport.write(
        file,
        List.of(
            synced(5),
            IndexResult.failure("orders", "/lake/orders", 2.0, "the connection was reset"),
            IndexResult.failure("users", "/lake/users", 2.0, "shards failed"),
            IndexResult.skip("archive", "/lake/archive", "closed")));

    assertEquals(
        List.of("orders", "users"),
        RunReport.failedIndices(file),
        "a skipped (closed) index is not rerun as failed");
    assertTrue(Files.readString(file).contains("the connection was reset"));
    try (var files = Files.list(folder)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void onlyFailedWithoutAReportSaysToRunOnceFirst() {
    Path file = RunReport.file(folder.toString());
    UsageException e = assertThrows(UsageException.class, () -> RunReport.failedIndices(file));
    assertTrue(e.getMessage().contains("Run without --only-failed first"), e.getMessage());
  }

  @Test
  void retryFlagsReachTheCatalogAndAreCheckedTogether() {
    Map<String, String> env = Map.of("ESLAKE_PASSWORD", "x");
    SyncConfig config =
        SyncArguments.parse(
            new String[] {
              "--url",
              "http://es:9200",
              "--username",
              "u",
              "--max-retries",
              "2",
              "--retry-wait-ms",
              "2000",
              "--retry-max-wait-ms",
              "8000",
              "--only-failed"
            },
            env);
    assertEquals("2", config.catalogOptions().get("max_retries"));
    assertEquals("2000", config.catalogOptions().get("retry_wait_ms"));
    assertEquals("8000", config.catalogOptions().get("retry_max_wait_ms"));
    assertTrue(config.onlyFailed());

    UsageException e =
        assertThrows(
            UsageException.class,
            () ->
                SyncArguments.parse(
                    new String[] {
                      "--url", "http://es:9200", "--username", "u", "--retry-wait-ms", "60000"
                    },
                    env));
    assertTrue(e.getMessage().contains("--retry-max-wait-ms"), e.getMessage());
    assertTrue(e.getMessage().contains("--retry-wait-ms"), e.getMessage());
    assertThrows(
        UsageException.class,
        () ->
            SyncArguments.parse(
                new String[] {"--url", "http://es:9200", "--username", "u", "--max-retries", "-1"},
                env));
  }

  @Test
  void aCommitRefusedForAConcurrentWriterSaysToRunSyncsOneAtATime() {
    String delta =
        "[DELTA_METADATA_CHANGED] MetadataChangedException: The metadata of the Delta table has"
            + " been changed by a concurrent update. Please try the operation again.";
    Exception failure =
        new IllegalStateException(
            "Job aborted", new org.apache.spark.sql.delta.MetadataChangedException(delta));

    String line = Failures.oneLine(failure);

    assertEquals(delta + Failures.CONCURRENT_WRITE_ADVICE, line);
    assertEquals(
        "Job aborted",
        Failures.oneLine(new IllegalStateException("Job aborted")),
        "other failures get no such advice");
  }
}

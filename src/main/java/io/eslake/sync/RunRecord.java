package io.eslake.sync;

import java.time.Instant;

/**
 * One index of one run, as the run history and the JSON report keep it. Holds no secret: the
 * cluster is not named, only the index and the table.
 *
 * @param runId the run's id, shared by every index of the run
 * @param startedAt when the index's sync started
 * @param index the Elasticsearch index
 * @param table the Delta table written: a metastore name or a folder
 * @param status {@code ok}, {@code failed}, or {@code skipped} (a closed index)
 * @param rows rows the Delta commit wrote, or -1 when it failed
 * @param indexCount the index's document count when its sync started, or -1 when unknown
 * @param seconds how long the index took
 * @param bytes response bytes read from the cluster, as the read's metrics reported them
 * @param schemaChanges how the table's columns changed: {@code created}, {@code none}, or the
 *     columns added, removed and changed
 * @param error the failure in one line, the reason an index was skipped ({@code closed}), or null
 * @param rescued per field, how many documents had values kept in the rescue column; empty when
 *     none, null when the index was not synced
 * @param notes what the result line noted besides, in one line ("count: the index changed during
 *     the sync ...", "schema: ..."), or null when nothing
 */
record RunRecord(
    String runId,
    Instant startedAt,
    String index,
    String table,
    String status,
    long rows,
    long indexCount,
    double seconds,
    long bytes,
    String schemaChanges,
    String error,
    java.util.Map<String, Long> rescued,
    String notes) {

  static final String OK = "ok";
  static final String FAILED = "failed";
  static final String SKIPPED = "skipped";

  /**
   * The record of an index's result.
   *
   * @param indexCount the index's document count when its sync started, or -1
   * @param bytes response bytes read from the cluster
   * @param schemaChanges how the table's columns changed, or null when it was not written
   */
  static RunRecord of(
      String runId,
      Instant startedAt,
      IndexResult result,
      long indexCount,
      long bytes,
      String schemaChanges) {
    java.util.Map<String, Long> rescued = null;
    if (result.succeeded()) {
      rescued = new java.util.LinkedHashMap<>();
      for (RescueReport.RescuedField field : result.rescued()) {
        rescued.put(field.field(), field.documents());
      }
    }
    return new RunRecord(
        runId,
        startedAt,
        result.index(),
        result.table(),
        result.succeeded() ? OK : result.failed() ? FAILED : SKIPPED,
        result.rows(),
        indexCount,
        result.seconds(),
        bytes,
        schemaChanges,
        result.failed() ? result.error() : result.skipped(),
        rescued,
        result.notes().isEmpty() ? null : String.join("; ", result.notes()));
  }
}

package io.eslake.sync;

import java.util.List;
import java.util.Map;

/**
 * Everything one sync run needs, validated.
 *
 * @param catalogOptions options for the Elasticsearch catalog the job reads through; secrets are
 *     given as references (an environment variable or a file), never as values
 * @param include index names or wildcard patterns to sync
 * @param exclude index names or wildcard patterns to leave out
 * @param tablePrefix prepended to every table name
 * @param warehouse the folder Delta tables are written under, when no database is given
 * @param database the metastore database to write tables into, or null to write by path
 * @param historyTable the table of sync runs each run appends to, or null to keep no history
 * @param reportFile where to write the run's JSON report, or null for none
 * @param check whether to only check the connection and list what would be synced
 * @param progressSeconds seconds between progress log lines when the output is not a terminal
 * @param onlyFailed whether to sync only the indices that failed in the last run's report
 * @param parallelism the most indices synced at the same time, at least 1
 * @param batchMaxDocuments the most documents an index may hold to be synced in a batch with other
 *     small indices when several sync at once; 0 syncs every index on its own
 */
public record SyncConfig(
    Map<String, String> catalogOptions,
    List<String> include,
    List<String> exclude,
    String tablePrefix,
    String warehouse,
    String database,
    String historyTable,
    String reportFile,
    boolean check,
    double progressSeconds,
    boolean onlyFailed,
    int parallelism,
    long batchMaxDocuments) {

  /** The indices synced at once when no number is given. */
  public static final int DEFAULT_PARALLELISM = 4;

  /** The most documents of an index synced in a batch when no number is given. */
  public static final long DEFAULT_BATCH_MAX_DOCUMENTS = 100_000;

  public SyncConfig {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
    }
    if (batchMaxDocuments < 0) {
      throw new IllegalArgumentException(
          "batchMaxDocuments must not be negative, was " + batchMaxDocuments);
    }
    catalogOptions = Map.copyOf(catalogOptions);
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
  }
}

package io.eslake.sync;

/**
 * The outcome of syncing one index.
 *
 * @param index the Elasticsearch index
 * @param table where it was written: a metastore name or a path
 * @param succeeded whether the table now holds the index
 * @param rows rows written, or -1 when the sync failed
 * @param seconds how long the index took
 * @param error what went wrong, in one line, or null
 */
public record IndexResult(
    String index, String table, boolean succeeded, long rows, double seconds, String error) {

  static IndexResult success(String index, String table, long rows, double seconds) {
    return new IndexResult(index, table, true, rows, seconds, null);
  }

  static IndexResult failure(String index, String table, double seconds, String error) {
    return new IndexResult(index, table, false, -1, seconds, error);
  }

  /** One line for the console. */
  String line() {
    if (succeeded) {
      return String.format(
          java.util.Locale.ROOT, "%s -> %s: %,d rows in %.1f s", index, table, rows, seconds);
    }
    return String.format(
        java.util.Locale.ROOT, "%s -> %s: FAILED after %.1f s: %s", index, table, seconds, error);
  }
}

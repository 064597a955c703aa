package io.eslake.sync;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of syncing one index.
 *
 * @param index the Elasticsearch index
 * @param table where it was written: a metastore name or a path
 * @param succeeded whether the table now holds the index
 * @param rows rows written, or -1 when the sync failed or was skipped
 * @param seconds how long the index took
 * @param error what went wrong, in one line, or null
 * @param skipped why the index was left alone (such as "closed"), or null when it was not
 * @param rescued the fields whose values were kept in the rescue column, with document counts
 * @param notes further lines about a synced index: schema changes, the count check
 */
public record IndexResult(
    String index,
    String table,
    boolean succeeded,
    long rows,
    double seconds,
    String error,
    String skipped,
    List<RescueReport.RescuedField> rescued,
    List<String> notes) {

  public IndexResult {
    rescued = List.copyOf(rescued);
    notes = List.copyOf(notes);
  }

  /** The outcome as a word: synced, failed or skipped. */
  public String status() {
    return skipped != null ? "skipped" : succeeded ? "synced" : "failed";
  }

  /** Whether the sync of this index failed; a skipped index did not. */
  public boolean failed() {
    return !succeeded && skipped == null;
  }

  static IndexResult success(
      String index,
      String table,
      long rows,
      double seconds,
      List<RescueReport.RescuedField> rescued,
      List<String> notes) {
    return new IndexResult(index, table, true, rows, seconds, null, null, rescued, notes);
  }

  static IndexResult failure(String index, String table, double seconds, String error) {
    return new IndexResult(index, table, false, -1, seconds, error, null, List.of(), List.of());
  }

  static IndexResult skip(String index, String table, String reason) {
    return new IndexResult(index, table, false, -1, 0, null, reason, List.of(), List.of());
  }

  /**
   * A table that was written but holds another number of rows than the index held at the start and
   * at the end of its read: the commit stands, and the run fails so that it is looked at.
   */
  IndexResult withCountMismatch(String error) {
    return new IndexResult(index, table, false, rows, seconds, error, null, rescued, notes);
  }

  /** The same table written, with one more note; a failure or skip becomes a success. */
  IndexResult withNote(String note) {
    List<String> more = new ArrayList<>(notes);
    more.add(note);
    return new IndexResult(index, table, true, rows, seconds, null, null, rescued, more);
  }

  /** The console lines: the result, then one line per field with rescued values. */
  String line() {
    if (succeeded) {
      StringBuilder lines =
          new StringBuilder(
              String.format(
                  java.util.Locale.ROOT,
                  "%s -> %s: %s in %.1f s",
                  index,
                  table,
                  Words.count(rows, "row", "rows"),
                  seconds));
      notes.forEach(note -> lines.append(System.lineSeparator()).append("  ").append(note));
      rescued.forEach(field -> lines.append(System.lineSeparator()).append(field.line()));
      return lines.toString();
    }
    if (skipped != null) {
      return String.format(java.util.Locale.ROOT, "%s -> %s: skipped (%s)", index, table, skipped);
    }
    if (rows >= 0) {
      return String.format(
          java.util.Locale.ROOT,
          "%s -> %s: FAILED count check after writing %s in %.1f s: %s",
          index,
          table,
          Words.count(rows, "row", "rows"),
          seconds,
          error);
    }
    return String.format(
        java.util.Locale.ROOT, "%s -> %s: FAILED after %.1f s: %s", index, table, seconds, error);
  }
}

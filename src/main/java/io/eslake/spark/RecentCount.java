package io.eslake.spark;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The document count of a table's index last read through its properties, with when. A read planned
 * right after (the sync job counts an index, then reads it) sizes its slices with it rather than
 * asking the cluster again: the count only chooses how many slices to read in, so one a few seconds
 * old does as well.
 */
final class RecentCount {

  /** How long a count is used for planning a read of the whole index. */
  static final long FRESH_MILLIS = 10_000;

  private record Taken(long documents, long atNanos) {}

  private final AtomicReference<Taken> last = new AtomicReference<>();

  /** Keeps a count just read from the cluster. */
  void record(long documents) {
    last.set(new Taken(documents, System.nanoTime()));
  }

  /** The last count if it is younger than {@link #FRESH_MILLIS}, else -1. */
  long fresh() {
    Taken taken = last.get();
    if (taken == null || System.nanoTime() - taken.atNanos() > FRESH_MILLIS * 1_000_000L) {
      return -1;
    }
    return taken.documents();
  }
}

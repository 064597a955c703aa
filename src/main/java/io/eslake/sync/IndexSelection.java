package io.eslake.sync;

import io.eslake.spark.NameSelection;
import java.util.List;

/** Picks the indices to sync from those the catalog lists, by include and exclude patterns. */
final class IndexSelection {

  private IndexSelection() {}

  /**
   * The listed indices that match an include pattern and no exclude pattern, in listing order.
   *
   * @throws UsageException when a name given without wildcards is not listed
   */
  static List<String> select(List<String> listed, List<String> include, List<String> exclude) {
    try {
      return NameSelection.of(include, exclude).select(listed, "index");
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}

package io.eslake.spark;

/**
 * A listed table that cannot be read because its index is closed. Thrown when such a table is
 * loaded (DESCRIBE, SELECT); the sync job skips the index with the reason "closed".
 */
public final class ClosedIndexException extends IllegalStateException {

  private final String index;

  ClosedIndexException(String index) {
    super(
        "Cannot read index '"
            + index
            + "': it is closed, so its mapping and documents cannot be read. Open it"
            + " (POST /"
            + index
            + "/_open) to read it, or leave it out with the option 'exclude'.");
    this.index = index;
  }

  /** The closed index. */
  public String index() {
    return index;
  }
}

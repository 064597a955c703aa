package io.eslake.spark;

/**
 * A table that cannot be read because the mapping of its index, or of one of the indices behind its
 * data stream or alias, disables {@code _source}: Elasticsearch then keeps no copy of the documents
 * to give back, and every column would read NULL. Thrown when the table is loaded; the sync job
 * fails the index with this message.
 */
public final class SourceDisabledException extends IllegalStateException {

  private final String index;

  SourceDisabledException(String table, String kind, String index) {
    super(
        "Cannot read "
            + kind
            + " '"
            + table
            + "': "
            + (index.equals(table) ? "its mapping" : "the mapping of its index '" + index + "'")
            + " disables _source (\"_source\": {\"enabled\": false}), so Elasticsearch keeps no"
            + " copy of the documents to read back and every column would be NULL. Leave it out"
            + " with the option 'exclude', or index the documents again from where they came"
            + " from into an index whose _source is enabled (a _reindex needs _source too).");
    this.index = index;
  }

  /** The index whose mapping disables {@code _source}. */
  public String index() {
    return index;
  }
}

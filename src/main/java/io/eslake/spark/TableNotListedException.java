package io.eslake.spark;

/**
 * A name the cluster has but the catalog's options leave out of its tables (an alias without
 * include_aliases, a hidden index without include_hidden, a name the options include and exclude do
 * not select). Thrown when such a table is loaded, so that the error names the option that lists
 * it, where Spark would only say that no such table exists.
 */
public final class TableNotListedException extends IllegalArgumentException {

  TableNotListedException(String catalog, String table, String why, String setting) {
    super(
        "Table '"
            + table
            + "' of catalog '"
            + catalog
            + "' is not listed: "
            + why
            + " (set "
            + setting
            + ").");
  }
}

package io.eslake.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps index names to Delta table names: the prefix, then the index name in lower case with every
 * character other than a-z, 0-9 and _ replaced by _. Deterministic, so a table keeps its name from
 * run to run.
 */
public final class TableNames {

  private TableNames() {}

  /** The table name of one index. */
  public static String of(String prefix, String index) {
    String raw = (prefix == null ? "" : prefix) + index;
    StringBuilder out = new StringBuilder(raw.length());
    for (char c : raw.toLowerCase(Locale.ROOT).toCharArray()) {
      boolean plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      out.append(plain ? c : '_');
    }
    return out.toString();
  }

  /**
   * The table name of each index, in the order given.
   *
   * @throws UsageException when two indices would write the same table
   */
  public static Map<String, String> assign(String prefix, List<String> indices) {
    Map<String, String> tables = new LinkedHashMap<>();
    Map<String, String> owners = new LinkedHashMap<>();
    List<String> clashes = new ArrayList<>();
    for (String index : indices) {
      String table = of(prefix, index);
      String owner = owners.putIfAbsent(table, index);
      if (owner != null) {
        clashes.add("'" + owner + "' and '" + index + "' both map to table '" + table + "'");
      }
      tables.put(index, table);
    }
    if (!clashes.isEmpty()) {
      throw new UsageException(
          "Cannot sync: "
              + String.join("; ", clashes)
              + ". Exclude one of each pair with --exclude.");
    }
    return tables;
  }
}

package io.eslake.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** How a table's top-level columns changed between two syncs, in one line for the run history. */
final class SchemaChanges {

  static final String CREATED = "created";
  static final String NONE = "none";

  private SchemaChanges() {}

  /**
   * Compares the columns of the table before and after a sync.
   *
   * @param before the schema before, or null when the table did not exist
   */
  static String between(StructType before, StructType after) {
    if (before == null) {
      return CREATED;
    }
    Map<String, StructField> old = byName(before);
    Map<String, StructField> now = byName(after);
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    for (StructField field : now.values()) {
      StructField previous = old.get(field.name());
      if (previous == null) {
        added.add(field.name());
      } else if (!previous.dataType().equals(field.dataType())) {
        changed.add(
            field.name()
                + " "
                + previous.dataType().simpleString()
                + " -> "
                + field.dataType().simpleString());
      }
    }
    List<String> removed = old.keySet().stream().filter(name -> !now.containsKey(name)).toList();
    List<String> parts = new ArrayList<>();
    addPart(parts, "added", added);
    addPart(parts, "removed", removed);
    addPart(parts, "changed", changed);
    return parts.isEmpty() ? NONE : String.join("; ", parts);
  }

  private static void addPart(List<String> parts, String what, List<String> columns) {
    if (!columns.isEmpty()) {
      parts.add(what + " " + String.join(", ", columns));
    }
  }

  private static Map<String, StructField> byName(StructType schema) {
    Map<String, StructField> fields = new LinkedHashMap<>();
    for (StructField field : schema.fields()) {
      fields.put(field.name(), field);
    }
    return fields;
  }
}

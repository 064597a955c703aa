package io.eslake.types;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;

/**
 * Gives the columns of one struct names that differ ignoring case, since Spark resolves names
 * without regard to case by default and Delta refuses two columns whose names differ only by case.
 * Elasticsearch field names are case-sensitive, so {@code Name} and {@code name} can both be
 * fields.
 *
 * <p>The rule: among names equal ignoring case, the one that sorts first (by exact name, the
 * reserved {@code _id} before any field and the rescue column after every field) keeps its name;
 * each other one takes the first free name of {@code <name>__2}, {@code <name>__3}, ... The column
 * then records its key in {@code _source} in its metadata.
 */
final class ColumnNames {

  private ColumnNames() {}

  static StructField[] unique(List<StructField> columns) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      order.add(i);
    }
    order.sort(
        Comparator.comparingInt((Integer i) -> rank(columns.get(i)))
            .thenComparing(i -> columns.get(i).name()));
    Set<String> taken = new HashSet<>();
    StructField[] named = new StructField[columns.size()];
    for (int i : order) {
      named[i] = withFreeName(columns.get(i), taken);
    }
    return named;
  }

  private static int rank(StructField column) {
    if (column.name().equals(SchemaConverter.ID_COLUMN)
        && FieldMetadata.type(column).equals("_id")) {
      return 0;
    }
    return FieldMetadata.isRescue(column) ? 2 : 1;
  }

  private static StructField withFreeName(StructField column, Set<String> taken) {
    String name = column.name();
    if (taken.add(lower(name))) {
      return column;
    }
    int suffix = 2;
    while (!taken.add(lower(name + "__" + suffix))) {
      suffix++;
    }
    MetadataBuilder metadata =
        new MetadataBuilder()
            .withMetadata(column.metadata())
            .putString(FieldMetadata.SOURCE_NAME, FieldMetadata.sourceName(column));
    return new StructField(
        name + "__" + suffix, column.dataType(), column.nullable(), metadata.build());
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}

package io.eslake.sync;

import io.eslake.spark.EditDistance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/** Picks the indices to sync from those the catalog lists, by include and exclude patterns. */
final class IndexSelection {

  private IndexSelection() {}

  /**
   * The listed indices that match an include pattern and no exclude pattern, in listing order.
   *
   * @throws UsageException when a name given without wildcards is not listed
   */
  static List<String> select(List<String> listed, List<String> include, List<String> exclude) {
    List<String> missing = new ArrayList<>();
    for (String name : include) {
      if (!hasWildcard(name) && !listed.contains(name)) {
        missing.add("'" + name + "'" + closest(name, listed));
      }
    }
    if (!missing.isEmpty()) {
      throw new UsageException("No index named " + String.join(", ", missing) + ".");
    }
    List<Pattern> includes = include.stream().map(IndexSelection::glob).toList();
    List<Pattern> excludes = exclude.stream().map(IndexSelection::glob).toList();
    return listed.stream()
        .filter(name -> includes.stream().anyMatch(p -> p.matcher(name).matches()))
        .filter(name -> excludes.stream().noneMatch(p -> p.matcher(name).matches()))
        .toList();
  }

  private static String closest(String name, List<String> listed) {
    List<String> near =
        listed.stream()
            .sorted(Comparator.comparingInt(candidate -> EditDistance.between(candidate, name)))
            .limit(3)
            .toList();
    return near.isEmpty()
        ? " (the cluster lists no index)"
        : " (closest: " + String.join(", ", near) + ")";
  }

  private static boolean hasWildcard(String name) {
    return name.indexOf('*') >= 0 || name.indexOf('?') >= 0;
  }

  private static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }
}

package io.eslake.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Picks names from a listing by include and exclude lists of names and patterns, where {@code *}
 * matches any characters and {@code ?} one. Shared by the catalog's listing and the sync job.
 */
public final class NameSelection {

  private final List<String> include;
  private final List<Pattern> includes;
  private final List<Pattern> excludes;

  private NameSelection(List<String> include, List<String> exclude) {
    this.include = List.copyOf(include);
    this.includes = include.stream().map(NameSelection::glob).toList();
    this.excludes = exclude.stream().map(NameSelection::glob).toList();
  }

  /** A selection; an empty include list selects nothing. */
  public static NameSelection of(List<String> include, List<String> exclude) {
    return new NameSelection(include, exclude);
  }

  /** Whether a name matches an include entry and no exclude entry. */
  public boolean matches(String name) {
    return includes.stream().anyMatch(p -> p.matcher(name).matches())
        && excludes.stream().noneMatch(p -> p.matcher(name).matches());
  }

  /**
   * The listed names this selection picks, in listing order.
   *
   * @param what what a name is, for the message ("index", "table")
   * @throws IllegalArgumentException naming each include entry without wildcards that is not
   *     listed, with the closest listed names
   */
  public List<String> select(List<String> listed, String what) {
    List<String> missing = new ArrayList<>();
    for (String name : include) {
      if (!hasWildcard(name) && !listed.contains(name)) {
        missing.add("'" + name + "'" + closest(name, listed, what));
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "No " + what + " named " + String.join(", ", missing) + ".");
    }
    return listed.stream().filter(this::matches).toList();
  }

  /** The three listed names nearest to one, as a parenthesis for a message. */
  public static String closest(String name, List<String> listed, String what) {
    List<String> near =
        listed.stream()
            .sorted(
                Comparator.comparingInt((String candidate) -> EditDistance.between(candidate, name))
                    .thenComparing(Comparator.naturalOrder()))
            .limit(3)
            .toList();
    return near.isEmpty()
        ? " (the cluster lists no " + what + ")"
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

package io.eslake.types;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fields of an index that hold arrays, by their dotted path in {@code _source}. Any
 * Elasticsearch field may hold one value or several, and the mapping does not say which; a field
 * named here gets an array column. Paths may hold the wildcard {@code *}, which matches any run of
 * characters, dots included.
 */
public final class ArrayFields {

  /** Where a mapping's {@code _meta} lists its array fields: {@code _meta.eslake.arrays}. */
  public static final String META_KEY = "eslake.arrays";

  private static final ArrayFields NONE = new ArrayFields(Set.of(), List.of());

  private final Set<String> exact;
  private final List<Pattern> wildcards;

  private ArrayFields(Set<String> exact, List<Pattern> wildcards) {
    this.exact = exact;
    this.wildcards = wildcards;
  }

  public static ArrayFields none() {
    return NONE;
  }

  /** The fields given by paths or wildcard patterns; blank entries are ignored. */
  public static ArrayFields of(Collection<String> paths) {
    Set<String> exact = new LinkedHashSet<>();
    List<Pattern> wildcards = new ArrayList<>();
    for (String raw : paths) {
      String path = raw.trim();
      if (path.isEmpty()) {
        continue;
      }
      if (path.contains("*")) {
        wildcards.add(glob(path));
      } else {
        exact.add(path);
      }
    }
    return new ArrayFields(Set.copyOf(exact), List.copyOf(wildcards));
  }

  /**
   * The fields a mapping's {@code _meta.eslake.arrays} lists: an array of paths, or one string of
   * comma-separated paths.
   */
  public static ArrayFields fromMeta(IndexMapping mapping) {
    JsonNode listed = mapping.meta().path("eslake").path("arrays");
    List<String> paths = new ArrayList<>();
    if (listed.isArray()) {
      listed.forEach(path -> paths.add(path.asText()));
    } else if (listed.isTextual()) {
      paths.addAll(List.of(listed.asText().split(",")));
    }
    return of(paths);
  }

  /** The fields named here or there. */
  public ArrayFields and(ArrayFields other) {
    Set<String> exact = new LinkedHashSet<>(this.exact);
    exact.addAll(other.exact);
    List<Pattern> wildcards = new ArrayList<>(this.wildcards);
    wildcards.addAll(other.wildcards);
    return new ArrayFields(Set.copyOf(exact), List.copyOf(wildcards));
  }

  /** Whether the field at a dotted path holds arrays. */
  public boolean contains(String path) {
    if (exact.contains(path)) {
      return true;
    }
    for (Pattern wildcard : wildcards) {
      if (wildcard.matcher(path).matches()) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return exact.isEmpty() && wildcards.isEmpty();
  }

  private static Pattern glob(String path) {
    String[] parts = path.split("\\*", -1);
    StringBuilder regex = new StringBuilder(Pattern.quote(parts[0]));
    for (int i = 1; i < parts.length; i++) {
      regex.append(".*").append(Pattern.quote(parts[i]));
    }
    return Pattern.compile(regex.toString());
  }
}

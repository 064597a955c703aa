package io.eslake.spark;

import io.eslake.client.ResolvedNames;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the catalog lists as tables, from one {@code _resolve/index} answer: indices on their own
 * (open or closed), data streams, and aliases when asked. Names starting with "." are system names
 * and never listed; data stream backing indices are read through their stream only.
 */
final class TableListing {

  /** What a table reads. */
  enum Kind {
    INDEX("index"),
    DATA_STREAM("data stream"),
    ALIAS("alias");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  /**
   * One table.
   *
   * @param closed whether the index is closed, so that it cannot be read
   */
  record Entry(String name, Kind kind, boolean closed) {

    /** Whether the table reads several concrete indices, whose ids are unique only per index. */
    boolean readsSeveralIndices() {
      return kind != Kind.INDEX;
    }
  }

  private final Map<String, Entry> entries;
  private final long listedAtNanos;

  private TableListing(Map<String, Entry> entries, long listedAtNanos) {
    this.entries = entries;
    this.listedAtNanos = listedAtNanos;
  }

  /**
   * The tables of a resolve answer, selected by the catalog's options, less the names the account
   * may not read.
   *
   * @throws IllegalArgumentException when the option include names a table that is not listed
   */
  static TableListing of(ResolvedNames names, ConnectorOptions options, Set<String> unreadable) {
    Map<String, Entry> entries = listable(names, options);
    entries.keySet().removeIf(unreadable::contains);
    List<String> selected =
        NameSelection.of(options.include(), options.exclude())
            .select(List.copyOf(entries.keySet()), "index, data stream or alias");
    entries.keySet().retainAll(new HashSet<>(selected));
    return new TableListing(entries, System.nanoTime());
  }

  /** The names a resolve answer would list, before the read privilege and the selection. */
  static Set<String> candidates(ResolvedNames names, ConnectorOptions options) {
    return listable(names, options).keySet();
  }

  private static Map<String, Entry> listable(ResolvedNames names, ConnectorOptions options) {
    Map<String, Entry> entries = new TreeMap<>();
    for (ResolvedNames.Index index : names.indices()) {
      boolean hidden = index.isHidden() && !options.includeHidden();
      if (!index.isSystem() && !index.isBackingIndex() && !hidden) {
        entries.put(index.name(), new Entry(index.name(), Kind.INDEX, index.isClosed()));
      }
    }
    for (ResolvedNames.DataStream stream : names.dataStreams()) {
      entries.put(stream.name(), new Entry(stream.name(), Kind.DATA_STREAM, false));
    }
    if (options.includeAliases()) {
      for (ResolvedNames.Alias alias : names.aliases()) {
        entries.put(alias.name(), new Entry(alias.name(), Kind.ALIAS, false));
      }
    }
    entries.keySet().removeIf(name -> name.startsWith("."));
    return entries;
  }

  /** Every table, by name. */
  Map<String, Entry> entries() {
    return entries;
  }

  /** Whether this listing is younger than a time to live. */
  boolean isFresh(long ttlMillis) {
    return System.nanoTime() - listedAtNanos < ttlMillis * 1_000_000L;
  }
}

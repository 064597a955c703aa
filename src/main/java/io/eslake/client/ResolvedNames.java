package io.eslake.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a name or pattern resolves to on the cluster: concrete indices, aliases and data streams.
 *
 * @param indices concrete indices, including data stream backing indices when they matched
 * @param aliases aliases with the indices they point to
 * @param dataStreams data streams with their backing indices
 */
public record ResolvedNames(
    List<Index> indices, List<Alias> aliases, List<DataStream> dataStreams) {

  /** A concrete index and what the cluster says of it. */
  public record Index(String name, List<String> attributes, String dataStream) {
    public boolean isHidden() {
      return attributes.contains("hidden");
    }

    public boolean isClosed() {
      return attributes.contains("closed");
    }

    public boolean isSystem() {
      return attributes.contains("system") || name.startsWith(".");
    }

    /** Whether this index backs a data stream rather than standing on its own. */
    public boolean isBackingIndex() {
      return dataStream != null;
    }
  }

  /** An alias and the indices it points to. */
  public record Alias(String name, List<String> indices) {}

  /** A data stream and its backing indices, oldest first. */
  public record DataStream(String name, List<String> backingIndices, String timestampField) {}

  /** The concrete index of that name, if the answer holds one. */
  public Optional<Index> index(String name) {
    return indices.stream().filter(i -> i.name().equals(name)).findFirst();
  }

  /** The alias of that name, if the answer holds one. */
  public Optional<Alias> alias(String name) {
    return aliases.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  /** The data stream of that name, if the answer holds one. */
  public Optional<DataStream> dataStream(String name) {
    return dataStreams.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  /** Whether the answer holds an index, alias or data stream of that name. */
  public boolean has(String name) {
    return index(name).isPresent() || alias(name).isPresent() || dataStream(name).isPresent();
  }

  static ResolvedNames parse(JsonNode body) {
    List<Index> indices = new ArrayList<>();
    for (JsonNode node : body.path("indices")) {
      String stream = node.hasNonNull("data_stream") ? node.get("data_stream").asText() : null;
      indices.add(
          new Index(
              node.path("name").asText(), ClusterClient.texts(node.path("attributes")), stream));
    }
    List<Alias> aliases = new ArrayList<>();
    for (JsonNode node : body.path("aliases")) {
      aliases.add(new Alias(node.path("name").asText(), ClusterClient.texts(node.path("indices"))));
    }
    List<DataStream> streams = new ArrayList<>();
    for (JsonNode node : body.path("data_streams")) {
      streams.add(
          new DataStream(
              node.path("name").asText(),
              ClusterClient.texts(node.path("backing_indices")),
              node.path("timestamp_field").asText("@timestamp")));
    }
    return new ResolvedNames(List.copyOf(indices), List.copyOf(aliases), List.copyOf(streams));
  }
}

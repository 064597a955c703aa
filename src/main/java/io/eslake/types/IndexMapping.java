package io.eslake.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mapping of one index as a tree of fields.
 *
 * @param properties the top-level fields in mapping order
 * @param meta the mapping's {@code _meta} object, or a missing node
 */
public record IndexMapping(Map<String, MappedField> properties, JsonNode meta) {

  public IndexMapping {
    properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /**
   * Parses the {@code mappings} object of a get-mapping response. Accepts the typeless form of
   * Elasticsearch 7 and later and the single-type form ({@code {"_doc": {...}}}) of older indices.
   */
  public static IndexMapping parse(JsonNode mappings) {
    JsonNode root = typeless(mappings);
    Map<String, MappedField> fields = parseProperties(root.path("properties"), "");
    JsonNode meta = root.has("_meta") ? root.get("_meta") : MissingNode.getInstance();
    return new IndexMapping(fields, meta);
  }

  /**
   * Whether a {@code mappings} object disables {@code _source} ({@code "_source": {"enabled":
   * false}}): the index then keeps no copy of its documents to read back.
   */
  public static boolean sourceDisabled(JsonNode mappings) {
    return !typeless(mappings).path("_source").path("enabled").asBoolean(true);
  }

  /**
   * The {@code includes} and {@code excludes} of a {@code mappings} object's {@code _source}, as
   * text such as {@code excludes [secret, raw.*]}; empty when {@code _source} keeps every field.
   * The fields such a filter leaves out are not in the documents read back.
   */
  public static String sourceFilter(JsonNode mappings) {
    JsonNode source = typeless(mappings).path("_source");
    List<String> parts = new ArrayList<>();
    for (String kind : List.of("includes", "excludes")) {
      JsonNode patterns = source.path(kind);
      if (patterns.size() > 0 || patterns.isTextual()) {
        List<String> names = new ArrayList<>();
        if (patterns.isTextual()) {
          names.add(patterns.asText());
        } else {
          patterns.forEach(pattern -> names.add(pattern.asText()));
        }
        parts.add(kind + " " + names);
      }
    }
    return String.join(", ", parts);
  }

  /** The typeless form of a mapping; Elasticsearch 6 indices nest it under their one type. */
  private static JsonNode typeless(JsonNode mappings) {
    if (!mappings.has("properties") && !mappings.has("_source") && mappings.size() == 1) {
      JsonNode only = mappings.elements().next();
      if (only.isObject() && (only.has("properties") || only.has("_source"))) {
        return only;
      }
    }
    return mappings;
  }

  private static Map<String, MappedField> parseProperties(JsonNode properties, String parent) {
    Map<String, MappedField> fields = new LinkedHashMap<>();
    properties
        .fields()
        .forEachRemaining(
            entry -> {
              String name = entry.getKey();
              String path = parent.isEmpty() ? name : parent + "." + name;
              JsonNode definition = entry.getValue();
              String type = definition.path("type").asText("object");
              Map<String, MappedField> children =
                  definition.has("properties")
                      ? parseProperties(definition.get("properties"), path)
                      : Map.of();
              fields.put(name, new MappedField(name, path, type, definition, children));
            });
    return fields;
  }
}

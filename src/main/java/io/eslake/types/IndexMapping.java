package io.eslake.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.LinkedHashMap;
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
    JsonNode root = mappings;
    if (!root.has("properties") && root.size() == 1) {
      JsonNode only = root.elements().next();
      if (only.isObject() && only.has("properties")) {
        root = only;
      }
    }
    Map<String, MappedField> fields = parseProperties(root.path("properties"), "");
    JsonNode meta = root.has("_meta") ? root.get("_meta") : MissingNode.getInstance();
    return new IndexMapping(fields, meta);
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

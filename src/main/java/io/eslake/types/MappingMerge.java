package io.eslake.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Merges the mappings of several indices into one, for a table that reads them all (a data stream,
 * an alias). A field mapped in any index is a field of the merge. Where the indices disagree, the
 * field widens so that every value still has a place:
 *
 * <ol>
 *   <li>two leaf types (or one type with two date formats) become {@code keyword}: a string column
 *       holding each value's text. It is marked {@code index: false} and {@code doc_values: false}:
 *       each index searches and aggregates the field as its own type, so no filter or aggregate on
 *       the column is sent to the cluster;
 *   <li>an object (or nested field) and a leaf, or an object and a nested field, become an object
 *       with {@code enabled: false}: a string column holding each value as JSON text;
 *   <li>two objects merge their sub-fields by these same rules.
 * </ol>
 *
 * <p>A merge never fails and never drops a field.
 */
public final class MappingMerge {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private MappingMerge() {}

  /**
   * The merge of the {@code mappings} objects of several indices, in the form {@link
   * IndexMapping#parse} reads. The first index's {@code _meta} is kept.
   *
   * @param widened told (path, the types found) each time a field widens
   */
  public static JsonNode merge(Collection<JsonNode> mappings, BiConsumer<String, String> widened) {
    ObjectNode merged = NODES.objectNode();
    ObjectNode properties = merged.putObject("properties");
    for (JsonNode mapping : mappings) {
      JsonNode root = typeless(mapping);
      if (!merged.has("_meta") && root.has("_meta")) {
        merged.set("_meta", root.get("_meta"));
      }
      mergeProperties(properties, root.path("properties"), "", widened);
    }
    return merged;
  }

  /** The typeless form of a mapping; Elasticsearch 6 indices nest it under their one type. */
  private static JsonNode typeless(JsonNode mapping) {
    if (!mapping.has("properties") && mapping.size() == 1) {
      JsonNode only = mapping.elements().next();
      if (only.isObject() && only.has("properties")) {
        return only;
      }
    }
    return mapping;
  }

  private static void mergeProperties(
      ObjectNode into, JsonNode from, String parent, BiConsumer<String, String> widened) {
    Iterator<Map.Entry<String, JsonNode>> fields = from.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String path = parent.isEmpty() ? field.getKey() : parent + "." + field.getKey();
      JsonNode existing = into.get(field.getKey());
      if (existing == null) {
        into.set(field.getKey(), field.getValue().deepCopy());
      } else {
        into.set(field.getKey(), mergeField(existing, field.getValue(), path, widened));
      }
    }
  }

  private static JsonNode mergeField(
      JsonNode first, JsonNode second, String path, BiConsumer<String, String> widened) {
    String firstType = type(first);
    String secondType = type(second);
    boolean firstObject = isObject(first);
    boolean secondObject = isObject(second);
    if (firstObject && secondObject && firstType.equals(secondType)) {
      ObjectNode merged = ((ObjectNode) first).deepCopy();
      ObjectNode properties =
          merged.has("properties")
              ? (ObjectNode) merged.get("properties")
              : merged.putObject("properties");
      mergeProperties(properties, second.path("properties"), path, widened);
      return merged;
    }
    if (!firstObject && !secondObject && sameLeaf(first, second)) {
      return first;
    }
    widened.accept(path, describe(first) + " and " + describe(second));
    if (firstObject || secondObject || isJson(first) || isJson(second)) {
      return NODES.objectNode().put("type", "object").put("enabled", false);
    }
    return NODES.objectNode().put("type", "keyword").put("index", false).put("doc_values", false);
  }

  private static boolean sameLeaf(JsonNode first, JsonNode second) {
    return type(first).equals(type(second))
        && Objects.equals(first.get("format"), second.get("format"))
        && Objects.equals(first.get("enabled"), second.get("enabled"));
  }

  private static boolean isJson(JsonNode field) {
    return type(field).equals("object") && !field.path("enabled").asBoolean(true);
  }

  private static boolean isObject(JsonNode field) {
    String type = type(field);
    return (type.equals("object") || type.equals("nested") || type.equals("passthrough"))
        && field.path("enabled").asBoolean(true);
  }

  private static String type(JsonNode field) {
    return field.path("type").asText("object");
  }

  private static String describe(JsonNode field) {
    String type = type(field);
    return field.has("format") ? type + " (format " + field.get("format").asText() + ")" : type;
  }
}

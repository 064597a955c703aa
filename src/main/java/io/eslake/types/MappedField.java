package io.eslake.types;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One field of an index mapping: its Elasticsearch type, its definition and, for objects and nested
 * fields, its children in mapping order.
 *
 * @param name the field's own name (the last part of its path)
 * @param path the full dotted path from the document root
 * @param type the Elasticsearch type; "object" for objects declared without a type
 * @param definition the field's mapping as the cluster gave it, for type parameters
 * @param children the sub-fields of an object or nested field, empty otherwise
 */
public record MappedField(
    String name, String path, String type, JsonNode definition, Map<String, MappedField> children) {

  public MappedField {
    children = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(children));
  }

  /** Whether the field is an object of sub-fields: {@code object}, or {@code passthrough}. */
  public boolean isObject() {
    return type.equals("object") || type.equals("passthrough");
  }

  public boolean isNested() {
    return type.equals("nested");
  }

  /** False for an object mapped with {@code enabled: false}, whose content is not indexed. */
  public boolean isEnabled() {
    return definition.path("enabled").asBoolean(true);
  }

  /** A text parameter of the definition, such as {@code format}, or null when absent. */
  public String parameter(String key) {
    JsonNode value = definition.get(key);
    return value == null || value.isNull() ? null : value.asText();
  }
}

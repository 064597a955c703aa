package io.eslake.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class IndexMappingSourceTest {

  private static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text);
  }

  @Test
  void aDisabledSourceIsSeenInTheTypelessAndTheSingleTypeForm() throws Exception {
    assertTrue(IndexMapping.sourceDisabled(json("{\"_source\":{\"enabled\":false}}")));
    assertTrue(
        IndexMapping.sourceDisabled(
            json("{\"_doc\":{\"_source\":{\"enabled\":false},\"properties\":{}}}")));
    assertFalse(IndexMapping.sourceDisabled(json("{\"properties\":{\"a\":{\"type\":\"long\"}}}")));
    assertFalse(IndexMapping.sourceDisabled(json("{\"_source\":{\"excludes\":[\"a\"]}}")));
  }

  @Test
  void aSourceFilterIsNamedWithItsPatterns() throws Exception {
    assertEquals(
        "includes [a, b.*], excludes [b.secret]",
        IndexMapping.sourceFilter(
            json("{\"_source\":{\"includes\":[\"a\",\"b.*\"],\"excludes\":[\"b.secret\"]}}")));
    assertEquals(
        "excludes [raw]", IndexMapping.sourceFilter(json("{\"_source\":{\"excludes\":\"raw\"}}")));
    assertEquals("", IndexMapping.sourceFilter(json("{\"_source\":{\"excludes\":[]}}")));
    assertEquals("", IndexMapping.sourceFilter(json("{\"properties\":{}}")));
  }
}

package io.eslake.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eslake.fixtures.Fixture;
import io.eslake.fixtures.FixtureAssertions;
import io.eslake.spark.ConnectorOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every read of every fixture through the decoder, as the catalog would: the schema from the
 * mapping, the options and a sample of the documents, then each document decoded into a row.
 */
class FixtureTest {

  @TestFactory
  Stream<DynamicTest> everyFixtureReadGivesItsExpectedRows() {
    return Fixture.all().stream()
        .flatMap(
            fixture ->
                fixture.reads().stream()
                    .map(
                        read ->
                            DynamicTest.dynamicTest(
                                fixture.id() + ": " + read.name(), () -> run(fixture, read))));
  }

  private static void run(Fixture fixture, Fixture.Read read) throws IOException {
    ConnectorOptions options = ConnectorOptions.of(read.options());
    StructType schema = schema(fixture, options);
    RowDecoder decoder = RowDecoder.forSchema(schema, options.failOnMismatch());
    String where = fixture.id() + " / " + read.name();
    if (read.error() != null) {
      assertFails(fixture, read.error(), decoder, schema, where);
      return;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Fixture.Document document : fixture.documents()) {
      rows.add(DecodedRows.decode(decoder, schema, document.id(), document.source()));
    }
    FixtureAssertions.assertRead(read, schema, rows, where);
  }

  /** The table schema as the catalog builds it, sampling the first documents in order. */
  static StructType schema(Fixture fixture, ConnectorOptions options) throws IOException {
    IndexMapping mapping = IndexMapping.parse(sortedByName(fixture.mapping()));
    ArrayFields arrays = ArrayFields.of(options.arrayFields());
    if (options.arraySampleSize() > 0) {
      ArraySampler sampler = ArraySampler.forMapping(mapping);
      for (Fixture.Document document : fixture.documents()) {
        if (sampler.documents() < options.arraySampleSize()) {
          try (JsonParser source = Fixture.EXACT.getFactory().createParser(document.source())) {
            source.nextToken();
            sampler.observe(source);
          }
        }
      }
      arrays = arrays.and(sampler.found());
    }
    return SchemaConverter.toSchema(mapping, arrays, (path, type) -> {});
  }

  /**
   * The mapping with its fields in name order, as Elasticsearch gives mappings back (the order of
   * other keys does not matter).
   */
  private static JsonNode sortedByName(JsonNode node) {
    if (!node.isObject()) {
      return node;
    }
    ObjectNode sorted = Fixture.EXACT.createObjectNode();
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    java.util.Collections.sort(names);
    names.forEach(name -> sorted.set(name, sortedByName(node.get(name))));
    return sorted;
  }

  private static void assertFails(
      Fixture fixture, JsonNode error, RowDecoder decoder, StructType schema, String where) {
    DecodeException e =
        assertThrows(
            DecodeException.class,
            () -> {
              for (Fixture.Document document : fixture.documents()) {
                DecodedRows.decode(decoder, schema, document.id(), document.source());
              }
            },
            where);
    assertEquals(error.path("_id").asText(), e.documentId(), where + ": " + e.getMessage());
    assertEquals(error.path("field").asText(), e.fieldPath(), where + ": " + e.getMessage());
    assertEquals(error.path("kind").asText(), e.kind().name(), where);
    assertTrue(e.getMessage().contains(error.path("message").asText()), e.getMessage());
  }
}

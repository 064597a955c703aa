package io.eslake.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RowDecoderTest {

  private static final StructType CORE =
      DecodedRows.schemaOf(
          "{\"properties\":{\"title\":{\"type\":\"text\"},\"views\":{\"type\":\"long\"},"
              + "\"rank\":{\"type\":\"integer\"},\"level\":{\"type\":\"short\"},"
              + "\"flag\":{\"type\":\"byte\"},\"score\":{\"type\":\"double\"},"
              + "\"ratio\":{\"type\":\"float\"},\"active\":{\"type\":\"boolean\"},"
              + "\"created\":{\"type\":\"date\"},"
              + "\"author\":{\"properties\":{\"name\":{\"type\":\"keyword\"}}},"
              + "\"comments\":{\"type\":\"nested\","
              + "\"properties\":{\"user\":{\"type\":\"keyword\"}}},"
              + "\"shape\":{\"type\":\"geo_shape\"}}}");

  @Test
  void readsEveryCoreTypeIntoItsColumn() {
    Map<String, Object> row =
        DecodedRows.decode(
            CORE,
            "d1",
            "{\"title\":\"Hello\",\"views\":9007199254740993,\"rank\":7,\"level\":300,"
                + "\"flag\":-5,\"score\":1.25,\"ratio\":0.5,\"active\":true,"
                + "\"created\":\"2024-02-29T10:15:30.123456789+02:00\","
                + "\"author\":{\"name\":\"ann\"},"
                + "\"comments\":[{\"user\":\"bo\"},{\"user\":\"cy\"}],"
                + "\"shape\":{\"type\":\"point\",\"coordinates\":[1.5,2]}}");

    assertEquals("d1", row.get("_id"));
    assertEquals("Hello", row.get("title"));
    assertEquals(9007199254740993L, row.get("views"));
    assertEquals(7, row.get("rank"));
    assertEquals((short) 300, row.get("level"));
    assertEquals((byte) -5, row.get("flag"));
    assertEquals(1.25, row.get("score"));
    assertEquals(0.5f, row.get("ratio"));
    assertEquals(true, row.get("active"));
    // 2024-02-29T08:15:30.123456Z: digits below a microsecond are cut.
    assertEquals(1709194530123456L, row.get("created"));
    assertEquals(Map.of("name", "ann"), row.get("author"));
    assertEquals(List.of(Map.of("user", "bo"), Map.of("user", "cy")), row.get("comments"));
    assertEquals("{\"type\":\"point\",\"coordinates\":[1.5,2]}", row.get("shape"));
    assertNull(row.get("_rescued"));
  }

  @Test
  void missingFieldsAndNullsAreNull() {
    Map<String, Object> row = DecodedRows.decode(CORE, "d2", "{\"title\":null}");
    row.forEach(
        (column, value) -> {
          if (!column.equals("_id")) {
            assertNull(value, column);
          }
        });
  }

  @Test
  void aSingleNestedObjectIsAListOfOne() {
    Map<String, Object> row = DecodedRows.decode(CORE, "d3", "{\"comments\":{\"user\":\"dee\"}}");
    assertEquals(List.of(Map.of("user", "dee")), row.get("comments"));
  }

  @Test
  void fieldsTheMappingLacksAreKeptInTheRescueColumn() {
    Map<String, Object> row =
        DecodedRows.decode(CORE, "d4", "{\"other\":{\"deep\":[1,{\"x\":2.50}]},\"rank\":3}");
    assertEquals(3, row.get("rank"));
    assertEquals("{\"other\":{\"deep\":[1,{\"x\":2.50}]}}", row.get("_rescued"));
  }

  @Test
  void valuesAreCoercedAsElasticsearchCoercesThem() {
    Map<String, Object> row =
        DecodedRows.decode(
            CORE,
            "d5",
            "{\"title\":20,\"views\":\"42\",\"rank\":5.9,\"score\":\"\",\"active\":\"false\"}");
    assertEquals("20", row.get("title"));
    assertEquals(42L, row.get("views"));
    assertEquals(5, row.get("rank"));
    assertNull(row.get("score"));
    assertEquals(false, row.get("active"));
  }

  @Test
  void severalValuesInASingleValuedColumnAreRescuedWhole() {
    Map<String, Object> row = DecodedRows.decode(CORE, "d6", "{\"rank\":[1,2]}");
    assertNull(row.get("rank"));
    assertEquals("{\"rank\":[1,2]}", row.get("_rescued"));
  }

  @Test
  void severalValuesFailTheReadWhenAskedNamingFieldAndDocument() {
    RowDecoder failing = RowDecoder.forSchema(CORE, true);
    DecodeException e =
        assertThrows(
            DecodeException.class,
            () -> DecodedRows.decode(failing, CORE, "d6", "{\"rank\":[1,2]}"));
    assertEquals("rank", e.fieldPath());
    assertEquals("d6", e.documentId());
    assertEquals(DecodeException.Kind.SEVERAL_VALUES, e.kind());
    assertTrue(e.getMessage().contains("2 values"), e.getMessage());
  }

  @Test
  void anArrayRepeatingOneValueGivesThatValueAndIsKeptWhole() {
    Map<String, Object> row =
        DecodedRows.decode(
            CORE,
            "d9",
            "{\"author\":{\"name\":[\"ann\",null,[\"ann\"]]},\"title\":[20,\"20\"],"
                + "\"rank\":[5,\"5\",5.9],\"active\":[true,\"true\"],"
                + "\"created\":[\"2020-01-02\",1577923200000],\"score\":[\"\",2.5],"
                + "\"level\":[7,\"x\",100000,7.5]}");
    assertEquals(Map.of("name", "ann"), row.get("author"));
    assertEquals((short) 7, row.get("level"));
    assertEquals("20", row.get("title"));
    assertEquals(5, row.get("rank"));
    assertEquals(true, row.get("active"));
    assertEquals(1577923200000000L, row.get("created"));
    assertEquals(2.5, row.get("score"));
    assertEquals(
        "{\"author.name\":[\"ann\",null,[\"ann\"]],\"title\":[20,\"20\"],"
            + "\"rank\":[5,\"5\",5.9],\"active\":[true,\"true\"],"
            + "\"created\":[\"2020-01-02\",1577923200000],\"score\":[\"\",2.5],"
            + "\"level\":[7,\"x\",100000,7.5]}",
        row.get("_rescued"));
  }

  @Test
  void anArrayOfDifferentOrUnfitValuesLeavesTheColumnNull() {
    Map<String, Object> row =
        DecodedRows.decode(
            CORE,
            "d10",
            "{\"author\":{\"name\":[\"ann\",\"Ann\"]},\"title\":[1.0,1],"
                + "\"rank\":[\"x\",\"x\"],\"score\":[0.0,-0.0],\"views\":[\"\",\"\"],"
                + "\"shape\":[\"POINT (1 2)\",\"POINT (1 2)\"]}");
    for (String column : List.of("author", "title", "rank", "score", "views", "shape")) {
      assertNull(
          column.equals("author") ? ((Map<?, ?>) row.get(column)).get("name") : row.get(column),
          column);
    }
    String rescued = (String) row.get("_rescued");
    for (String path : List.of("author.name", "title", "rank", "score", "views", "shape")) {
      assertTrue(rescued.contains("\"" + path + "\":["), path + " in " + rescued);
    }
  }

  @Test
  void anArrayRepeatingOneValueFailsTheReadWhenAsked() {
    RowDecoder failing = RowDecoder.forSchema(CORE, true);
    DecodeException e =
        assertThrows(
            DecodeException.class,
            () ->
                DecodedRows.decode(failing, CORE, "d11", "{\"author\":{\"name\":[\"a\",\"a\"]}}"));
    assertEquals("author.name", e.fieldPath());
    assertEquals(DecodeException.Kind.SEVERAL_VALUES, e.kind());
  }

  @Test
  void anArrayOfOneValueIsThatValue() {
    Map<String, Object> row = DecodedRows.decode(CORE, "d7", "{\"rank\":[4],\"title\":[]}");
    assertEquals(4, row.get("rank"));
    assertNull(row.get("title"));
  }

  @Test
  void onlyTheRequestedColumnsAreFilled() {
    StructType pruned =
        new StructType(new org.apache.spark.sql.types.StructField[] {CORE.apply("rank")});
    Map<String, Object> row = DecodedRows.decode(pruned, "d8", "{\"rank\":1,\"title\":\"x\"}");
    assertEquals(Map.of("rank", 1), row);
  }
}

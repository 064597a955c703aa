package io.eslake.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Values at the bounds of what a column or the parser holds, which the JSON fixtures cannot hold (a
 * JSON number beyond a double, strings of tens of megabytes, deep nesting).
 */
class ValueBoundsTest {

  private static final StructType NUMBERS =
      DecodedRows.schemaOf(
          "{\"properties\":{\"d\":{\"type\":\"double\"},\"f\":{\"type\":\"float\"},"
              + "\"l\":{\"type\":\"long\"},\"k\":{\"type\":\"keyword\"},"
              + "\"o\":{\"type\":\"object\",\"enabled\":false}}}");

  @Test
  void aFiniteNumberTooLargeForItsColumnIsRescuedNeverInfinity() {
    Map<String, Object> row =
        DecodedRows.decode(NUMBERS, "n", "{\"d\":1e400,\"f\":3.5e38,\"l\":1}");
    Map<String, Object> negative = DecodedRows.decode(NUMBERS, "m", "{\"d\":-1e400,\"f\":-1e39}");

    assertNull(row.get("d"));
    assertNull(row.get("f"));
    assertEquals("{\"d\":1e400,\"f\":3.5e38}", row.get("_rescued"));
    assertNull(negative.get("d"));
    assertNull(negative.get("f"));
    assertEquals("{\"d\":-1e400,\"f\":-1e39}", negative.get("_rescued"));
  }

  @Test
  void aFiniteNumberTooLargeForItsColumnNamesItsBoundWithOnMismatchFail() {
    RowDecoder decoder = RowDecoder.forSchema(NUMBERS, true);

    DecodeException e =
        assertThrows(
            DecodeException.class,
            () -> DecodedRows.decode(decoder, NUMBERS, "n", "{\"d\":1e400}"));

    assertEquals("d", e.fieldPath());
    assertTrue(
        e.getMessage().contains("the value 1e400 is out of range for a double"), e.getMessage());
  }

  /**
   * A read of some columns gets {@code _source} filtered by the cluster, which writes a long given
   * with a fraction or exponent as the nearest double: both forms read as the same long.
   */
  @Test
  void aLongWrittenAsADoubleReadsTheSameWholeAndFiltered() {
    String[][] wholeAndFiltered = {
      {"9223372036854775807.0", "9.223372036854776E18", "9223372036854775807"},
      {"9.223372036854775807E18", "9.223372036854776E18", "9223372036854775807"},
      {"-9.223372036854775808E18", "-9.223372036854776E18", "-9223372036854775808"},
      {"12345678901234567.5", "1.2345678901234568E16", "12345678901234568"},
      {"1.2345678901234567E18", "1.23456789012345677E18", "1234567890123456768"}
    };
    for (String[] pair : wholeAndFiltered) {
      Object whole = DecodedRows.decode(NUMBERS, "w", "{\"l\":" + pair[0] + "}").get("l");
      Object filtered = DecodedRows.decode(NUMBERS, "f", "{\"l\":" + pair[1] + "}").get("l");

      assertEquals(Long.parseLong(pair[2]), whole, pair[0]);
      assertEquals(whole, filtered, pair[0] + " and " + pair[1]);
    }
  }

  @Test
  void aStringLongerThanJacksonsDefaultLimitIsReadWhole() {
    String big = "x".repeat(25_000_000);

    Map<String, Object> row = DecodedRows.decode(NUMBERS, "big", "{\"k\":\"" + big + "\"}");
    Map<String, Object> inArray =
        DecodedRows.decode(NUMBERS, "arr", "{\"k\":[\"" + big + "\"],\"o\":[\"" + big + "\"]}");

    assertEquals(25_000_000, ((String) row.get("k")).length());
    assertEquals(25_000_000, ((String) inArray.get("k")).length());
    assertEquals(25_000_004, ((String) inArray.get("o")).length());
    assertNull(inArray.get("_rescued"));
  }

  @Test
  void aDocumentNestedDeeperThanElasticsearchIndexesFailsNamingTheFieldAndWhatToDo() {
    String deep = "[".repeat(1_200) + "]".repeat(1_200);

    DecodeException e =
        assertThrows(
            DecodeException.class,
            () -> DecodedRows.decode(NUMBERS, "deep", "{\"k\":\"a\",\"o\":" + deep + "}"));

    assertEquals(DecodeException.Kind.LIMIT, e.kind());
    assertEquals("deep", e.documentId());
    assertTrue(e.fieldPath().startsWith("o[0][0]"), e.fieldPath());
    String message = e.inIndex("idx").withRemedy("set 'on_mismatch'").getMessage();
    assertTrue(message.contains("of document 'deep' in index 'idx'"), message);
    assertTrue(message.contains("nesting depth"), message);
    assertTrue(message.contains("Read only columns that leave this field out"), message);
  }

  @Test
  void aDocumentAsDeepAsElasticsearchIndexesIsRead() {
    String deep = "[".repeat(998) + "1" + "]".repeat(998);

    Map<String, Object> row = DecodedRows.decode(NUMBERS, "deep", "{\"o\":" + deep + "}");
    Map<String, Object> buffered = DecodedRows.decode(NUMBERS, "deep", "{\"k\":" + deep + "}");

    assertEquals(deep, row.get("o"));
    assertEquals("1", buffered.get("k"), "an array of one value, read from a copy");
  }
}

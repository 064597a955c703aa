package io.eslake.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * Strings are encoded to UTF-8 straight from the parser's characters; their bytes must be those
 * String.getBytes gives, whatever the text holds, from a parser over bytes (as pages are read) and
 * over characters.
 */
class Utf8TextTest {

  private static final JsonFactory JSON = new ObjectMapper().getFactory();

  private static final StructType SCHEMA =
      DecodedRows.schemaOf(
          "{\"_meta\":{\"eslake\":{\"arrays\":[\"tags\"]}},"
              + "\"properties\":{\"name\":{\"type\":\"keyword\"},\"body\":{\"type\":\"text\"},"
              + "\"tags\":{\"type\":\"keyword\"}}}");

  /** JSON string literals and the text each stands for. */
  private static final List<String[]> LITERALS =
      List.of(
          new String[] {"\"plain ascii\"", "plain ascii"},
          new String[] {"\"\"", ""},
          new String[] {
            "\"quote \\\" backslash \\\\ slash \\/ tab \\t nl \\n\"",
            "quote \" " + "backslash \\ slash / tab \t nl \n"
          },
          new String[] {"\"\\u0000\\u001f\\u007f\"", "\u0000\u001f\u007f"},
          new String[] {"\"caf\u00e9 \u00fc\u00df\"", "caf\u00e9 \u00fc\u00df"},
          new String[] {"\"caf\\u00e9\"", "caf\u00e9"},
          new String[] {"\"\u65e5\u672c\u8a9e \u0800 \uffff\"", "\u65e5\u672c\u8a9e \u0800 \uffff"},
          new String[] {"\"emoji \ud83d\ude00 raw\"", "emoji \ud83d\ude00 raw"},
          new String[] {"\"emoji \\ud83d\\ude00 escaped\"", "emoji \ud83d\ude00 escaped"},
          new String[] {"\"\\ud800 lone high\"", "\ud800 lone high"},
          new String[] {"\"lone low \\udc00\"", "lone low \udc00"},
          new String[] {"\"high at end \\ud83d\"", "high at end \ud83d"},
          new String[] {"\"reversed \\ude00\\ud83d\"", "reversed \ude00\ud83d"});

  @Test
  void stringsHaveTheBytesStringGetBytesGives() throws IOException {
    for (String[] literal : LITERALS) {
      for (boolean bytes : new boolean[] {true, false}) {
        UTF8String value = utf8Of(literal[0], bytes);
        byte[] expected = literal[1].getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expected, value.getBytes(), literal[0] + (bytes ? " (bytes)" : ""));
      }
    }
  }

  @Test
  void aSurrogatePairIsFourBytesAndALoneSurrogateAQuestionMark() throws IOException {
    assertArrayEquals(
        new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80},
        utf8Of("\"\\ud83d\\ude00\"", true).getBytes());
    assertEquals("a?b", utf8Of("\"a\\ud800b\"", true).toString());
    assertEquals(3, utf8Of("\"\u20ac\"", true).numBytes());
  }

  @Test
  void longStringsSpanningTheParsersBuffersAreWhole() throws IOException {
    StringBuilder ascii = new StringBuilder();
    StringBuilder mixed = new StringBuilder();
    for (int i = 0; i < 40_000; i++) {
      ascii.append((char) ('a' + i % 26));
      mixed.append(i % 7 == 0 ? "\u00e9\ud83d\ude00" : i % 5 == 0 ? "\\n" : "x");
    }
    String mixedText = JSON.createParser("\"" + mixed + "\"").nextTextValue();
    assertEquals(mixedText, utf8Of("\"" + mixed + "\"", true).toString());
    assertEquals(ascii.toString(), utf8Of("\"" + ascii + "\"", true).toString());
    assertEquals(40_000, utf8Of("\"" + ascii + "\"", false).numBytes());
  }

  @Test
  void decodedRowsKeepEveryKindOfString() throws IOException {
    String source =
        "{\"name\":\"J\\u00fcrgen \ud83d\ude00 \\\"Q\\\"\",\"body\":42.50,"
            + "\"tags\":[\"a\\\\b\",null,true,\"\\ud800\"]}";
    Map<String, Object> row = decodeBytes("id-\u00e9", source);
    assertEquals("id-\u00e9", row.get("_id"));
    assertEquals("J\u00fcrgen \ud83d\ude00 \"Q\"", row.get("name"));
    assertEquals("42.50", row.get("body"), "a number in a text field is its text as written");
    assertEquals(Arrays.asList("a\\b", null, "true", "?"), row.get("tags"));
    assertNull(row.get("_rescued"));
  }

  @Test
  void nullsStayNull() throws IOException {
    Map<String, Object> row = decodeBytes("n", "{\"name\":null,\"body\":null,\"tags\":null}");
    assertNull(row.get("name"));
    assertNull(row.get("body"));
    assertNull(row.get("tags"));
    assertTrue(row.containsKey("tags"));
  }

  /** The decoder's reading of one literal in a keyword column. */
  private static UTF8String utf8Of(String literal, boolean bytes) throws IOException {
    RowDecoder decoder = RowDecoder.forSchema(SCHEMA);
    decoder.startRow();
    String source = "{\"name\":" + literal + "}";
    try (JsonParser parser = parser(source, bytes)) {
      parser.nextToken();
      decoder.readSource(parser);
      assertEquals(JsonToken.END_OBJECT, parser.currentToken());
    }
    InternalRow row = decoder.row();
    return row.getUTF8String(SCHEMA.fieldIndex("name"));
  }

  /** Decodes a hit as a page is decoded: id and source from parsers over UTF-8 bytes. */
  private static Map<String, Object> decodeBytes(String id, String source) throws IOException {
    RowDecoder decoder = RowDecoder.forSchema(SCHEMA);
    decoder.startRow();
    try (JsonParser idParser = parser("\"" + id + "\"", true);
        JsonParser sourceParser = parser(source, true)) {
      idParser.nextToken();
      decoder.readId(idParser);
      sourceParser.nextToken();
      decoder.readSource(sourceParser);
    }
    return DecodedRows.toJava(decoder.row(), SCHEMA);
  }

  private static JsonParser parser(String json, boolean bytes) throws IOException {
    return bytes
        ? JSON.createParser(json.getBytes(StandardCharsets.UTF_8))
        : JSON.createParser(json);
  }
}

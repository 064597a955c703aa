package io.eslake.types;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.spark.unsafe.types.UTF8String;

/** Helpers over JSON token streams: exact copies, buffered copies, and walks over arrays. */
final class JsonValues {

  /** Receives the values of an array one at a time, with their position in it. */
  interface ValueVisitor {
    /** The parser stands on the value's first token; the visitor must consume the whole value. */
    void value(JsonParser value, int index) throws IOException;
  }

  private static final JsonFactory JSON = new JsonFactory();

  private JsonValues() {}

  /**
   * Copies the current value to a generator, numbers exactly as written. The parser stands on the
   * value's first token and is left on its last.
   */
  static void copy(JsonParser parser, JsonGenerator generator) throws IOException {
    JsonToken token = parser.currentToken();
    copyToken(parser, generator);
    if (!token.isStructStart()) {
      return;
    }
    int depth = 1;
    while (depth > 0) {
      token = parser.nextToken();
      copyToken(parser, generator);
      if (token.isStructStart()) {
        depth++;
      } else if (token.isStructEnd()) {
        depth--;
      }
    }
  }

  /** Copies one token; a number as the text it was written with, so nothing is rounded. */
  private static void copyToken(JsonParser parser, JsonGenerator generator) throws IOException {
    if (parser.currentToken().isNumeric()) {
      generator.writeNumber(parser.getText());
    } else {
      generator.copyCurrentEvent(parser);
    }
  }

  /**
   * The current scalar token's text as Spark's string, encoded to UTF-8 straight from the parser's
   * characters, with no String in between (which would only be encoded again). The bytes are those
   * of {@link String#getBytes} with UTF-8: a surrogate without its pair becomes {@code ?}.
   */
  static UTF8String utf8(JsonParser parser) throws IOException {
    char[] chars = parser.getTextCharacters();
    int offset = parser.getTextOffset();
    int end = offset + parser.getTextLength();
    byte[] ascii = new byte[end - offset];
    for (int i = offset; i < end; i++) {
      char c = chars[i];
      if (c >= 0x80) {
        return UTF8String.fromBytes(
            encode(chars, offset, end, utf8Size(chars, i, end) + i - offset));
      }
      ascii[i - offset] = (byte) c;
    }
    return UTF8String.fromBytes(ascii);
  }

  /** The UTF-8 size of the characters from start to end, as {@link #encode} writes them. */
  private static int utf8Size(char[] chars, int start, int end) {
    int size = 0;
    for (int i = start; i < end; i++) {
      char c = chars[i];
      if (c < 0x80) {
        size++;
      } else if (c < 0x800) {
        size += 2;
      } else if (!Character.isSurrogate(c)) {
        size += 3;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < end
          && Character.isLowSurrogate(chars[i + 1])) {
        size += 4;
        i++;
      } else {
        size++;
      }
    }
    return size;
  }

  private static byte[] encode(char[] chars, int offset, int end, int size) {
    byte[] bytes = new byte[size];
    int at = 0;
    for (int i = offset; i < end; i++) {
      char c = chars[i];
      if (c < 0x80) {
        bytes[at++] = (byte) c;
      } else if (c < 0x800) {
        bytes[at++] = (byte) (0xC0 | (c >> 6));
        bytes[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (!Character.isSurrogate(c)) {
        bytes[at++] = (byte) (0xE0 | (c >> 12));
        bytes[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        bytes[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < end
          && Character.isLowSurrogate(chars[i + 1])) {
        int point = Character.toCodePoint(c, chars[++i]);
        bytes[at++] = (byte) (0xF0 | (point >> 18));
        bytes[at++] = (byte) (0x80 | ((point >> 12) & 0x3F));
        bytes[at++] = (byte) (0x80 | ((point >> 6) & 0x3F));
        bytes[at++] = (byte) (0x80 | (point & 0x3F));
      } else {
        bytes[at++] = '?';
      }
    }
    return bytes;
  }

  /** The current value as compact JSON text, numbers exactly as written. */
  static UTF8String text(JsonParser parser) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    try (JsonGenerator generator = JSON.createGenerator(out)) {
      copy(parser, generator);
    }
    return UTF8String.fromBytes(out.toByteArray());
  }

  /** A copy of the current value that can be read again, as often as needed. */
  static TokenBuffer buffer(JsonParser parser) throws IOException {
    TokenBuffer buffer = new TokenBuffer(parser);
    buffer.copyCurrentStructure(parser);
    return buffer;
  }

  /** A parser over a buffered value, standing on its first token. */
  static JsonParser open(TokenBuffer buffer) throws IOException {
    JsonParser parser = buffer.asParser();
    parser.nextToken();
    return parser;
  }

  /** Whether a buffered array starts with a number, as a point given as [lon, lat] does. */
  static boolean startsWithNumber(TokenBuffer array) throws IOException {
    JsonParser parser = open(array);
    return parser.nextToken().isNumeric();
  }

  /**
   * Visits the values of the array the parser stands on, flattening inner arrays as Elasticsearch
   * indexes them, except that an inner array starting with a number is one value when the leaf
   * reads such arrays (a point). Nulls are visited too.
   */
  static void forEach(JsonParser array, Leaf leaf, ValueVisitor visitor) throws IOException {
    walk(array, leaf, visitor, 0);
  }

  /** The number of non-null values {@link #forEach} visits. */
  static int count(JsonParser array, Leaf leaf) throws IOException {
    int[] count = new int[1];
    forEach(
        array,
        leaf,
        (value, index) -> {
          if (value.currentToken() != JsonToken.VALUE_NULL) {
            count[0]++;
          }
          value.skipChildren();
        });
    return count[0];
  }

  private static int walk(JsonParser array, Leaf leaf, ValueVisitor visitor, int next)
      throws IOException {
    int index = next;
    JsonToken token;
    while ((token = array.nextToken()) != JsonToken.END_ARRAY) {
      if (token != JsonToken.START_ARRAY) {
        visitor.value(array, index++);
      } else if (!leaf.readsArrays()) {
        index = walk(array, leaf, visitor, index);
      } else {
        TokenBuffer inner = buffer(array);
        if (startsWithNumber(inner)) {
          visitor.value(open(inner), index++);
        } else {
          index = walk(open(inner), leaf, visitor, index);
        }
      }
    }
    return index;
  }
}

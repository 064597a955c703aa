package io.eslake.types;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Builds one document's rescue value: a JSON object of field path to the original {@code _source}
 * value, numbers copied digit for digit. Nothing is allocated for documents that keep nothing.
 */
final class RescueWriter {

  private static final JsonFactory JSON = new JsonFactory();

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
  private JsonGenerator generator;

  void clear() {
    generator = null;
  }

  /** Adds a value; the parser stands on its first token and is left on its last. */
  void add(String path, JsonParser value) throws IOException {
    start().writeFieldName(path);
    JsonValues.copy(value, generator);
  }

  void addNumber(String path, String number) throws IOException {
    start().writeFieldName(path);
    generator.writeNumber(number);
  }

  /** The object built for the document, or null when nothing was added. */
  UTF8String finish() throws IOException {
    if (generator == null) {
      return null;
    }
    generator.writeEndObject();
    generator.close();
    generator = null;
    return UTF8String.fromBytes(bytes.toByteArray());
  }

  private JsonGenerator start() throws IOException {
    if (generator == null) {
      bytes.reset();
      generator = JSON.createGenerator(bytes);
      generator.writeStartObject();
    }
    return generator;
  }
}

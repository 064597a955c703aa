package io.eslake.types;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Builds one document's rescue value: a JSON object of field path to the original {@code _source}
 * value, numbers copied digit for digit. Nothing is written for documents that keep nothing.
 */
final class RescueWriter {

  private static final JsonFactory JSON = new JsonFactory();

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
  private JsonGenerator generator;
  private boolean open;

  /** Starts a document; an object left open by a document that failed is dropped. */
  void clear() {
    if (open) {
      generator = null;
      open = false;
    }
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
    if (!open) {
      return null;
    }
    generator.writeEndObject();
    generator.flush();
    open = false;
    UTF8String object = UTF8String.fromBytes(bytes.toByteArray());
    bytes.reset();
    return object;
  }

  /** The generator, with the document's object open; one generator serves every document. */
  private JsonGenerator start() throws IOException {
    if (generator == null) {
      bytes.reset();
      generator = JSON.createGenerator(bytes);
      generator.setRootValueSeparator(null);
    }
    if (!open) {
      generator.writeStartObject();
      open = true;
    }
    return generator;
  }
}

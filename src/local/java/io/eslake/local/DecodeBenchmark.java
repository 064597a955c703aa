package io.eslake.local;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eslake.types.IndexMapping;
import io.eslake.types.RowDecoder;
import io.eslake.types.SchemaConverter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * Measures the decoder alone, on one thread: real documents (vega-datasets flights and movies) laid
 * out in memory as pages of search hits, decoded into rows again and again, with nothing else in
 * the way (no network, no Spark tasks). Prints documents per second and megabytes of page per
 * second: the median and the best of the measured rounds (the best is the steadier figure on a busy
 * machine). flights-20k and movies match their mappings; flights-200k has a field its mapping lacks
 * ({@code time}) in every document, so it measures the cost of keeping such values.
 *
 * <p>Run it with the test classpath: {@code mvn -q test-compile exec:exec -Dexec.executable=java
 * -Dexec.classpathScope=test -Dexec.args="-cp %classpath io.eslake.local.DecodeBenchmark"}.
 * Arguments: measured rounds (default 15), warm-up rounds (default 5).
 */
public final class DecodeBenchmark {

  private static final JsonFactory JSON = new ObjectMapper().getFactory();
  private static final int PAGE_SIZE = 1000;

  /** One data set as pages of hits, and the schema its mapping gives. */
  private record Input(String name, StructType schema, List<byte[]> pages, int documents) {
    long bytes() {
      return pages.stream().mapToLong(page -> page.length).sum();
    }
  }

  private DecodeBenchmark() {}

  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    SampleData data = SampleData.fetch();
    String flights = SampleData.flightsIndexBody(1);
    List<Input> inputs =
        List.of(
            input("flights-20k", flights, data.file("flights-20k.json"), 5),
            input("movies", SampleData.moviesIndexBody(), data.file("movies.json"), 30),
            input("flights-200k", flights, data.file("flights-200k.json"), 1));
    System.out.printf(
        Locale.ROOT,
        "%-14s %10s %8s %16s %16s%n",
        "input",
        "documents",
        "MB",
        "median docs/s",
        "best docs/s");
    for (Input input : inputs) {
      double[] seconds = roundSeconds(input, rounds, warmUp);
      System.out.printf(
          Locale.ROOT,
          "%-14s %,10d %8.1f %,16.0f %,16.0f%n",
          input.name(),
          input.documents(),
          input.bytes() / 1e6,
          input.documents() / seconds[rounds / 2],
          input.documents() / seconds[0]);
    }
  }

  /** The time of each measured round, fastest first. */
  private static double[] roundSeconds(Input input, int rounds, int warmUp) throws IOException {
    long checksum = 0;
    for (int i = 0; i < warmUp; i++) {
      checksum += decodeAll(input);
    }
    double[] seconds = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      checksum += decodeAll(input);
      seconds[i] = (System.nanoTime() - start) / 1e9;
    }
    if (checksum == 42) {
      System.out.println("(checksum " + checksum + ")");
    }
    Arrays.sort(seconds);
    return seconds;
  }

  /** Decodes every page once; returns a checksum of the rows so that no work is optimized away. */
  private static long decodeAll(Input input) throws IOException {
    RowDecoder decoder = RowDecoder.forSchema(input.schema());
    long checksum = 0;
    for (byte[] page : input.pages()) {
      try (JsonParser parser = JSON.createParser(page)) {
        enterHits(parser);
        while (parser.nextToken() == JsonToken.START_OBJECT) {
          decoder.startRow();
          readHit(parser, decoder);
          checksum += checksum(decoder.row(), input.schema());
        }
      }
    }
    return checksum;
  }

  private static void enterHits(JsonParser parser) throws IOException {
    while (parser.nextToken() != null) {
      if (parser.currentToken() == JsonToken.FIELD_NAME && parser.currentName().equals("hits")) {
        if (parser.nextToken() == JsonToken.START_ARRAY) {
          return;
        }
      }
    }
    throw new IOException("a page without hits");
  }

  private static void readHit(JsonParser parser, RowDecoder decoder) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      switch (field) {
        case "_id" -> decoder.readId(parser);
        case "_source" -> decoder.readSource(parser);
        default -> parser.skipChildren();
      }
    }
  }

  private static long checksum(InternalRow row, StructType schema) {
    long sum = 0;
    for (int i = 0; i < schema.size(); i++) {
      if (!row.isNullAt(i)) {
        sum += row.get(i, schema.fields()[i].dataType()).hashCode();
      }
    }
    return sum;
  }

  /**
   * A data set's documents as pages of search hits, ids 0, 1, 2, ... in file order, the file read
   * the given number of times so that a round takes long enough to time.
   */
  private static Input input(String name, String indexBody, Path file, int copies)
      throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    IndexMapping mapping = IndexMapping.parse(mapper.readTree(indexBody).path("mappings"));
    StructType schema = SchemaConverter.toSchema(mapping, (path, type) -> {});
    List<byte[]> pages = new ArrayList<>();
    ByteArrayOutputStream page = new ByteArrayOutputStream();
    JsonGenerator generator = null;
    int documents = 0;
    for (int copy = 0; copy < copies; copy++) {
      try (JsonParser parser = JSON.createParser(file.toFile())) {
        parser.nextToken();
        while (parser.nextToken() == JsonToken.START_OBJECT) {
          if (documents % PAGE_SIZE == 0) {
            endPage(generator, page, pages);
            generator = startPage(page);
          }
          writeHit(generator, name, documents++, parser);
        }
      }
    }
    endPage(generator, page, pages);
    return new Input(name, schema, pages, documents);
  }

  private static void writeHit(JsonGenerator generator, String index, int id, JsonParser source)
      throws IOException {
    generator.writeStartObject();
    generator.writeStringField("_index", index);
    generator.writeStringField("_id", Integer.toString(id));
    generator.writeFieldName("_source");
    generator.copyCurrentStructure(source);
    generator.writeEndObject();
  }

  private static JsonGenerator startPage(ByteArrayOutputStream page) throws IOException {
    page.reset();
    JsonGenerator generator = JSON.createGenerator(page);
    generator.writeStartObject();
    generator.writeStringField("_scroll_id", "benchmark");
    generator.writeObjectFieldStart("hits");
    generator.writeArrayFieldStart("hits");
    return generator;
  }

  private static void endPage(
      JsonGenerator generator, ByteArrayOutputStream page, List<byte[]> pages) throws IOException {
    if (generator != null) {
      generator.writeEndArray();
      generator.writeEndObject();
      generator.writeEndObject();
      generator.close();
      pages.add(page.toByteArray());
    }
  }
}

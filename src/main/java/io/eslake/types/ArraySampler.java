package io.eslake.types;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Finds the fields of an index that hold arrays by reading a sample of its documents: any field
 * seen holding a JSON array (empty or not) gets an array column. Values Elasticsearch reads as one
 * value although they are arrays, such as a point given as [lon, lat], do not count. Used on the
 * driver when a table is loaded; the sample is streamed, one document at a time.
 */
public final class ArraySampler {

  private final Set<String> seen = new LinkedHashSet<>();
  private final RowDecoder decoder;
  private long documents;

  private ArraySampler(IndexMapping mapping) {
    this.decoder =
        RowDecoder.forSampling(SchemaConverter.toSchema(mapping, (path, type) -> {}), seen);
  }

  public static ArraySampler forMapping(IndexMapping mapping) {
    return new ArraySampler(mapping);
  }

  /** Reads one document's {@code _source}; the parser stands on its START_OBJECT. */
  public void observe(JsonParser source) throws IOException {
    decoder.startRow();
    decoder.readSource(source);
    documents++;
  }

  /** The fields seen holding arrays so far. */
  public ArrayFields found() {
    return ArrayFields.of(seen);
  }

  /** The paths of the fields seen holding arrays, in the order first seen. */
  public Set<String> paths() {
    return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(seen));
  }

  public long documents() {
    return documents;
  }
}

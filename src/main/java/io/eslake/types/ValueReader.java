package io.eslake.types;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * Reads one JSON value into Spark's internal representation of its column type. The parser stands
 * on the value's first token; the reader consumes the whole value, objects and arrays included.
 * Built once per column when a partition opens, then called for every document.
 */
interface ValueReader {

  /**
   * @return the internal value: UTF8String, boxed primitive, Decimal, byte[], InternalRow,
   *     ArrayData, MapData, or null
   * @throws DecodeException when the value cannot be put in the column and the read fails on such
   *     values
   */
  Object read(JsonParser parser, Decoding decoding) throws IOException;
}

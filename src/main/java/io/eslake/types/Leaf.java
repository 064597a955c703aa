package io.eslake.types;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * Reads one value of a field type into Spark's internal form. Array handling (one value or many)
 * lives in the column's {@link ValueReader}; a leaf sees one value at a time, never a null.
 */
interface Leaf {

  /**
   * Reads one value. The parser stands on its first token and is left on its last.
   *
   * @return UTF8String, boxed primitive, Decimal, byte[], InternalRow or ArrayData; null for a
   *     value Elasticsearch reads as no value, such as "" in a number field
   * @throws Mismatch when the value cannot be put in the column. Thrown before anything of the
   *     value is consumed, unless {@link #needsCopy()} is true
   */
  Object read(JsonParser parser, Decoding decoding) throws IOException, Mismatch;

  /**
   * Whether the leaf may find an object or array unreadable only after consuming part of it; it is
   * then given a buffered copy, so the original can still be kept.
   */
  default boolean needsCopy() {
    return false;
  }

  /** Whether an array of numbers is one value of this type (a point as [lon, lat]). */
  default boolean readsArrays() {
    return false;
  }
}

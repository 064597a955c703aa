package io.eslake.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * The limits the parser of a cluster's responses enforces, set to what a cluster can send rather
 * than to Jackson's defaults (which refuse a string over 20,000,000 characters, a document
 * Elasticsearch accepts):
 *
 * <ul>
 *   <li>strings: no limit of their own; a page is buffered whole, up to 512 MB;
 *   <li>nesting: Elasticsearch refuses documents nested deeper than 1,000 levels, and a hit's
 *       {@code _source} sits 4 levels deep in a search response, so 1,100 leaves room;
 *   <li>numbers: 1,000 characters, Elasticsearch's own limit on the numbers of a document.
 * </ul>
 */
public final class ResponseLimits {

  /** The deepest nesting of a document Elasticsearch indexes. */
  public static final int DOCUMENT_DEPTH = 1_000;

  /** The longest number, in characters, Elasticsearch reads in a document. */
  public static final int NUMBER_LENGTH = 1_000;

  /** The constraints of every parser over a cluster's responses. */
  public static final StreamReadConstraints CONSTRAINTS =
      StreamReadConstraints.builder()
          .maxStringLength(Integer.MAX_VALUE)
          .maxNestingDepth(DOCUMENT_DEPTH + 100)
          .maxNumberLength(NUMBER_LENGTH)
          .build();

  private ResponseLimits() {}

  /** A JSON factory whose parsers have these limits. */
  public static JsonFactory jsonFactory() {
    return JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
  }
}

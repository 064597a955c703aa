package io.eslake.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.List;

/**
 * One slice of a sliced scroll over an index: what to fetch and how. Planned on the driver,
 * executed on an executor.
 *
 * @param index the index, alias or data stream to read
 * @param sourceIncludes the {@code _source} paths to fetch; null for the whole source, empty for
 *     none
 * @param pageSize documents per page
 * @param keepAlive how long the cluster keeps the scroll between pages, e.g. "5m"
 * @param sliceId this slice, from 0
 * @param sliceCount the number of slices; 1 reads the index without slicing
 * @param query the query selecting the documents, as JSON; null for all documents
 * @param limit the most documents the slice reads; 0 for no limit
 * @param target the indices the search names instead of {@code index}, comma-separated (a data
 *     stream's backing indices as planned, so that every slice searches the same shards), or null
 *     to search {@code index}; messages name {@code index} either way
 */
public record ScrollQuery(
    String index,
    List<String> sourceIncludes,
    int pageSize,
    String keepAlive,
    int sliceId,
    int sliceCount,
    String query,
    long limit,
    String target)
    implements Serializable {

  public ScrollQuery {
    sourceIncludes = sourceIncludes == null ? null : List.copyOf(sourceIncludes);
  }

  /** What the search request's path names: the target when there is one, else the index. */
  public String searched() {
    return target == null ? index : target;
  }

  /** A read of every document, without a limit. */
  public ScrollQuery(
      String index,
      List<String> sourceIncludes,
      int pageSize,
      String keepAlive,
      int sliceId,
      int sliceCount) {
    this(index, sourceIncludes, pageSize, keepAlive, sliceId, sliceCount, null, 0, null);
  }

  /** The documents one page request asks for: the page size, or the limit when that is smaller. */
  public int requestSize() {
    return limit > 0 ? (int) Math.min(pageSize, limit) : pageSize;
  }

  /**
   * The search body: documents in index order (the cheapest order to read), only the source paths
   * needed. A scroll always counts its total hits; the response filter keeps the count off the
   * wire.
   */
  ObjectNode body() {
    ObjectNode body = ClusterClient.JSON.createObjectNode();
    body.put("size", requestSize());
    if (query != null) {
      try {
        body.set("query", ClusterClient.JSON.readTree(query));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("not a JSON query: " + query, e);
      }
    }
    body.putArray("sort").add("_doc");
    if (sourceIncludes == null) {
      body.put("_source", true);
    } else if (sourceIncludes.isEmpty()) {
      body.put("_source", false);
    } else {
      ArrayNode includes = body.putObject("_source").putArray("includes");
      sourceIncludes.forEach(includes::add);
    }
    if (sliceCount > 1) {
      body.putObject("slice").put("id", sliceId).put("max", sliceCount);
    }
    return body;
  }
}

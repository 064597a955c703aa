package io.eslake.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of search hits, parsed as a stream: hits are handed out one at a time, with the parser
 * positioned on each hit's {@code _source}, so no page is ever turned into a tree of objects.
 *
 * <p>A page that reports failed shards or a timeout throws instead of ending early: a partial page
 * must never pass for the end of the data. {@link #readEnvelope} reads up to the first hit, so the
 * scroll id and total are known before any hit is decoded. Call {@link #nextHit} until it returns
 * false, then read {@link #hitCount()}; close the page to release its buffer.
 */
public final class SearchPage implements Closeable {

  /** Receives the parts of one hit, in the order they appear in the response. */
  public interface HitVisitor {
    void id(JsonParser parser) throws IOException;

    void index(JsonParser parser) throws IOException;

    /** Consumes the whole {@code _source} object; the parser is on its START_OBJECT. */
    void source(JsonParser parser) throws IOException;
  }

  private final JsonParser parser;
  private final String name;
  private final PageBuffers.Page body;
  private String scrollId;
  private int hitCount;
  private long totalHits = -1;
  private int shardsTotal = -1;
  private boolean inHits;
  private boolean finished;

  private SearchPage(JsonParser parser, String name, PageBuffers.Page body) {
    this.parser = parser;
    this.name = name;
    this.body = body;
  }

  static SearchPage open(InputStream content, String name) throws IOException {
    return start(ClusterClient.JSON.getFactory().createParser(content), name, null);
  }

  /** A page parsed in place from an array of the pool, given back when the page is closed. */
  static SearchPage open(PageBuffers.Page body, String name) throws IOException {
    JsonParser parser =
        ClusterClient.JSON.getFactory().createParser(body.data(), 0, (int) body.getContentLength());
    return start(parser, name, body);
  }

  private static SearchPage start(JsonParser parser, String name, PageBuffers.Page body)
      throws IOException {
    try {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a search response must be a JSON object");
      }
    } catch (IOException e) {
      parser.close();
      if (body != null) {
        body.release();
      }
      throw e;
    }
    return new SearchPage(parser, name, body);
  }

  /**
   * Reads the envelope up to the first hit, if not read yet: then {@link #scrollId()} and {@link
   * #totalHits()} are known when the response carries them before its hits, as Elasticsearch and
   * OpenSearch do.
   *
   * @throws ClusterException when the page reports failed shards or a timeout, or is cut short
   */
  public void readEnvelope() throws IOException {
    if (!inHits && !finished) {
      readGuarded(this::advanceToHits);
    }
  }

  /**
   * Moves to the next hit and hands its parts to the visitor.
   *
   * @return false when the page has no more hits
   */
  public boolean nextHit(HitVisitor visitor) throws IOException {
    return readGuarded(() -> readNextHit(visitor));
  }

  /** A step of parsing that may read past the end of a page. */
  @FunctionalInterface
  private interface Step {
    boolean read() throws IOException;
  }

  /** Runs a step, telling a page that is not whole JSON from a failure of the visitor. */
  private boolean readGuarded(Step step) throws IOException {
    try {
      return step.read();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      if (e.getProcessor() != parser) {
        throw e;
      }
      throw ClusterException.malformedPage(name, e);
    }
  }

  private boolean readNextHit(HitVisitor visitor) throws IOException {
    if (!inHits && !advanceToHits()) {
      return false;
    }
    JsonToken token = parser.nextToken();
    if (token == JsonToken.END_ARRAY) {
      inHits = false;
      skipRestOfHitsObject();
      advanceToHits();
      return false;
    }
    if (token != JsonToken.START_OBJECT) {
      throw new IOException("expected a hit object, found " + token);
    }
    readHit(visitor);
    hitCount++;
    return true;
  }

  /**
   * The scroll id the page carried: known after {@link #readEnvelope} when the response carries it
   * before its hits, else once {@link #nextHit} has returned false; null when it carried none.
   */
  public String scrollId() {
    return scrollId;
  }

  /**
   * The number of documents the whole search matches, as the page reported it (for a scroll, the
   * slice's documents at the scroll's snapshot), or -1 when the page did not say; known after
   * {@link #readEnvelope} or once the first hit was handed out.
   */
  public long totalHits() {
    return totalHits;
  }

  /** The number of hits handed out so far. */
  public int hitCount() {
    return hitCount;
  }

  /** The bytes of the response parsed so far. */
  public long bytesRead() {
    return Math.max(0, parser.currentLocation().getByteOffset());
  }

  /** Closes the parser and gives the page's array back for a later page; idempotent. */
  @Override
  public void close() throws IOException {
    try {
      parser.close();
    } finally {
      if (body != null) {
        body.release();
      }
    }
  }

  private void readHit(HitVisitor visitor) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      switch (field) {
        case "_id" -> visitor.id(parser);
        case "_index" -> visitor.index(parser);
        case "_source" -> visitor.source(parser);
        default -> parser.skipChildren();
      }
    }
  }

  /**
   * Reads the envelope until the parser stands inside the hits array or the response ends.
   *
   * @return whether hits follow
   */
  private boolean advanceToHits() throws IOException {
    while (!finished) {
      JsonToken token = parser.nextToken();
      if (token == JsonToken.END_OBJECT || token == null) {
        finished = true;
        return false;
      }
      String field = parser.currentName();
      parser.nextToken();
      switch (field) {
        case "_scroll_id" -> scrollId = parser.getText();
        case "timed_out" -> {
          if (parser.getBooleanValue()) {
            throw ClusterException.timedOut(name);
          }
        }
        case "_shards" -> checkShards();
        case "hits" -> {
          if (enterHitsArray()) {
            inHits = true;
            return true;
          }
        }
        default -> parser.skipChildren();
      }
    }
    return false;
  }

  /** Inside the "hits" object, moves to the start of its "hits" array, if there is one. */
  private boolean enterHitsArray() throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("hits") && value == JsonToken.START_ARRAY) {
        return true;
      }
      if (field.equals("total")) {
        readTotal();
      } else {
        parser.skipChildren();
      }
    }
    return false;
  }

  /** Reads {@code hits.total}: {"value": n, "relation": "eq"}, or a bare number. */
  private void readTotal() throws IOException {
    if (parser.currentToken().isNumeric()) {
      totalHits = parser.getLongValue();
      return;
    }
    long value = -1;
    boolean exact = true;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      switch (field) {
        case "value" -> value = parser.getLongValue();
        case "relation" -> exact = parser.getText().equals("eq");
        default -> parser.skipChildren();
      }
    }
    totalHits = exact ? value : -1;
  }

  /** After the hits array, skips what remains of the enclosing "hits" object. */
  private void skipRestOfHitsObject() throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      parser.nextToken();
      parser.skipChildren();
    }
  }

  private void checkShards() throws IOException {
    int total = 0;
    int failed = 0;
    List<String> reasons = new ArrayList<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      switch (field) {
        case "total" -> total = parser.getIntValue();
        case "failed" -> failed = parser.getIntValue();
        case "failures" -> reasons = readFailureReasons();
        default -> parser.skipChildren();
      }
    }
    shardsTotal = total;
    if (failed > 0) {
      throw ClusterException.shardsFailed(name, failed, total, reasons);
    }
  }

  /**
   * The shards the search ran on ({@code _shards.total}), known with the envelope; -1 when the page
   * did not say.
   */
  public int shardsTotal() {
    return shardsTotal;
  }

  private List<String> readFailureReasons() throws IOException {
    List<String> reasons = new ArrayList<>();
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      parser.skipChildren();
      return reasons;
    }
    while (parser.nextToken() == JsonToken.START_OBJECT) {
      com.fasterxml.jackson.databind.JsonNode failure = ClusterClient.JSON.readTree(parser);
      String type = failure.path("reason").path("type").asText("");
      String reason = failure.path("reason").path("reason").asText(failure.toString());
      reasons.add(type.isEmpty() ? reason : type + ": " + reason);
    }
    return reasons;
  }
}

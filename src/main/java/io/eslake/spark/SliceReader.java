package io.eslake.spark;

import com.fasterxml.jackson.core.JsonParser;
import io.eslake.client.ClusterClient;
import io.eslake.client.ClusterException;
import io.eslake.client.ScrollQuery;
import io.eslake.client.SearchPage;
import io.eslake.types.DecodeException;
import io.eslake.types.RowDecoder;
import java.io.IOException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one slice on an executor: opens its scroll, decodes page after page straight into rows, and
 * clears the scroll on close, whether the read finished, failed or was cancelled (Spark closes the
 * reader, and the task's completion listener closes it again, idempotently, when a task is killed).
 * While a page is decoded, the next one is fetched ({@link ScrollPages}), when it is sure to be
 * needed: so at most two pages are held, never the slice, and no request is sent beyond what the
 * slice's count and a LIMIT need. A slice that cannot be read in full fails; Spark's task retry
 * then reads it again from a fresh scroll, since a slice is a pure function of the index.
 */
final class SliceReader implements PartitionReader<InternalRow>, SearchPage.HitVisitor {

  private static final Logger LOG = LoggerFactory.getLogger(SliceReader.class);

  private final ScrollQuery query;
  private final ClusterClient client;
  private final ScrollPages scroll;
  private final RowDecoder decoder;
  private SearchPage page;
  private long documents;
  private long rescued;
  private long expected = -1;
  private long pages;
  private long bytes;
  private boolean finished;
  private boolean closed;

  SliceReader(SlicePartition partition, StructType readSchema, boolean failOnMismatch) {
    this.query = partition.query();
    this.client = ClusterClient.connect(partition.connection());
    this.scroll = new ScrollPages(client, query, partition.indices(), partition.shards());
    this.decoder = RowDecoder.forSchema(readSchema, failOnMismatch);
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> close());
    }
  }

  @Override
  public boolean next() throws IOException {
    if (query.limit() > 0 && documents >= query.limit()) {
      finished = true;
    }
    while (!finished) {
      if (page == null) {
        startPage();
      }
      decoder.startRow();
      if (page.nextHit(this)) {
        documents++;
        if (decoder.rescued()) {
          rescued++;
        }
        return true;
      }
      endPage();
    }
    return false;
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    long pageBytes = page == null ? 0 : page.bytesRead();
    return ReadMetrics.current(documents, pages, bytes + pageBytes, rescued, client.retries());
  }

  @Override
  public InternalRow get() {
    return decoder.row();
  }

  @Override
  public void id(JsonParser parser) throws IOException {
    decoder.readId(parser);
  }

  @Override
  public void index(JsonParser parser) throws IOException {
    decoder.readIndex(parser);
  }

  @Override
  public void source(JsonParser parser) throws IOException {
    try {
      decoder.readSource(parser);
    } catch (DecodeException e) {
      throw e.inIndex(query.index()).withRemedy(ConnectorOptions.remedy(e.kind()));
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (page != null) {
      scroll.pageEnded(page);
    }
    closePage();
    scroll.close();
    client.close();
    LOG.debug(
        "Slice {}/{} of index '{}': {} documents in {} pages, {} bytes, {} ms waiting for pages",
        query.sliceId(),
        query.sliceCount(),
        query.index(),
        documents,
        pages,
        bytes,
        scroll.waitedMillis());
  }

  /** Takes the next page and, when the page after it is sure to be needed, asks for that one. */
  private void startPage() throws IOException {
    page = scroll.next();
    pages++;
    if (expected < 0) {
      expected = page.totalHits();
    }
    if (nextPageNeeded()) {
      scroll.fetchAhead();
    }
  }

  /**
   * Whether the page after the current one is needed even if the current one is full: the slice's
   * count (and a LIMIT) then still want more. Scroll pages are full but for the last, so a page
   * fetched ahead is never wasted on a read that is going well; when fewer documents came than
   * counted, the page after is fetched anyway, to prove the slice short.
   */
  private boolean nextPageNeeded() {
    long afterFullPage = documents + query.requestSize();
    return (query.limit() <= 0 || afterFullPage < query.limit())
        && (expected < 0 || afterFullPage < expected);
  }

  /**
   * Closes a page that has no more hits. The slice ends at an empty page, or as soon as it has
   * handed out as many documents as its scroll counted at its snapshot (the empty page after that
   * is not asked for). At an empty page, fewer documents than counted means pages went missing (a
   * retried page the cluster had already served), and the slice fails rather than end short.
   */
  private void endPage() {
    int hits = page.hitCount();
    bytes += page.bytesRead();
    if (expected < 0) {
      expected = page.totalHits();
    }
    scroll.pageEnded(page);
    closePage();
    if (hits == 0 || (expected >= 0 && documents == expected)) {
      finished = true;
      if (expected >= 0 && documents != expected) {
        throw ClusterException.sliceShort(
            query.index(), query.sliceId(), query.sliceCount(), documents, expected);
      }
    }
  }

  private void closePage() {
    if (page != null) {
      ScrollPages.closeQuietly(page);
      page = null;
    }
  }
}

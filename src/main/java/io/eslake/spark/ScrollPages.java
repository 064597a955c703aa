package io.eslake.spark;

import io.eslake.client.ClusterClient;
import io.eslake.client.ClusterException;
import io.eslake.client.ScrollQuery;
import io.eslake.client.SearchPage;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pages of one slice's scroll, on an executor, with the next page fetched while the task
 * decodes the current one: the cluster then searches while the task's core decodes, instead of each
 * waiting for the other. The fetch runs on a daemon thread of the reader's own, started with the
 * first page fetched ahead and ended on close. At most two pages of a slice are held: the one being
 * decoded and the one fetched ahead.
 *
 * <p>The reader says when the next page is needed (see {@link SliceReader}); this class only
 * fetches it, hands it over, and on close clears the scroll, also while a page is in flight. A
 * failure of a page fetched ahead is thrown when that page is taken, as it would have been had it
 * been fetched then. Used by one task thread; not thread-safe.
 */
final class ScrollPages implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(ScrollPages.class);

  private final ClusterClient client;
  private final ScrollQuery query;
  private final List<String> indices;
  private final int shards;
  private ExecutorService fetcher;
  private Future<SearchPage> ahead;
  private String scrollId;
  private long waitedNanos;
  private boolean closed;

  /**
   * @param indices the concrete indices behind the name read when the read was planned, to name
   *     those deleted or closed during it
   * @param shards the shards the first page must have run on (see {@link SlicePartition}), or -1
   */
  ScrollPages(ClusterClient client, ScrollQuery query, List<String> indices, int shards) {
    this.client = client;
    this.query = query;
    this.indices = List.copyOf(indices);
    this.shards = shards;
  }

  /**
   * The next page of the slice: the one fetched ahead, else fetched now; the first one opens the
   * scroll. Its envelope is read, so its scroll id and total are known; a page whose envelope
   * reports a failure is closed, its scroll id kept for the clear.
   *
   * @throws ClusterException as the request for the page failed, or when the wait was interrupted;
   *     one that names the index deleted or closed during the read when that is why the page failed
   */
  SearchPage next() throws IOException {
    try {
      return take();
    } catch (ClusterException e) {
      throw client.explainLostRead(query.index(), indices, e);
    }
  }

  private SearchPage take() throws IOException {
    boolean first = scrollId == null && ahead == null;
    long start = System.nanoTime();
    SearchPage page;
    try {
      page = ahead == null ? fetch(scrollId) : awaitAhead();
    } finally {
      waitedNanos += System.nanoTime() - start;
    }
    try {
      page.readEnvelope();
    } catch (IOException | RuntimeException e) {
      remember(page);
      closeQuietly(page);
      throw e;
    }
    remember(page);
    if (first && shards >= 0 && page.shardsTotal() >= 0 && page.shardsTotal() != shards) {
      closeQuietly(page);
      throw ClusterException.slicesShifted(
          query.index(), query.sliceId(), query.sliceCount(), shards, page.shardsTotal());
    }
    return page;
  }

  /**
   * Starts fetching the page after the last one taken. Does nothing when that page has not said its
   * scroll id before its hits: the page after it is then fetched when it is taken.
   */
  void fetchAhead() {
    if (closed || ahead != null || scrollId == null) {
      return;
    }
    String id = scrollId;
    ahead = fetcher().submit(() -> fetch(id));
  }

  /** How long the task waited for pages so far: what fetching ahead did not hide. */
  long waitedMillis() {
    return waitedNanos / 1_000_000;
  }

  /** Takes note of a scroll id a page carried after its hits. */
  void pageEnded(SearchPage page) {
    remember(page);
  }

  /**
   * Stops the page in flight, if any, ends the fetch thread and clears the scroll. Never throws:
   * the cluster drops a scroll it could not be asked to clear after its keep-alive. The scroll
   * keeps its id from page to page (Elasticsearch 7 and later, OpenSearch), so the id known here
   * also clears the contexts a request in flight uses.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ahead != null) {
      discard(ahead);
      ahead = null;
    }
    if (fetcher != null) {
      fetcher.shutdownNow();
    }
    if (scrollId != null && !clearIgnoringInterrupt()) {
      LOG.warn(
          "Could not clear the scroll of slice {} of index '{}'; the cluster drops it after {}.",
          query.sliceId(),
          query.index(),
          query.keepAlive());
    }
  }

  /**
   * Clears the scroll even when the task was interrupted (Spark interrupts a task it kills, and the
   * client refuses to wait for an answer on an interrupted thread); the interrupt is kept.
   */
  private boolean clearIgnoringInterrupt() {
    boolean interrupted = Thread.interrupted();
    try {
      return client.clearScroll(scrollId);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private SearchPage fetch(String id) {
    return id == null ? client.openScroll(query) : client.continueScroll(query, id);
  }

  private void remember(SearchPage page) {
    if (page.scrollId() != null) {
      scrollId = page.scrollId();
    }
  }

  private SearchPage awaitAhead() throws IOException {
    try {
      SearchPage page = ahead.get();
      ahead = null;
      return page;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ClusterException.interrupted("read the next page of '" + query.index() + "'");
    } catch (ExecutionException e) {
      ahead = null;
      throw rethrow(e.getCause());
    }
  }

  /** The failure of a fetch thrown on the task, as it was thrown on the fetch thread. */
  private static IOException rethrow(Throwable failure) {
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    return failure instanceof IOException io ? io : new IOException(failure);
  }

  /** Closes a page, releasing its buffer; a failure to close is only logged. */
  static void closeQuietly(SearchPage page) {
    try {
      page.close();
    } catch (IOException e) {
      LOG.debug("Closing a page buffer failed", e);
    }
  }

  /** Interrupts a fetch in flight, or releases the page it already fetched. */
  private static void discard(Future<SearchPage> pending) {
    if (pending.cancel(true) || !pending.isDone()) {
      return;
    }
    try {
      closeQuietly(pending.get());
    } catch (ExecutionException e) {
      // A fetch that failed after the read ended leaves nothing to release.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ExecutorService fetcher() {
    if (fetcher == null) {
      String name =
          "eslake-fetch " + query.index() + " slice " + query.sliceId() + "/" + query.sliceCount();
      fetcher =
          Executors.newSingleThreadExecutor(
              task -> {
                Thread thread = new Thread(task, name);
                thread.setDaemon(true);
                return thread;
              });
    }
    return fetcher;
  }
}

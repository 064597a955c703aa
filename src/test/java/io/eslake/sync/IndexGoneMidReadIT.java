package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.IntegrationTest;
import io.eslake.local.FaultProxy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index deleted or closed while it is read, on the real cluster: a proxy in front of it deletes
 * (or closes) the index, or a data stream's backing index, just before it forwards the read's first
 * request for a next scroll page (or a pushed aggregation's next page of groups). The cluster then
 * answers as for a lost scroll (or a missing index); the read must say what happened to the index.
 */
class IndexGoneMidReadIT extends IntegrationTest {

  @TempDir static Path warehouse;

  private static final java.util.concurrent.atomic.AtomicInteger SLICED_READS =
      new java.util.concurrent.atomic.AtomicInteger();

  @Test
  void aCatalogReadOfAnIndexDeletedBetweenTwoPagesSaysItWasDeleted() throws IOException {
    String index = "gone-deleted";
    FaultIT.createIndex(index, 1_000);

    String message = readFailingWhile(index, () -> admin().send("DELETE", "/" + index, null));

    assertTrue(message.contains(said(index, "deleted")), message);
    assertTrue(message.contains("search_context_missing_exception"), message);
    assertFalse(message.contains("scroll_keep_alive"), message);
  }

  @Test
  void aPushedAggregationOfAnIndexDeletedBetweenTwoPagesSaysItWasDeleted() throws IOException {
    String index = "gone-aggregated";
    FaultIT.createIndex(index, 1_000);
    String message = groupedFailingWhileDeleting(index, "s", index);

    assertTrue(message.contains(said(index, "deleted")), message);
    assertTrue(message.contains("index_not_found_exception"), message);
  }

  @Test
  void aCatalogReadOfAnIndexClosedBetweenTwoPagesSaysItWasClosedAndHowToOpenIt()
      throws IOException {
    String index = "gone-closed";
    FaultIT.createIndex(index, 1_000);
    try {
      String message =
          readFailingWhile(index, () -> admin().send("POST", "/" + index + "/_close", null));

      assertTrue(message.contains(said(index, "closed")), message);
      assertTrue(message.contains("POST /" + index + "/_open"), message);
    } finally {
      admin().raw("DELETE", "/" + index, null, "application/json");
    }
  }

  @Test
  void aDataStreamThatLosesABackingIndexMidReadNamesTheIndexAndTheStream() throws IOException {
    // The next page fails on the deleted index's shard only: the cluster answers failed shards.
    assertNamesTheDeletedBackingIndex(false);
  }

  @Test
  void aDataStreamWhoseScrollIsLostWithABackingIndexNamesItNotTheKeepAlive() throws IOException {
    // As the cluster answers when every shard of the scroll lost its context (an expired scroll),
    // the proxy answers the page after the hook deleted the backing index.
    assertNamesTheDeletedBackingIndex(true);
  }

  /**
   * Makes a data stream of two backing indices of 500 documents each, reads it in pages of 100, and
   * deletes its first backing index (not the write index, which cannot be deleted) before the first
   * next-page request; that page is then answered as a lost scroll when {@code wholeScrollLost}.
   */
  private static void assertNamesTheDeletedBackingIndex(boolean wholeScrollLost)
      throws IOException {
    String[] made = streamOfTwoBackingIndices();
    String stream = made[0];
    String first = made[1];

    String message =
        streamReadFailingWhile(
            stream, () -> admin().send("DELETE", "/" + first, null), wholeScrollLost);

    assertTrue(message.contains(saidOfStream(stream, first, "deleted")), message);
    assertTrue(message.contains("search_context_missing_exception"), message);
    assertFalse(message.contains("scroll_keep_alive"), message);
  }

  /**
   * Reads a data stream through a proxy that runs the action before the first next-page request,
   * and answers that page as a lost scroll when {@code wholeScrollLost}; returns the failure's
   * text.
   */
  private static String streamReadFailingWhile(
      String stream, Runnable action, boolean wholeScrollLost) throws IOException {
    try (FaultProxy proxy = new FaultProxy(es().url())) {
      proxy.beforeForwarding(FaultProxy.Request::isScrollPage, action, 1);
      if (wholeScrollLost) {
        proxy.inject(FaultProxy.Request::isScrollPage, FaultProxy.Fault.SCROLL_CONTEXT_MISSING, 1);
      }
      String message = readFailing(proxy, stream);
      assertEquals("HOOK POST /_search/scroll", proxy.injected().get(0));
      return message;
    }
  }

  @Test
  void aDataStreamWhoseBackingIndexIsClosedMidReadNamesItAndHowToOpenIt() throws IOException {
    String[] made = streamOfTwoBackingIndices();
    String stream = made[0];
    String first = made[1];
    String message;
    try {
      message =
          streamReadFailingWhile(
              stream, () -> admin().send("POST", "/" + first + "/_close", null), false);
    } finally {
      admin().raw("DELETE", "/" + first + "?ignore_unavailable=true", null, "application/json");
    }

    assertTrue(message.contains(saidOfStream(stream, first, "closed")), message);
    assertTrue(message.contains("POST /" + first + "/_open"), message);
  }

  /**
   * Each slice of a sliced scroll takes its shards by their place among the shards its own search
   * sees: a slice that starts after an index behind the name was deleted would see fewer shards,
   * and the slices would no longer split one list (some shards read twice, some not at all, each
   * slice's scroll read in full: 1,226 rows for 1,500 documents before). A data stream's slices
   * search its backing indices as planned, so the deleted one is named.
   */
  @Test
  void aSlicedReadOfADataStreamThatLosesABackingIndexBeforeASliceStartsNamesIt()
      throws IOException {
    String[] made = streamOfBackingIndices(3);
    String stream = made[0];
    String first = made[1];

    String message =
        readFailingInThreeSlicesWhile(stream, () -> admin().send("DELETE", "/" + first, null));

    assertTrue(message.contains(saidOfStream(stream, first, "deleted")), message);
  }

  /**
   * A rollover between the planning and a slice's start adds a backing index: the slices search the
   * backing indices planned, so each document of those is read once, and the new index's are left
   * to the next read, as documents written after a scroll opened are.
   */
  @Test
  void aSlicedReadOfADataStreamRolledOverBeforeASliceStartsReadsThePlannedIndicesOnce()
      throws IOException {
    String stream = streamOfBackingIndices(3)[0];

    List<Row> rows =
        readInThreeSlicesWhile(
            stream,
            () -> {
              admin().send("POST", "/" + stream + "/_rollover", null);
              admin().bulk(streamDocuments(stream, 1500, 10));
              admin().refresh(stream);
            });

    assertEquals(1500, rows.size());
    assertEquals(1500, rows.stream().map(row -> row.getAs("n")).distinct().count());
  }

  /**
   * An alias is read by its name (its filter and routing apply): each slice checks that it runs on
   * as many shards as planning saw, and one that starts after an index of the alias was deleted
   * fails naming that index.
   */
  @Test
  void aSlicedReadOfAnAliasThatLosesAnIndexBeforeASliceStartsNamesIt() throws IOException {
    String alias = "gone-alias-sliced";
    List<String> indices =
        List.of("gone-alias-sliced-1", "gone-alias-sliced-2", "gone-alias-sliced-3");
    StringBuilder actions = new StringBuilder("{\"actions\":[");
    for (String index : indices) {
      admin()
          .recreateIndex(index, "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}");
      admin().bulk(streamDocuments(index, indices.indexOf(index) * 500, 500));
      actions.append(actions.length() > 12 ? "," : "");
      actions.append("{\"add\":{\"index\":\"").append(index);
      actions.append("\",\"alias\":\"").append(alias).append("\"}}");
    }
    admin().send("POST", "/_aliases", actions.append("]}").toString());
    admin().refresh(alias);

    String message =
        readFailingInThreeSlicesWhile(
            alias, () -> admin().send("DELETE", "/" + indices.get(0), null));

    assertTrue(
        message.contains(
            "Cannot read alias '"
                + alias
                + "' in full: its index '"
                + indices.get(0)
                + "' was deleted while it was being read"),
        message);
    assertTrue(message.contains("planned"), message);
  }

  /** {@link #readInThreeSlicesWhile} for a read that fails: the failure's text. */
  private static String readFailingInThreeSlicesWhile(String name, Runnable action) {
    return Failures.oneLine(
        assertThrows(Exception.class, () -> readInThreeSlicesWhile(name, action)));
  }

  /**
   * Reads every row of a name in three slices through a proxy that holds the third slice's first
   * request until the first two slices cleared their scrolls, runs the action, then lets it go: the
   * first two slices read before the action, the third after it. Aliases are listed.
   */
  private static List<Row> readInThreeSlicesWhile(String name, Runnable action) throws IOException {
    java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(2);
    try (FaultProxy proxy = new FaultProxy(es().url())) {
      proxy.beforeForwarding(
          r -> {
            if (r.method().equals("DELETE") && r.path().equals("/_search/scroll")) {
              finished.countDown();
            }
            return false;
          },
          () -> {},
          Integer.MAX_VALUE);
      proxy.beforeForwarding(
          r -> r.opensScroll() && r.body().contains("\"id\":2"),
          () -> {
            try {
              assertTrue(finished.await(60, java.util.concurrent.TimeUnit.SECONDS));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            action.run();
          },
          1);
      // A catalog of its own per read: Spark keeps a catalog once made, with its proxy's URL.
      String catalog =
          registerCatalog("gone_sliced_" + SLICED_READS.incrementAndGet(), proxy.url());
      spark().conf().set("spark.sql.catalog." + catalog + ".include_aliases", "true");
      List<Row> rows =
          spark()
              .read()
              .option("page_size", "1000")
              .option("slices", "3")
              .table(catalog + ".`" + name + "`")
              .collectAsList();
      assertEquals(1, proxy.injected().size(), proxy.injected().toString());
      return rows;
    }
  }

  /**
   * A pushed aggregation over a data stream pages its groups; a backing index deleted between two
   * pages (a retention policy's delete) leaves the later pages short of its documents while every
   * shard still answers. The read must fail naming the index, not return short groups.
   */
  @Test
  void aPushedAggregationOfADataStreamThatLosesABackingIndexBetweenPagesNamesIt()
      throws IOException {
    String[] made = streamOfTwoBackingIndices();
    String stream = made[0];
    String first = made[1];
    String message = groupedFailingWhileDeleting(stream, "n", first);

    assertTrue(message.contains(saidOfStream(stream, first, "deleted")), message);
  }

  /**
   * A data stream of two backing indices, 500 documents each (n 0-499 in the first, 500-999 in the
   * second), with a name unique per run: the test distribution cannot delete a data stream (see
   * DiscoveryIT).
   *
   * @return the stream's name and its first backing index's
   */
  private static String[] streamOfTwoBackingIndices() {
    return streamOfBackingIndices(2);
  }

  /**
   * A data stream of {@code count} backing indices of one shard and 500 documents each (n 0-499 in
   * the first, and so on), with a name unique per run.
   *
   * @return the stream's name and its first backing index's
   */
  private static String[] streamOfBackingIndices(int count) {
    String stream = "gone-stream-" + Long.toString(System.nanoTime(), 36);
    admin()
        .send(
            "PUT",
            "/_index_template/gone-stream",
            "{\"index_patterns\":[\"gone-stream-*\"],\"data_stream\":{},\"priority\":500,"
                + "\"template\":{\"settings\":{\"number_of_replicas\":0},\"mappings\":"
                + "{\"properties\":{\"@timestamp\":{\"type\":\"date\"},"
                + "\"n\":{\"type\":\"long\"}}}}}");
    admin().bulk(streamDocuments(stream, 0, 500));
    for (int i = 1; i < count; i++) {
      admin().send("POST", "/" + stream + "/_rollover", null);
      admin().bulk(streamDocuments(stream, 500 * i, 500));
    }
    admin().refresh(stream);
    String first =
        admin()
            .send("GET", "/_resolve/index/" + stream, null)
            .path("data_streams")
            .get(0)
            .path("backing_indices")
            .get(0)
            .asText();
    return new String[] {stream, first};
  }

  /** Documents for a data stream, with a timestamp and a number n from {@code from}. */
  private static String streamDocuments(String stream, int from, int count) {
    StringBuilder bulk = new StringBuilder();
    for (int n = from; n < from + count; n++) {
      bulk.append("{\"create\":{\"_index\":\"").append(stream).append("\"}}\n");
      bulk.append("{\"@timestamp\":\"2024-01-01T00:00:00Z\",\"n\":").append(n).append("}\n");
    }
    return bulk.toString();
  }

  @Test
  void aSyncOfAnIndexDeletedMidReadFailsItNamingTheDeletion() throws IOException {
    String index = "gone-sync";
    FaultIT.createIndex(index, 25_000);
    try (FaultProxy proxy = new FaultProxy(es().url())) {
      proxy.beforeForwarding(
          FaultProxy.Request::isScrollPage, () -> admin().send("DELETE", "/" + index, null), 1);

      SyncJobIT.Run run = sync(proxy, "--indices", index);

      assertEquals(1, run.code(), run.err() + run.out());
      assertEquals(List.of("HOOK POST /_search/scroll"), proxy.injected());
      String line =
          run.out().lines().filter(l -> l.startsWith(index + " -> ")).findFirst().orElse("");
      assertTrue(line.contains("FAILED"), run.out());
      assertTrue(line.contains(said(index, "deleted")), run.out());
      assertFalse(line.contains("scroll_keep_alive"), run.out());
    }
  }

  @Test
  void aLostScrollOfAnIndexStillThereKeepsTheKeepAliveAdvice() throws IOException {
    String index = "gone-not";
    FaultIT.createIndex(index, 1_000);
    try (FaultProxy proxy = new FaultProxy(es().url())) {
      proxy.inject(FaultProxy.Request::isScrollPage, FaultProxy.Fault.SCROLL_CONTEXT_MISSING, 1);

      String message = readFailing(proxy, index);

      assertTrue(message.contains("its scroll expired or was lost"), message);
      assertTrue(message.contains("scroll_keep_alive"), message);
      assertFalse(message.contains("while it was being read"), message);
    }
  }

  /**
   * Counts the rows of a name grouped by a column, an aggregation pushed to the cluster and paged,
   * through a proxy that deletes an index just before the second page, and returns the failure's
   * text. The composite aggregation's second page is the first request that carries an after key.
   */
  private static String groupedFailingWhileDeleting(String name, String column, String deleted)
      throws IOException {
    try (FaultProxy proxy = new FaultProxy(es().url())) {
      proxy.beforeForwarding(
          r -> r.path().equals("/" + name + "/_search") && r.body().contains("\"after\""),
          () -> admin().send("DELETE", "/" + deleted, null),
          1);
      String message = readFailing(proxy, name, rows -> rows.groupBy(column).count());
      assertEquals(List.of("HOOK POST /" + name + "/_search"), proxy.injected());
      return message;
    }
  }

  /** Reads the index through a proxy that runs the action before the first next-page request. */
  private static String readFailingWhile(String index, Runnable action) throws IOException {
    try (FaultProxy proxy = new FaultProxy(es().url())) {
      proxy.beforeForwarding(FaultProxy.Request::isScrollPage, action, 1);
      String message = readFailing(proxy, index);
      assertEquals(List.of("HOOK POST /_search/scroll"), proxy.injected());
      return message;
    }
  }

  /** Reads every row of the index in pages of 100, one slice, and returns the failure's text. */
  private static String readFailing(FaultProxy proxy, String index) {
    return readFailing(proxy, index, rows -> rows);
  }

  /**
   * Runs a query on the index's rows, read in pages of 100 in one slice, and returns the failure's
   * text.
   */
  private static String readFailing(
      FaultProxy proxy, String index, UnaryOperator<Dataset<Row>> query) {
    String catalog = registerCatalog("gone_" + index.replace('-', '_'), proxy.url());
    Exception failure =
        assertThrows(
            Exception.class,
            () ->
                query
                    .apply(
                        spark()
                            .read()
                            .option("page_size", "100")
                            .option("slices", "1")
                            .table(catalog + ".`" + index + "`"))
                    .collectAsList());
    return Failures.oneLine(failure);
  }

  /** What the failure says of a data stream whose backing index was deleted or closed. */
  private static String saidOfStream(String stream, String backing, String what) {
    return "Cannot read data stream '"
        + stream
        + "' in full: its backing index '"
        + backing
        + "' was "
        + what
        + " while it was being read";
  }

  /** What the failure says of an index deleted or closed during its read. */
  private static String said(String index, String what) {
    return "Cannot read index '" + index + "' in full: it was " + what + " while it was being read";
  }

  private static SyncJobIT.Run sync(FaultProxy proxy, String... extra) {
    List<String> args = new ArrayList<>(List.of(SyncJobIT.argsFor(warehouse, es().password())));
    args.set(args.indexOf("--url") + 1, proxy.url());
    args.addAll(List.of(extra));
    return SyncJobIT.run(args.toArray(String[]::new));
  }
}

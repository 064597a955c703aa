package io.eslake.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.IntegrationTest;
import io.eslake.client.ClusterException;
import io.eslake.client.ConnectionSettings;
import io.eslake.client.Credentials;
import io.eslake.client.RetryPolicy;
import io.eslake.client.ScrollQuery;
import io.eslake.local.AdminClient;
import io.eslake.local.FaultProxy;
import io.eslake.local.FaultProxy.Fault;
import io.eslake.local.RecordingProxy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The slice reader fetches the next page while it decodes the current one. These tests hold the
 * read at chosen points, through proxies in front of the real cluster, and check what only a
 * correct overlap gets right: the next page is asked for before the current one is decoded, never
 * two ahead, never beyond a LIMIT or the slice's count; a failure of a page fetched ahead surfaces
 * with its own message when that page is due; closing or cancelling while a page is in flight
 * clears the scroll at once and ends the fetch thread.
 */
class PageAheadIT extends IntegrationTest {

  /** One shard, so one slice of three pages of 1,000: ids and values 0..2999. */
  private static final String INDEX = "ahead-docs";

  private static final int DOCUMENTS = 3000;
  private static final int PAGE = 1000;

  /** The readers a test opened, closed after it also when it fails (close is idempotent). */
  private final List<SliceReader> opened = new ArrayList<>();

  @AfterEach
  void closeReaders() {
    opened.forEach(SliceReader::close);
  }

  @BeforeAll
  static void createIndex() {
    admin()
        .recreateIndex(
            INDEX,
            "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
                + "\"mappings\":{\"properties\":{\"n\":{\"type\":\"long\"}}}}");
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < DOCUMENTS; i++) {
      bulk.append(AdminClient.indexAction(INDEX, i));
      bulk.append("{\"n\":").append(i).append("}\n");
    }
    admin().bulk(bulk.toString());
    admin().refresh(INDEX);
  }

  @Test
  void theNextPageIsAskedForWhileTheCurrentOneIsDecodedAndNeverTwoAhead() throws IOException {
    try (RecordingProxy proxy = new RecordingProxy(es().url())) {
      SliceReader reader = reader(proxy.url(), 0);
      Set<Long> values = new HashSet<>();

      assertTrue(reader.next());
      values.add(reader.get().getLong(1));
      awaitTrue(() -> scrollPages(proxy) == 1, "the second page asked for during the first");
      LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
      assertEquals(1, scrollPages(proxy), "one page ahead, not two");
      while (reader.next()) {
        values.add(reader.get().getLong(1));
      }
      reader.close();

      assertEquals(DOCUMENTS, values.size());
      assertEquals(0L, values.stream().mapToLong(Long::longValue).min().orElseThrow());
      assertEquals(DOCUMENTS - 1L, values.stream().mapToLong(Long::longValue).max().orElseThrow());
      assertEquals(1, scrollOpens(proxy), String.valueOf(sent(proxy)));
      assertEquals(2, scrollPages(proxy), "no empty page after the count was reached");
      assertEquals(3L, metric(reader, "esPages"));
      assertEquals(0, admin().openSearchContexts(), "the scroll is cleared");
    }
  }

  @Test
  void aLimitAsksForNoPageBeyondWhatItNeeds() throws IOException {
    try (RecordingProxy proxy = new RecordingProxy(es().url())) {
      String table = registerCatalog("ahead_limit", proxy.url()) + ".`" + INDEX + "`";

      assertEquals(2000, spark().read().option("page_size", PAGE).table(table).limit(2000).count());
      assertEquals(1, scrollOpens(proxy), String.valueOf(sent(proxy)));
      assertEquals(1, scrollPages(proxy), "two pages hold the limit: " + sent(proxy));

      proxy.clear();
      assertEquals(
          2500,
          spark().read().option("page_size", PAGE).table(table).limit(2500).collectAsList().size());
      assertEquals(1, scrollOpens(proxy), String.valueOf(sent(proxy)));
      assertEquals(2, scrollPages(proxy), "three pages hold the limit: " + sent(proxy));
    }
  }

  @Test
  void aPageFetchedAheadThatFailsFailsTheReadWhenItIsDueWithItsOwnMessage() throws IOException {
    assertFailsOnThirdPage(Fault.SHARD_FAILURE, "1 of 2 shards failed");
    assertFailsOnThirdPage(Fault.SCROLL_CONTEXT_MISSING, "scroll expired or was lost");
    assertFailsOnThirdPage(Fault.RESET_MID_BODY, "connection was reset");
  }

  @Test
  void aPageFetchedAheadIsRetriedAndItsRetriesCounted() throws IOException {
    try (FaultProxy proxy = new FaultProxy(es().url())) {
      proxy.inject(FaultProxy.Request::isScrollPage, Fault.TOO_MANY_REQUESTS, 3);
      SliceReader reader = reader(proxy.url(), 0);
      int rows = 0;
      while (reader.next()) {
        rows++;
      }
      reader.close();

      assertEquals(DOCUMENTS, rows);
      assertEquals(3, proxy.injected().size(), String.valueOf(proxy.injected()));
      assertEquals(3L, metric(reader, "esRetries"));
    }
  }

  @Test
  void aPageLostAfterTheClusterServedItStillFailsTheSliceAsShort() throws IOException {
    try (FaultProxy proxy = new FaultProxy(es().url())) {
      proxy.inject(FaultProxy.Request::isScrollPage, Fault.UNAVAILABLE_AFTER_FORWARDING, 1);
      AtomicInteger rows = new AtomicInteger();
      ClusterException failure = readUntilItFails(reader(proxy.url(), 0), rows);

      assertTrue(
          failure.getMessage().contains("ended after 2000 documents, but its scroll counted 3000"),
          failure.getMessage());
      assertEquals(2000, rows.get());
      assertEquals(0, admin().openSearchContexts(), "the scroll is cleared");
    }
  }

  @Test
  void closingWithAPageInFlightClearsTheScrollAtOnceAndEndsTheFetchThread() throws IOException {
    try (FaultProxy proxy = new FaultProxy(es().url())) {
      proxy.inject(FaultProxy.Request::isScrollPage, Fault.DELAY, 1);
      SliceReader reader = reader(proxy.url(), 0);
      assertTrue(reader.next());
      awaitTrue(() -> proxy.injected().size() == 1, "the page ahead is held at the proxy");

      long start = System.nanoTime();
      reader.close();
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertTrue(millis < FaultProxy.DELAY_MILLIS / 2, "close waited " + millis + " ms");
      assertEquals(0, admin().openSearchContexts(), "the scroll is cleared");
      awaitTrue(() -> !fetchThreadAlive(), "the fetch thread ends");
    }
  }

  @Test
  void aCancelledSparkJobClearsItsScrollAndEndsItsFetchThread() throws Exception {
    try (FaultProxy proxy = new FaultProxy(es().url())) {
      String table = registerCatalog("ahead_cancel", proxy.url()) + ".`" + INDEX + "`";
      proxy.inject(FaultProxy.Request::isScrollPage, Fault.DELAY, 1);
      String group = "page-ahead-cancel";
      CompletableFuture<Long> job =
          CompletableFuture.supplyAsync(
              () -> {
                spark().sparkContext().setJobGroup(group, "cancelled mid-slice", true);
                try {
                  return (long)
                      spark().read().option("page_size", PAGE).table(table).collectAsList().size();
                } finally {
                  spark().sparkContext().clearJobGroup();
                }
              });
      awaitTrue(() -> proxy.injected().size() == 1, "a page ahead is held at the proxy");

      long start = System.nanoTime();
      spark().sparkContext().cancelJobGroup(group);
      Exception failure = assertThrows(Exception.class, () -> job.get(30, TimeUnit.SECONDS));
      awaitTrue(() -> admin().openSearchContexts() == 0, "the scroll is cleared");
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertTrue(String.valueOf(failure.getMessage()).contains("cancelled"), failure.toString());
      assertTrue(millis < FaultProxy.DELAY_MILLIS, "cleared after " + millis + " ms");
      awaitTrue(() -> !fetchThreadAlive(), "the fetch thread ends");
    }
  }

  /** Reads through a proxy failing the third page (the second fetched ahead) with a fault. */
  private void assertFailsOnThirdPage(Fault fault, String named) throws IOException {
    try (FaultProxy proxy = new FaultProxy(es().url())) {
      AtomicInteger scrollPages = new AtomicInteger();
      Predicate<FaultProxy.Request> third =
          r -> r.isScrollPage() && scrollPages.incrementAndGet() == 2;
      proxy.inject(third, fault, 1);
      AtomicInteger rows = new AtomicInteger();
      ClusterException failure = readUntilItFails(reader(proxy.url(), 0), rows);

      assertTrue(failure.getMessage().contains(named), fault + ": " + failure.getMessage());
      assertTrue(
          failure.getMessage().contains("rather than return part of the index"),
          failure.getMessage());
      assertEquals(2 * PAGE, rows.get(), fault + ": the pages before it were handed out");
      assertEquals(List.of(fault + " POST /_search/scroll"), proxy.injected());
      assertEquals(0, admin().openSearchContexts(), fault + ": the scroll is cleared");
    }
  }

  /** Reads until the reader fails, counting the rows it handed out, and closes it. */
  private static ClusterException readUntilItFails(SliceReader reader, AtomicInteger rows) {
    ClusterException failure =
        assertThrows(
            ClusterException.class,
            () -> {
              while (reader.next()) {
                rows.incrementAndGet();
              }
            });
    reader.close();
    return failure;
  }

  /** A reader of the whole index as one slice of pages of 1,000, columns _id and n. */
  private SliceReader reader(String url, int limit) {
    Credentials credentials =
        es().secured() ? Credentials.basic(es().username(), es().password()) : Credentials.none();
    ConnectionSettings connection =
        ConnectionSettings.fromUrls(url, credentials).withRetry(new RetryPolicy(3, 10, 100));
    ScrollQuery query = new ScrollQuery(INDEX, List.of("n"), PAGE, "1m", 0, 1, null, limit, null);
    StructType schema =
        new StructType().add("_id", DataTypes.StringType).add("n", DataTypes.LongType);
    SliceReader reader =
        new SliceReader(new SlicePartition(query, connection, List.of(INDEX)), schema, true);
    opened.add(reader);
    return reader;
  }

  private static long scrollOpens(RecordingProxy proxy) {
    return proxy.exchanges().stream()
        .filter(e -> e.pathAndQuery().startsWith("/" + INDEX + "/_search?scroll="))
        .count();
  }

  private static long scrollPages(RecordingProxy proxy) {
    return proxy.exchanges().stream()
        .filter(e -> e.method().equals("POST") && e.pathAndQuery().startsWith("/_search/scroll"))
        .count();
  }

  /** The requests a proxy forwarded, as method and path: never their credentials. */
  private static List<String> sent(RecordingProxy proxy) {
    return proxy.exchanges().stream().map(e -> e.method() + " " + e.pathAndQuery()).toList();
  }

  private static long metric(SliceReader reader, String name) {
    for (CustomTaskMetric metric : reader.currentMetricsValues()) {
      if (metric.name().equals(name)) {
        return metric.value();
      }
    }
    throw new AssertionError("no metric " + name);
  }

  private static boolean fetchThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().startsWith("eslake-fetch " + INDEX + " "));
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    assertTrue(condition.getAsBoolean(), what);
  }
}

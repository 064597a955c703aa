package io.eslake.sync;

import static java.util.stream.Collectors.counting;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eslake.IntegrationTest;
import io.eslake.local.RecordingProxy;
import io.eslake.local.SampleData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The requests one sync of one index sends, counted on a recording proxy. */
class SyncRequestsIT extends IntegrationTest {

  @TempDir Path warehouse;

  @BeforeAll
  static void loadRealData() {
    SampleData.fetch().loadMovies(admin(), "requests-movies");
  }

  @Test
  void oneSyncOfOneIndexSendsEachPlanningRequestOnce() throws IOException {
    Path password = Files.writeString(warehouse.resolve("password"), es().password());
    try (RecordingProxy proxy = new RecordingProxy(es().url())) {
      SyncJobIT.Run run =
          SyncJobIT.run(
              "--url", proxy.url(),
              "--username", es().username(),
              "--password-file", password.toString(),
              "--warehouse", warehouse.toString(),
              "--indices", "requests-movies");

      assertEquals(0, run.code(), run.err() + run.out());
      List<String> sent =
          proxy.exchanges().stream().map(e -> e.method() + " " + e.pathAndQuery()).toList();
      Map<String, Long> counts =
          sent.stream()
              .map(SyncRequestsIT::withoutParameters)
              .collect(Collectors.groupingBy(request -> request, TreeMap::new, counting()));

      Map<String, Long> expected = new TreeMap<>();
      // The listing: names, then which of them the account may read.
      expected.put("GET /_resolve/index/*", 1L);
      expected.put("POST /_security/user/_has_privileges", 1L);
      // Loading the table: its mapping and a sample for arrays, once.
      expected.put("GET /requests-movies/_mapping", 1L);
      expected.put("POST /requests-movies/_search", 1L);
      // Planning the read, once: the shard layout and the count that sizes the slices.
      expected.put(
          "GET /requests-movies/_settings/index.number_of_shards," + "index.max_slices_per_scroll",
          1L);
      // The count check before and after the read; the plan sizes its slices by the first.
      expected.put("GET /requests-movies/_count", 2L);
      // The read: one slice of one page (the scroll's first search), which holds as many documents
      // as the scroll counted, so no empty page is asked for to end it; then the clear.
      expected.put("POST /requests-movies/_search?scroll", 1L);
      expected.put("DELETE /_search/scroll", 1L);
      assertEquals(expected, counts, String.join("\n", sent));
    }
  }

  /**
   * The Spark jobs of a sync of one index, told apart by their call stacks. Creating the table runs
   * the write and the run history's append; replacing it adds only Delta's listing of the files of
   * the version it replaces. Neither runs a job for the rows the commit wrote, the checksum of the
   * new version, or the rescue report of an index with nothing rescued.
   */
  @Test
  void aSyncOfOneIndexRunsTheWriteAndTheHistoryAsSparkJobs() throws IOException, TimeoutException {
    Path password = Files.writeString(warehouse.resolve("password"), es().password());
    String[] args = {
      "--url", es().url(),
      "--username", es().username(),
      "--password-file", password.toString(),
      "--warehouse", warehouse.toString(),
      "--indices", "requests-movies"
    };

    List<String> created = jobsOf(args);
    List<String> replaced = jobsOf(args);

    assertEquals(List.of(WRITE, HISTORY), created, "creating the table");
    assertEquals(WRITE, replaced.get(0), "replacing the table: " + replaced);
    assertEquals(HISTORY, replaced.get(replaced.size() - 1), "replacing: " + replaced);
    assertEquals(
        Set.of(OLD_FILES),
        Set.copyOf(replaced.subList(1, replaced.size() - 1)),
        "replacing the table: " + replaced);
  }

  private static final String WRITE = "the write";
  private static final String HISTORY = "the run history";
  private static final String OLD_FILES = "Delta listing the files of the version replaced";

  /** What each Spark job one run of the sync job started was for, from its call stack. */
  private static List<String> jobsOf(String[] args) throws TimeoutException {
    List<String> jobs = new CopyOnWriteArrayList<>();
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart event) {
            // A stage's details are the call stack that submitted its job.
            String stack = event.stageInfos().last().details();
            jobs.add(
                stack.contains("RunHistory.append")
                    ? HISTORY
                    : stack.contains("OptimisticTransactionImpl.filterFiles")
                        ? OLD_FILES
                        : stack.contains("CreateDeltaTableCommand.run")
                            ? WRITE
                            : stack.lines().findFirst().orElse("?"));
          }
        };
    SparkContext context = spark().sparkContext();
    context.addSparkListener(listener);
    try {
      SyncJobIT.Run run = SyncJobIT.run(args);
      assertEquals(0, run.code(), run.err() + run.out());
      context.listenerBus().waitUntilEmpty();
    } finally {
      context.removeSparkListener(listener);
    }
    return List.copyOf(jobs);
  }

  /** A request without its parameters, except that a scroll's search is told from a search. */
  private static String withoutParameters(String request) {
    int query = request.indexOf('?');
    if (query < 0) {
      return request;
    }
    boolean scroll = request.indexOf("scroll=", query) > 0;
    return request.substring(0, query) + (scroll ? "?scroll" : "");
  }
}

package io.eslake.sync;

import static java.util.stream.Collectors.counting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.IntegrationTest;
import io.eslake.local.AdminClient;
import io.eslake.local.RecordingProxy;
import io.eslake.local.SampleData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/** The requests one sync of one index sends, counted on a recording proxy. */
class SyncRequestsIT extends IntegrationTest {

  @TempDir Path warehouse;

  @BeforeAll
  static void loadRealData() {
    SampleData.fetch().loadMovies(admin(), "requests-movies");
  }

  @Test
  void oneSyncOfOneIndexSendsEachPlanningRequestOnce() throws IOException {
    try (RecordingProxy proxy = new RecordingProxy(es().url())) {
      SyncJobIT.Run run = syncThrough(proxy, "--indices", "requests-movies");

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
   * The driver's planning calls for all indices of a run share one connection pool: a sync of three
   * indices one at a time comes on one connection for the listing, mappings, counts and shard
   * layouts, plus one per scroll slice that an executor reads. With a pool per call (as before)
   * each index's planning opened about six connections, each a TLS handshake over https.
   */
  @Test
  void theDriversPlanningCallsShareOneConnection() throws IOException {
    for (String index : List.of("requests-small-a", "requests-small-b")) {
      admin().recreateIndex(index, "{\"mappings\":{\"properties\":{\"n\":{\"type\":\"long\"}}}}");
      admin().bulk(AdminClient.indexAction(index, 1) + "{\"n\":1}\n");
      admin().refresh(index);
    }
    try (RecordingProxy proxy = new RecordingProxy(es().url())) {
      SyncJobIT.Run run =
          syncThrough(
              proxy,
              "--parallelism",
              "1",
              "--indices",
              "requests-movies,requests-small-a,requests-small-b");

      assertEquals(0, run.code(), run.err() + run.out());
      long slices =
          proxy.exchanges().stream()
              .filter(e -> e.method().equals("POST") && e.pathAndQuery().contains("_search?scroll"))
              .count();
      assertEquals(3, slices, "one slice per index");
      assertTrue(
          proxy.connections() <= 1 + slices,
          proxy.connections() + " connections for " + proxy.exchanges().size() + " requests");
    }
  }

  /** Runs the job through the proxy as the cluster's administrator, with the given arguments. */
  private SyncJobIT.Run syncThrough(RecordingProxy proxy, String... arguments) throws IOException {
    Path password = Files.writeString(warehouse.resolve("password"), es().password());
    List<String> args = new java.util.ArrayList<>();
    args.addAll(
        List.of(
            "--url", proxy.url(),
            "--username", es().username(),
            "--password-file", password.toString(),
            "--warehouse", warehouse.toString()));
    args.addAll(List.of(arguments));
    return SyncJobIT.run(args.toArray(String[]::new));
  }

  /**
   * The Spark jobs of a sync of one index, told apart by their call stacks. Creating the table runs
   * the write and the run history's append; replacing it adds Delta's rebuild of the state of the
   * version it replaces, to list the files it removes: an aggregate of the state (which caches it)
   * and the list, a job each (4 with adaptive execution, which the job's session turns off, as it
   * runs a shuffle's two sides as two jobs). Neither runs a job for the rows the commit wrote, the
   * checksum of the new version, or the rescue report of an index with nothing rescued.
   */
  @Test
  void aSyncOfOneIndexRunsTheWriteAndTheHistoryAsSparkJobs() throws IOException, TimeoutException {
    String[] args = args("requests-movies");

    List<Job> created = jobsOf(spark(), args);
    List<Job> replaced = jobsOf(spark(), args);

    assertEquals(List.of(WRITE, HISTORY), kinds(created), "creating the table");
    assertEquals(
        List.of(WRITE, OLD_FILES, OLD_FILES, HISTORY), kinds(replaced), "replacing the table");
  }

  /**
   * The job rebuilds a replaced table's state in one partition (a task per stage) when the caller's
   * session leaves Delta's snapshotPartitions unset, rather than Delta's 50; it sets that, and the
   * checksum file list, on a session of its own, so the caller's session is as it was.
   */
  @Test
  void theJobRebuildsAReplacedTablesStateInOnePartitionWithoutTouchingTheCallersSession()
      throws IOException, TimeoutException {
    String[] args = args("requests-movies");
    // Taken once: LocalSpark.session() applies its settings to the session again.
    SparkSession caller = spark();
    String partitions = caller.conf().get(SyncJob.STATE_PARTITIONS);
    caller.conf().unset(SyncJob.STATE_PARTITIONS);
    Map<String, String> before;
    List<Job> replaced;
    try {
      jobsOf(caller, args);
      before = settings(caller);
      replaced = jobsOf(caller, args);
      Map<String, String> after = settings(caller);
      // Named by key only: the session holds the test catalogs' passwords.
      assertTrue(
          before.equals(after), () -> "the caller's session changed: " + changed(before, after));
    } finally {
      caller.conf().set(SyncJob.STATE_PARTITIONS, partitions);
    }

    List<Job> rebuild = replaced.stream().filter(job -> job.kind().equals(OLD_FILES)).toList();
    assertEquals(2, rebuild.size(), "replacing: " + replaced);
    // The replaced version's log is one commit file, read by one task; the rest is one partition.
    rebuild.forEach(job -> assertEquals(1, job.mostTasks(), "one partition: " + replaced));
    assertFalse(before.containsKey(SyncJob.FILE_LIST_IN_CHECKSUM), before.keySet().toString());
    assertFalse(before.containsKey(SyncJob.STATE_PARTITIONS), before.keySet().toString());
    assertFalse(before.containsKey(SyncJob.ADAPTIVE), before.keySet().toString());
    assertTrue(
        before.keySet().stream().noneMatch(key -> key.contains("eslake_sync_source")),
        "the job's source catalog is registered in its own session: " + before.keySet());
  }

  /**
   * The rescue report groups the written rows by field: it runs in the caller's session, with
   * adaptive execution as the caller has it (on), which coalesces its shuffles to what the rows
   * need, not in the job's session, where adaptive execution is off and each shuffle would run as
   * many tasks as spark.sql.shuffle.partitions says.
   */
  @Test
  void theRescueReportRunsWithTheCallersAdaptiveExecution() throws IOException, TimeoutException {
    SyncJobIT.indexWithMalformedNumbers("requests-rescued", "1", "\"many\"");
    SparkSession caller = spark();
    String partitions = caller.conf().get(SHUFFLE_PARTITIONS);
    caller.conf().set(SHUFFLE_PARTITIONS, "50");
    List<Job> jobs;
    try {
      jobs = jobsOf(caller, args("requests-rescued"));
    } finally {
      caller.conf().set(SHUFFLE_PARTITIONS, partitions);
    }

    List<Job> report = jobs.stream().filter(job -> job.kind().equals(REPORT)).toList();
    assertFalse(report.isEmpty(), "the rescue report ran: " + jobs);
    report.forEach(job -> assertTrue(job.mostTasks() < 50, "coalesced: " + jobs));
  }

  private static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";
  private static final String REPORT = "the rescue report";
  private static final String WRITE = "the write";
  private static final String HISTORY = "the run history";
  private static final String OLD_FILES = "Delta listing the files of the version replaced";

  /** A Spark job: what it was for, and the most tasks any of its stages has. */
  private record Job(String kind, int mostTasks) {}

  private static Map<String, String> settings(SparkSession session) {
    return Map.copyOf(JavaConverters.mapAsJavaMap(session.conf().getAll()));
  }

  private static Set<String> changed(Map<String, String> before, Map<String, String> after) {
    Set<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    keys.removeIf(key -> Objects.equals(before.get(key), after.get(key)));
    return keys;
  }

  private static List<String> kinds(List<Job> jobs) {
    return jobs.stream().map(Job::kind).toList();
  }

  private String[] args(String index) throws IOException {
    Path password = Files.writeString(warehouse.resolve("password"), es().password());
    return new String[] {
      "--url", es().url(),
      "--username", es().username(),
      "--password-file", password.toString(),
      "--warehouse", warehouse.toString(),
      "--indices", index
    };
  }

  /** What each Spark job one run of the sync job started was for, from its call stack. */
  private static List<Job> jobsOf(SparkSession session, String[] args) throws TimeoutException {
    List<Job> jobs = new CopyOnWriteArrayList<>();
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart event) {
            // A stage's details are the call stack that submitted its job.
            List<StageInfo> stages = JavaConverters.seqAsJavaList(event.stageInfos());
            String stack = stages.get(stages.size() - 1).details();
            String kind =
                stack.contains("RunHistory.append")
                    ? HISTORY
                    : stack.contains("RescueReport.of")
                        ? REPORT
                        : stack.contains("OptimisticTransactionImpl.filterFiles")
                            ? OLD_FILES
                            : stack.contains("CreateDeltaTableCommand.run")
                                ? WRITE
                                : stack.lines().findFirst().orElse("?");
            jobs.add(new Job(kind, stages.stream().mapToInt(StageInfo::numTasks).max().orElse(0)));
          }
        };
    SparkContext context = session.sparkContext();
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

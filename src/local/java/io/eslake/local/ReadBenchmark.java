package io.eslake.local;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import io.eslake.sync.SyncJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The read benchmark: on one index of the flights data (3 million documents, 3 primary shards, one
 * segment each), the plain client's sliced scroll as the limit, es-hadoop with its default and its
 * best settings, our catalog read, our sync into Delta against es-hadoop plus Delta's writer, the
 * sync under a 1 GiB heap, and many small indices synced at once against one after another. Prints
 * the median of several repetitions, documents per second, ratios, the benchmark JVM's CPU time and
 * peak heap. Run it with bench/read-benchmark.sh.
 */
public final class ReadBenchmark {

  private static final String CATALOG = "bench";
  private static final String SYNC = "eslake sync into Delta";
  private static final String ES_HADOOP_DELTA = "es-hadoop + Delta, same columns";
  private static final String ES_HADOOP_DELTA_FIELDS = "es-hadoop + Delta, _source fields only";

  private final Options options;
  private final LocalElasticsearch es;
  private final SparkSession spark;
  private final Path work;
  private final Map<String, Measurement> results = new LinkedHashMap<>();
  private long documents;

  private ReadBenchmark(Options options, LocalElasticsearch es, SparkSession spark, Path work) {
    this.options = options;
    this.es = es;
    this.spark = spark;
    this.work = work;
  }

  /**
   * The command line: {@code --reps N}, {@code --only a,b}, {@code --many N}, {@code --many-at-once
   * N}, {@code --conf key=value} (a Spark setting; {@code key=} unsets it), {@code --serve}.
   */
  record Options(
      int reps,
      List<String> only,
      int manyIndices,
      int manyAtOnce,
      boolean serve,
      String index,
      Map<String, String> conf) {
    static Options parse(String[] args) {
      int reps = 5;
      List<String> only = List.of();
      int many = 200;
      int atOnce = 4;
      boolean serve = false;
      Map<String, String> conf = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--conf" -> {
            String[] setting = args[++i].split("=", 2);
            conf.put(setting[0], setting.length == 2 ? setting[1] : "");
          }
          case "--reps" -> reps = Integer.parseInt(args[++i]);
          case "--only" -> only = Arrays.asList(args[++i].split(","));
          case "--many" -> many = Integer.parseInt(args[++i]);
          case "--many-at-once" -> atOnce = Integer.parseInt(args[++i]);
          case "--serve" -> serve = true;
          default ->
              throw new IllegalArgumentException(
                  "Unknown argument "
                      + args[i]
                      + ". Use --reps N, --only limit,eshadoop,ours,sync,sync-ours,"
                      + "sync-eshadoop,heap,many, --many N, --many-at-once N, --conf key=value"
                      + " or --serve.");
        }
      }
      return new Options(reps, only, many, atOnce, serve, "bench-flights-3m", conf);
    }

    boolean runs(String part) {
      return only.isEmpty() || only.contains(part);
    }

    /** Whether a part that reads the flights index runs: {@code many} alone does not need it. */
    boolean needsFlights() {
      return only.isEmpty() || only.stream().anyMatch(part -> !part.startsWith("many"));
    }
  }

  /**
   * The median run of a variant, with the cost of the benchmark JVM during that run and the CPU
   * time the cluster's nodes used meanwhile.
   */
  record Measurement(
      double seconds, long documents, double cpuSeconds, double serverCpuSeconds, long peakBytes) {
    double perSecond() {
      return documents / seconds;
    }
  }

  /** One repetition of a variant; returns the documents it read. */
  @FunctionalInterface
  interface Run {
    long once() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (RuntimeException e) {
      System.err.println("read-benchmark: " + e.getMessage());
      System.exit(2);
      return;
    }
    LocalElasticsearch es = LocalElasticsearch.start(LocalElasticsearch.Settings.defaults());
    Runtime.getRuntime().addShutdownHook(new Thread(es::close, "benchmark-es-stop"));
    SparkSession spark = LocalSpark.session();
    spark.sparkContext().setLogLevel("WARN");
    // A Spark setting of the session the syncs run from: --conf key= unsets one LocalSpark sets.
    options
        .conf()
        .forEach(
            (key, value) -> {
              if (value.isEmpty()) {
                spark.conf().unset(key);
              } else {
                spark.conf().set(key, value);
              }
            });
    Path work = Files.createTempDirectory("eslake-benchmark");
    ReadBenchmark benchmark = new ReadBenchmark(options, es, spark, work);
    benchmark.load();
    if (options.serve()) {
      System.out.println("Serving " + es.url() + " as " + es.username() + "; stop with Ctrl-C");
      Thread.sleep(Long.MAX_VALUE);
    }
    benchmark.runAll();
    System.exit(0);
  }

  private void load() {
    if (options.needsFlights()) {
      String parquet = SampleData.fetch().file("flights-3m.parquet").toString();
      documents = BenchmarkIndex.ensureLoaded(spark, es, options.index(), parquet);
    }
    String prefix = "spark.sql.catalog." + CATALOG;
    spark.conf().set(prefix, "io.eslake.spark.ElasticsearchCatalog");
    spark.conf().set(prefix + ".url", es.url());
    spark.conf().set(prefix + ".username", es.username());
    spark.conf().set(prefix + ".password", es.password());
  }

  private void runAll() throws Exception {
    if (options.needsFlights()) {
      runFlights();
    }
    if (options.runs("many")) {
      manyIndices();
    } else if (options.runs("many-batched")) {
      manyBatched();
    }
  }

  private void runFlights() throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%nRead benchmark: index %s, %,d documents, %d repetitions (median), %d cores%n%n",
        options.index(),
        documents,
        options.reps(),
        Runtime.getRuntime().availableProcessors());
    String index = options.index();
    if (options.runs("limit")) {
      measure("limit: plain client, sliced scroll, 3 slices", () -> limit(index));
    }
    try (ClusterInfoStandIn standIn = new ClusterInfoStandIn(es, "8.19.3")) {
      if (options.runs("eshadoop")) {
        measure("es-hadoop, default settings", () -> noop(esHadoop(standIn, false).load(index)));
        measure("es-hadoop, best settings", () -> noop(esHadoop(standIn, true).load(index)));
      }
      if (options.runs("ours")) {
        measure("eslake catalog read", () -> noop(spark.table(table(index))));
      }
      if (options.runs("sync") || options.runs("sync-ours")) {
        measure(SYNC, () -> sync(index, 1, work.resolve("sync")));
      }
      if (options.runs("sync") || options.runs("sync-eshadoop")) {
        measure(
            ES_HADOOP_DELTA,
            () -> delta(sameColumns(esHadoopWithIds(standIn).load(index)), work.resolve("esh")));
        measure(
            ES_HADOOP_DELTA_FIELDS,
            () -> delta(esHadoop(standIn, true).load(index), work.resolve("esh-fields")));
      }
    }
    printResults();
    if (options.runs("heap")) {
      syncInSmallHeap(index);
    }
  }

  private long limit(String index) throws Exception {
    PlainScroll.Counts counts = PlainScroll.read(es, index, 3, 10_000);
    return counts.hits();
  }

  private DataFrameReader esHadoop(ClusterInfoStandIn standIn, boolean best) {
    java.net.URI proxy = java.net.URI.create(standIn.url());
    DataFrameReader reader =
        spark
            .read()
            .format("org.elasticsearch.spark.sql")
            .option("es.nodes", proxy.getHost())
            .option("es.port", String.valueOf(proxy.getPort()))
            .option("es.nodes.wan.only", "false")
            .option("es.net.http.auth.user", es.username())
            .option("es.net.http.auth.pass", es.password());
    if (best) {
      reader =
          reader
              .option("es.scroll.size", "10000")
              .option("es.input.max.docs.per.partition", "1000000");
    }
    return reader;
  }

  /** es-hadoop's best settings, with each document's metadata read into a map column. */
  private DataFrameReader esHadoopWithIds(ClusterInfoStandIn standIn) {
    return esHadoop(standIn, true)
        .option("es.read.metadata", "true")
        .option("es.read.metadata.field", "_metadata");
  }

  /**
   * The columns the sync writes: {@code _id} first, the {@code _source} fields, and {@code
   * _rescued} (null on every row of this index, as in the sync's table).
   */
  private static Dataset<Row> sameColumns(Dataset<Row> withMetadata) {
    List<Column> columns = new ArrayList<>();
    columns.add(col("_metadata").getItem("_id").as("_id"));
    for (String field : withMetadata.columns()) {
      if (!field.equals("_metadata")) {
        columns.add(col(field));
      }
    }
    columns.add(lit(null).cast("string").as("_rescued"));
    return withMetadata.select(columns.toArray(Column[]::new));
  }

  private static String table(String index) {
    return CATALOG + ".`" + index + "`";
  }

  private long noop(Dataset<Row> rows) {
    rows.write().format("noop").mode("overwrite").save();
    return documents;
  }

  private long delta(Dataset<Row> rows, Path path) {
    rows.write().format("delta").mode("overwrite").save(path.toString());
    return documents;
  }

  private long sync(String indices, int parallelism, Path warehouse, String... extra)
      throws IOException {
    Path passwordFile = work.resolve("password");
    Files.writeString(passwordFile, es.password());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--url", es.url(),
                "--username", es.username(),
                "--password-file", passwordFile.toString(),
                "--indices", indices,
                "--warehouse", warehouse.toString(),
                "--parallelism", String.valueOf(parallelism)));
    args.addAll(List.of(extra));
    int code =
        SyncJob.run(
            args.toArray(String[]::new),
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err);
    if (code != 0) {
      throw new IllegalStateException("The sync failed: " + out);
    }
    return documents;
  }

  private void measure(String name, Run run) throws Exception {
    List<Measurement> runs = new ArrayList<>();
    for (int rep = 0; rep < options.reps(); rep++) {
      resetPeaks();
      long serverCpu = serverCpuMillis();
      long cpu = cpuNanos();
      long start = System.nanoTime();
      long read = run.once();
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (cpuNanos() - cpu) / 1e9;
      double serverSeconds = (serverCpuMillis() - serverCpu) / 1e3;
      runs.add(new Measurement(seconds, read, cpuSeconds, serverSeconds, peakHeap()));
      System.out.printf(
          Locale.ROOT,
          "  %s: run %d %.1f s, CPU %.1f s, server CPU %.1f s%n",
          name,
          rep + 1,
          seconds,
          cpuSeconds,
          serverSeconds);
    }
    runs.sort((a, b) -> Double.compare(a.seconds(), b.seconds()));
    Measurement middle = runs.get(runs.size() / 2);
    if (runs.size() % 2 == 0) {
      Measurement below = runs.get(runs.size() / 2 - 1);
      middle =
          new Measurement(
              (middle.seconds() + below.seconds()) / 2,
              middle.documents(),
              (middle.cpuSeconds() + below.cpuSeconds()) / 2,
              (middle.serverCpuSeconds() + below.serverCpuSeconds()) / 2,
              Math.max(middle.peakBytes(), below.peakBytes()));
    }
    results.put(name, middle);
  }

  private void printResults() {
    System.out.printf(
        Locale.ROOT,
        "%n%-46s %9s %12s %9s %9s %11s%n",
        "variant",
        "median s",
        "docs/s",
        "CPU s",
        "ES CPU s",
        "peak heap");
    results.forEach(
        (name, m) ->
            System.out.printf(
                Locale.ROOT,
                "%-46s %9.1f %,12.0f %9.1f %9.1f %8d MB%n",
                name,
                m.seconds(),
                m.perSecond(),
                m.cpuSeconds(),
                m.serverCpuSeconds(),
                m.peakBytes() >> 20));
    System.out.println();
    ratio("eslake catalog read", "limit: plain client, sliced scroll, 3 slices");
    ratio("eslake catalog read", "es-hadoop, default settings");
    ratio("eslake catalog read", "es-hadoop, best settings");
    ratio(SYNC, ES_HADOOP_DELTA);
    ratio(SYNC, ES_HADOOP_DELTA_FIELDS);
  }

  private void ratio(String ours, String other) {
    Measurement a = results.get(ours);
    Measurement b = results.get(other);
    if (a != null && b != null) {
      System.out.printf(Locale.ROOT, "%s / %s: %.2f%n", ours, other, a.perSecond() / b.perSecond());
    }
  }

  /** The sync of the whole index in a JVM of its own with a 1 GiB heap. */
  private void syncInSmallHeap(String index) throws Exception {
    Path passwordFile = work.resolve("password");
    Files.writeString(passwordFile, es.password());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("--add-opens") || a.startsWith("-D"))
            .toList());
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "-Dspark.master=local[2]",
            "-Dspark.driver.host=127.0.0.1",
            "-Dspark.driver.bindAddress=127.0.0.1",
            "-Dspark.ui.enabled=false",
            SyncJob.class.getName(),
            "--url",
            es.url(),
            "--username",
            es.username(),
            "--password-file",
            passwordFile.toString(),
            "--indices",
            index,
            "--warehouse",
            work.resolve("small-heap").toString()));
    long start = System.nanoTime();
    Process child =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("small-heap.log").toFile())
            .start();
    long peakKb = 0;
    while (child.isAlive()) {
      peakKb = Math.max(peakKb, highWaterMarkKb(child.pid()));
      Thread.sleep(200);
    }
    int code = child.waitFor();
    double seconds = (System.nanoTime() - start) / 1e9;
    List<String> lines = Files.readAllLines(work.resolve("small-heap.log"));
    String summary =
        lines.stream().filter(l -> l.startsWith("Synced ")).findFirst().orElse("no summary");
    System.out.printf(
        Locale.ROOT,
        "%nSync of %s in a child JVM with -Xmx1g: exit %d in %.1f s, peak RSS %d MB: %s%n",
        index,
        code,
        seconds,
        peakKb >> 10,
        summary);
    if (code != 0) {
      lines.stream().skip(Math.max(0, lines.size() - 20)).forEach(System.out::println);
    }
  }

  private static long highWaterMarkKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  /**
   * Many small indices synced one after another, then several at a time (4 unless {@code
   * --many-at-once} says) each on its own ({@code --batch-max-documents 0}), then several at a time
   * as the sync does by default (small indices batched), each into a warehouse of its own; then all
   * three again into the tables they wrote, which replaces each table as a scheduled run does. Ten
   * of the indices are created and replaced first in a warehouse of their own, in both ways, so
   * that no measured run pays for the JIT's compilation of the sync's code. Another count than the
   * default gets indices of its own prefix, so a quick run leaves the default indices in place.
   */
  private void manyIndices() throws Exception {
    int count = options.manyIndices();
    String prefix = count == 200 ? "bench-many-" : "bench-many" + count + "-";
    BenchmarkIndex.ensureMany(es, prefix, count, 1000);
    int atOnce = options.manyAtOnce();
    ManyRun warmUp = manyRun(prefix + "00*", 1, work.resolve("many-warm-up"));
    ManyRun warmUpAgain = manyRun(prefix + "00*", 1, work.resolve("many-warm-up"));
    manyRun(prefix + "00*", atOnce, work.resolve("many-warm-up-batched"));
    manyRun(prefix + "00*", atOnce, work.resolve("many-warm-up-batched"));
    System.out.printf(
        Locale.ROOT,
        "Warm-up: 10 indices created in %.1f s (%.1f s CPU), replaced in %.1f s (%.1f s CPU)%n",
        warmUp.seconds(),
        warmUp.cpuSeconds(),
        warmUpAgain.seconds(),
        warmUpAgain.cpuSeconds());
    Path one = work.resolve("many-1");
    Path own = work.resolve("many-" + atOnce + "-own");
    Path batched = work.resolve("many-" + atOnce);
    ManyRun sequential = manyRun(prefix + "*", 1, one);
    ManyRun alone = manyRun(prefix + "*", atOnce, own, "--batch-max-documents", "0");
    ManyRun together = manyRun(prefix + "*", atOnce, batched);
    // The same again into the tables just written: each is replaced, as on every scheduled run.
    ManyRun sequentialAgain = manyRun(prefix + "*", 1, one);
    ManyRun aloneAgain = manyRun(prefix + "*", atOnce, own, "--batch-max-documents", "0");
    ManyRun togetherAgain = manyRun(prefix + "*", atOnce, batched);
    for (Path warehouse : List.of(one, own, batched)) {
      String table = io.eslake.sync.TableNames.of(null, prefix + "000");
      long rows = spark.read().format("delta").load(warehouse.resolve(table).toString()).count();
      if (rows != 1000) {
        throw new IllegalStateException("A table of " + warehouse + " holds " + rows + " rows");
      }
    }
    System.out.printf(Locale.ROOT, "%nSync of %d indices of 1,000 documents:%n", count);
    printMany("created", count, atOnce, sequential, alone, together);
    printMany("replaced", count, atOnce, sequentialAgain, aloneAgain, togetherAgain);
  }

  /**
   * The batched sync of the many indices alone, created then replaced, for profiling it: {@code
   * --only many-batched}.
   */
  private void manyBatched() throws Exception {
    int count = options.manyIndices();
    String prefix = count == 200 ? "bench-many-" : "bench-many" + count + "-";
    BenchmarkIndex.ensureMany(es, prefix, count, 1000);
    int atOnce = options.manyAtOnce();
    manyRun(prefix + "00*", atOnce, work.resolve("many-warm-up-batched"));
    manyRun(prefix + "00*", atOnce, work.resolve("many-warm-up-batched"));
    Path batched = work.resolve("many-" + atOnce + "-alone");
    if (Files.exists(batched)) {
      try (var paths = Files.walk(batched)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
    ManyRun created = manyRun(prefix + "*", atOnce, batched);
    ManyRun replaced = manyRun(prefix + "*", atOnce, batched);
    System.out.printf(
        Locale.ROOT,
        "%nBatched sync of %d indices of 1,000 documents, %d at a time: created %.1f s (%.1f s"
            + " CPU), replaced %.1f s (%.1f s CPU)%n",
        count,
        atOnce,
        created.seconds(),
        created.cpuSeconds(),
        replaced.seconds(),
        replaced.cpuSeconds());
  }

  private static void printMany(
      String what, int count, int atOnce, ManyRun sequential, ManyRun alone, ManyRun together) {
    System.out.printf(
        Locale.ROOT,
        "  %s: one after another %.1f s (%.1f s CPU, %.2f Spark jobs per index);"
            + " %d at a time, each on its own, %.1f s (%.1f s CPU, %.2f jobs per index),"
            + " %.2f times faster; %d at a time, small indices batched (the default), %.1f s"
            + " (%.1f s CPU, %.2f jobs per index), %.2f times faster%n",
        what,
        sequential.seconds(),
        sequential.cpuSeconds(),
        (double) sequential.jobs() / count,
        atOnce,
        alone.seconds(),
        alone.cpuSeconds(),
        (double) alone.jobs() / count,
        sequential.seconds() / alone.seconds(),
        atOnce,
        together.seconds(),
        together.cpuSeconds(),
        (double) together.jobs() / count,
        sequential.seconds() / together.seconds());
  }

  /** A measured step. */
  private interface Step {
    void run() throws Exception;
  }

  /** A step's time, the benchmark JVM's CPU time and the Spark jobs it ran. */
  private ManyRun timed(Step step) throws Exception {
    AtomicLong jobs = new AtomicLong();
    SparkListener counter =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart event) {
            jobs.incrementAndGet();
          }
        };
    spark.sparkContext().addSparkListener(counter);
    try {
      long start = System.nanoTime();
      long cpu = cpuNanos();
      step.run();
      return new ManyRun((System.nanoTime() - start) / 1e9, (cpuNanos() - cpu) / 1e9, jobs.get());
    } finally {
      spark.sparkContext().removeSparkListener(counter);
    }
  }

  /** One sync of the many indices: its time, the benchmark JVM's CPU time and the Spark jobs. */
  private record ManyRun(double seconds, double cpuSeconds, long jobs) {}

  private ManyRun manyRun(String pattern, int parallelism, Path warehouse, String... extra)
      throws Exception {
    return timed(() -> sync(pattern, parallelism, warehouse, extra));
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  /**
   * The CPU time the cluster's nodes used so far, as they report it ({@code _nodes/stats/process}),
   * in milliseconds; 0 when the account may not ask.
   */
  private long serverCpuMillis() {
    try {
      JsonNode nodes =
          es.admin()
              .send("GET", "/_nodes/stats/process?filter_path=nodes.*.process.cpu", null)
              .path("nodes");
      long millis = 0;
      for (JsonNode node : nodes) {
        millis += node.path("process").path("cpu").path("total_in_millis").asLong();
      }
      return millis;
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}

package io.eslake.sync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs many small indices together (README, "Small indices synced together"): those of at most
 * {@code --batch-max-documents} documents, in groups of at most {@link #PER_JOB} indices and {@link
 * #DOCUMENTS_PER_JOB} documents, each group read and written by one Spark job and then committed
 * table by table on the job's driver threads ({@link BatchFiles}). Each index keeps every guarantee
 * of a sync on its own: one commit replaces its table, the rows are checked against the index's
 * count, rescued values are reported, and a failure fails that index alone. An index a batch cannot
 * take (see {@link BatchFiles}) is left to the usual sync.
 */
final class BatchSync {

  private static final Logger LOG = LoggerFactory.getLogger(BatchSync.class);

  /** The most indices one Spark job of a batch reads: their results are printed job by job. */
  static final int PER_JOB = 100;

  /**
   * The most documents one Spark job of a batch reads: a job's tables are committed when it ends,
   * so a job is kept short enough that results keep coming.
   */
  static final long DOCUMENTS_PER_JOB = 1_000_000;

  private final SyncJob job;
  private final ExecutorService pool;
  private final SparkSession spark;

  /** The session's Hadoop settings, made once: Spark builds them anew on each request. */
  private final org.apache.hadoop.conf.Configuration hadoop;

  BatchSync(SyncJob job, ExecutorService pool) {
    this.job = job;
    this.pool = pool;
    this.spark = job.session();
    this.hadoop = spark.sessionState().newHadoopConf();
  }

  /** One index planned into a batch: its scan and the table it replaces. */
  private record Planned(
      String index,
      DeltaTarget target,
      BatchFiles.TableState found,
      StructType source,
      StructType schema,
      InputPartition[] partitions,
      Batch batch,
      long documents,
      Instant startedAt,
      long start) {}

  /**
   * Syncs the indices a batch can take. Batches overlap: while one batch's Spark job runs, the
   * tables of the batch before are committed and the indices of the next are planned, so the
   * executors' reading and writing and the driver's commits (file renames, Delta's log) proceed
   * side by side.
   *
   * @return the outcomes of the indices synced here, by index; the others are left to the caller
   */
  Map<String, SyncJob.Outcome> run(String runId, Map<String, String> tables) {
    Map<String, SyncJob.Outcome> outcomes = new LinkedHashMap<>();
    if (tables.size() < 2 || !BatchFiles.available(spark, System.getenv())) {
      return outcomes;
    }
    ExecutorService submitter =
        java.util.concurrent.Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "eslake-batch-job");
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Map.Entry<String, String>> entries = new ArrayList<>(tables.entrySet());
      Running previous = null;
      int jobs = 0;
      for (int from = 0; from < entries.size() && !SyncJob.stopping(); from += PER_JOB) {
        List<Map.Entry<String, String>> group =
            entries.subList(from, Math.min(entries.size(), from + PER_JOB));
        long began = System.nanoTime();
        List<Planned> planned = plan(group);
        LOG.info(
            "{} of {} indices planned into a batch in {} s",
            planned.size(),
            group.size(),
            String.format(Locale.ROOT, "%.1f", (System.nanoTime() - began) / 1e9));
        if (planned.size() < 2) {
          continue;
        }
        for (List<Planned> job : jobs(planned)) {
          int number = ++jobs;
          Running running = new Running(job, number, submitter.submit(() -> write(job, number)));
          if (previous != null) {
            outcomes.putAll(commit(runId, previous));
          }
          previous = running;
        }
      }
      if (previous != null) {
        outcomes.putAll(commit(runId, previous));
      }
      return outcomes;
    } finally {
      submitter.shutdownNow();
    }
  }

  /**
   * A batch whose Spark job was submitted.
   *
   * @param files what its tasks did, or null when the job failed as a whole
   */
  private record Running(List<Planned> planned, int number, Future<List<BatchFiles.Done>> files) {}

  /** The planned indices split into Spark jobs of at most {@link #DOCUMENTS_PER_JOB}. */
  private static List<List<Planned>> jobs(List<Planned> planned) {
    List<List<Planned>> jobs = new ArrayList<>();
    List<Planned> job = new ArrayList<>();
    long documents = 0;
    for (Planned one : planned) {
      if (!job.isEmpty() && documents + one.documents() > DOCUMENTS_PER_JOB) {
        jobs.add(job);
        job = new ArrayList<>();
        documents = 0;
      }
      job.add(one);
      documents += one.documents();
    }
    jobs.add(job);
    return jobs;
  }

  private List<Planned> plan(List<Map.Entry<String, String>> group) {
    List<Future<Planned>> futures = new ArrayList<>();
    for (Map.Entry<String, String> entry : group) {
      futures.add(pool.submit(() -> plan(entry.getKey(), entry.getValue())));
    }
    List<Planned> planned = new ArrayList<>();
    for (Future<Planned> future : futures) {
      Planned one = SyncJob.await(future);
      if (one != null) {
        planned.add(one);
      }
    }
    return planned;
  }

  /**
   * Plans one index into the batch, or returns null to leave it to the usual sync: an index too
   * large, a table the batch cannot replace, columns that need Delta's column mapping, or any
   * failure (the usual sync then reports it as it always does).
   */
  private Planned plan(String index, String table) {
    SparkSession.setActiveSession(spark);
    Instant startedAt = Instant.now();
    long start = System.nanoTime();
    try {
      Table source = job.sourceTable(index);
      long documents = SyncJob.documentCount(source);
      if (documents > job.config().batchMaxDocuments()) {
        return null;
      }
      DeltaTarget target = DeltaTarget.of(null, job.config().warehouse(), table);
      BatchFiles.TableState found = BatchFiles.state(spark, hadoop, target.folder());
      if (found == null) {
        return null;
      }
      Scan scan = ((SupportsRead) source).newScanBuilder(CaseInsensitiveStringMap.empty()).build();
      StructType read = scan.readSchema();
      if (DeltaTarget.needsColumnMapping(read)) {
        return null;
      }
      Batch batch = scan.toBatch();
      InputPartition[] partitions = batch.planInputPartitions();
      return new Planned(
          index,
          target,
          found,
          read,
          read.asNullable(),
          partitions,
          batch,
          documents,
          startedAt,
          start);
    } catch (Exception | LinkageError e) {
      LOG.debug("Index '{}' is synced on its own: {}", index, Failures.oneLine(e));
      return null;
    }
  }

  private static String description(List<Planned> planned, int number) {
    return String.format(
        Locale.ROOT,
        "sync batch %d: %s (%s ... %s)",
        number,
        Words.count(planned.size(), "small index", "small indices"),
        planned.get(0).index(),
        planned.get(planned.size() - 1).index());
  }

  /**
   * Reads and writes the planned indices in one Spark job, each task one slice of one index.
   *
   * @return what each task did, or null when the job failed as a whole (an executor lost beyond
   *     Spark's retries, say): each index is then synced on its own, which reports its own failure
   *     if it has one
   */
  private List<BatchFiles.Done> write(List<Planned> planned, int number) {
    SparkSession.setActiveSession(spark);
    String description = description(planned, number);
    spark.sparkContext().setJobDescription(description);
    try {
      List<BatchFiles.Target> targets = new ArrayList<>();
      List<BatchFiles.Work> work = new ArrayList<>();
      Map<StructType, BatchFiles.Writers> writers = new java.util.HashMap<>();
      for (int i = 0; i < planned.size(); i++) {
        Planned one = planned.get(i);
        BatchFiles.Writers parquet = writers.get(one.schema());
        if (parquet == null) {
          parquet = BatchFiles.Writers.of(spark, one.schema());
          writers.put(one.schema(), parquet);
        }
        targets.add(
            new BatchFiles.Target(
                one.batch().createReaderFactory(), parquet, one.target().folder(), one.schema()));
        for (InputPartition partition : one.partitions()) {
          work.add(new BatchFiles.Work(i, partition));
        }
      }
      long began = System.nanoTime();
      List<BatchFiles.Done> done = BatchFiles.run(spark, targets, work);
      LOG.info(
          "{}: {} slices read and written in {} s",
          description,
          work.size(),
          String.format(Locale.ROOT, "%.1f", (System.nanoTime() - began) / 1e9));
      return done;
    } catch (Exception | LinkageError e) {
      LOG.warn(
          "{} failed, its indices are synced one by one: {}", description, Failures.oneLine(e));
      LOG.debug("{} failed", description, e);
      return null;
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  /** Commits each table of a batch once its Spark job has ended. */
  private Map<String, SyncJob.Outcome> commit(String runId, Running running) {
    List<Planned> planned = running.planned();
    List<BatchFiles.Done> done = SyncJob.await(running.files());
    if (done == null) {
      return Map.of();
    }
    List<List<BatchFiles.Done>> byIndex = new ArrayList<>();
    planned.forEach(one -> byIndex.add(new ArrayList<>()));
    done.forEach(file -> byIndex.get(file.index()).add(file));
    List<Future<SyncJob.Outcome>> futures = new ArrayList<>();
    for (int i = 0; i < planned.size(); i++) {
      Planned one = planned.get(i);
      List<BatchFiles.Done> files = byIndex.get(i);
      futures.add(pool.submit(() -> commit(runId, one, files)));
    }
    long began = System.nanoTime();
    Map<String, SyncJob.Outcome> outcomes = new LinkedHashMap<>();
    for (int i = 0; i < planned.size(); i++) {
      outcomes.put(planned.get(i).index(), SyncJob.await(futures.get(i)));
    }
    LOG.info(
        "{}: tables committed in {} s",
        description(planned, running.number()),
        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - began) / 1e9));
    return outcomes;
  }

  /** Commits one index's table from the files its slices wrote, or reports its failure. */
  private SyncJob.Outcome commit(String runId, Planned one, List<BatchFiles.Done> files) {
    SparkSession.setActiveSession(spark);
    String display = one.target().display();
    SyncJob.Finished finished;
    long bytes = files.stream().mapToLong(BatchFiles.Done::bytes).sum();
    BatchFiles.Done failedSlice =
        files.stream().filter(file -> file.error() != null).findFirst().orElse(null);
    if (failedSlice != null || SyncJob.stopping()) {
      discard(one, files);
      IndexResult result;
      if (failedSlice == null) {
        result = IndexResult.failure(one.index(), display, 0, SyncJob.STOPPED);
      } else if (failedSlice.closed()) {
        result = SyncJob.closed(one.index(), display);
      } else {
        result = job.failed(one.index(), display, one.start(), failedSlice.error(), null);
      }
      finished = new SyncJob.Finished(result, null);
    } else {
      List<BatchFiles.Done> written = files.stream().filter(file -> file.file() != null).toList();
      long rows = files.stream().mapToLong(BatchFiles.Done::rows).sum();
      long rescued = files.stream().mapToLong(BatchFiles.Done::rescued).sum();
      boolean committed = false;
      try {
        BatchFiles.commit(
            spark,
            one.target().folder(),
            one.found(),
            one.schema(),
            DeltaTarget.properties(one.index(), one.source()),
            written);
        committed = true;
        finished =
            job.finish(
                one.index(),
                one.target(),
                new SyncJob.Written(rows, rescued, one.source()),
                one.found().schema(),
                one.schema(),
                one.documents(),
                one.start());
      } catch (Exception | LinkageError e) {
        if (!committed) {
          discard(one, files);
        }
        finished = new SyncJob.Finished(job.failed(one.index(), display, one.start(), e), null);
      }
    }
    job.printResult(finished.result());
    return new SyncJob.Outcome(
        finished.result(),
        RunRecord.of(
            runId,
            one.startedAt(),
            finished.result(),
            one.documents(),
            bytes,
            finished.schemaChanges()));
  }

  /** Removes the files an index's slices wrote when its table is not committed. */
  private void discard(Planned one, List<BatchFiles.Done> files) {
    for (BatchFiles.Done file : files) {
      if (file.file() != null) {
        BatchFiles.delete(new Path(one.target().folder(), file.file()), hadoop);
      }
    }
  }
}

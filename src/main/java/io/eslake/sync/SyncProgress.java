package io.eslake.sync;

import io.eslake.spark.ReadMetrics;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

/**
 * Where the sync of one index is: documents read of the index's count, the rate and the time left.
 * Runs on the driver while the index syncs. The source of truth is the read's own metrics ({@link
 * ReadMetrics}), which slice readers report on executors and Spark brings to the driver with each
 * executor heartbeat and task end; this listener keeps the latest value per task of the jobs that
 * carry the index's job description, and a timer shows the sum: redrawn in place every second on a
 * terminal, else one log line per interval. Closed (listener removed, timer stopped) after the
 * index, whatever the outcome.
 */
final class SyncProgress extends SparkListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SyncProgress.class);

  /** How long {@link #close()} waits for the last task ends to reach the listener. */
  private static final long SETTLE_MILLIS = 10_000;

  private final SparkContext context;
  private final String description;
  private final long total;
  private final TerminalLine terminal;
  private final long start = System.nanoTime();
  private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
  private final Map<Long, Long> documentsByTask = new ConcurrentHashMap<>();
  private final Map<Long, Long> bytesByTask = new ConcurrentHashMap<>();
  private final Map<Long, Long> rescuedByTask = new ConcurrentHashMap<>();
  private final Map<Long, Long> retriesByTask = new ConcurrentHashMap<>();
  private final Set<Integer> runningJobs = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;

  /**
   * Starts following the jobs with the given description.
   *
   * @param total the index's document count, or -1 when unknown
   * @param terminal where to redraw the progress line, or null to log it
   * @param intervalSeconds seconds between log lines when there is no terminal
   */
  SyncProgress(
      SparkContext context,
      String description,
      long total,
      PrintStream terminal,
      double intervalSeconds) {
    this.context = context;
    this.description = description;
    this.total = total;
    this.terminal = terminal == null ? null : new TerminalLine(terminal);
    context.addSparkListener(this);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "eslake-progress");
              thread.setDaemon(true);
              return thread;
            });
    long period = terminal != null ? 1000 : Math.max(100, (long) (intervalSeconds * 1000));
    timer.scheduleAtFixedRate(this::show, period, period, TimeUnit.MILLISECONDS);
  }

  /** Documents read so far, as last reported by the tasks. */
  long documents() {
    return sum(documentsByTask);
  }

  /** Documents read so far with a value in the rescue column. */
  long rescuedDocuments() {
    return sum(rescuedByTask);
  }

  /** Response bytes read so far. */
  long bytes() {
    return sum(bytesByTask);
  }

  /** Requests the readers sent again after the cluster refused them for the moment. */
  long retries() {
    return sum(retriesByTask);
  }

  /** The progress line, e.g. "1,200,000 of 3,000,000 documents (40%), 95,000/s, 19 s left". */
  String line() {
    return line(false);
  }

  /**
   * The progress line; once the sync is over (closing), without what is left to do.
   *
   * @param over whether the index's sync has ended
   */
  private String line(boolean over) {
    long documents = documents();
    double seconds = (System.nanoTime() - start) / 1e9;
    double rate = seconds > 0 ? documents / seconds : 0;
    StringBuilder line = new StringBuilder(description).append(": ");
    if (total >= 0) {
      line.append(
          String.format(
              Locale.ROOT,
              "%,d of %s (%d%%)",
              documents,
              Words.count(total, "document", "documents"),
              total == 0 ? 100 : Math.min(100, documents * 100 / total)));
    } else {
      line.append(Words.count(documents, "document", "documents"));
    }
    line.append(String.format(Locale.ROOT, ", %,.0f/s, %.1f MB", rate, bytes() / 1e6));
    long retries = retries();
    if (retries > 0) {
      // The cluster is refusing requests for the moment: worth seeing before it fails a read.
      line.append(", ").append(Words.count(retries, "retry", "retries"));
    }
    if (over) {
      return line.toString();
    }
    if (total > 0 && documents >= total) {
      // Reading is done; the commit, the rescue report and the count check follow.
      line.append(", all read, finishing the table");
    } else if (total > 0 && rate > 0 && documents * 100 >= total) {
      // Not before 1% is read: the first pages alone make a time left of days.
      line.append(String.format(Locale.ROOT, ", %s left", duration((total - documents) / rate)));
    }
    return line.toString();
  }

  @Override
  public void onJobStart(SparkListenerJobStart event) {
    String jobDescription = event.properties().getProperty("spark.job.description");
    if (description.equals(jobDescription)) {
      runningJobs.add(event.jobId());
      for (Object stage : JavaConverters.seqAsJavaList(event.stageIds())) {
        stages.add((Integer) stage);
      }
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd event) {
    runningJobs.remove(event.jobId());
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate event) {
    for (var update : JavaConverters.seqAsJavaList(event.accumUpdates())) {
      if (stages.contains((Integer) update._2())) {
        record((Long) update._1(), JavaConverters.seqAsJavaList(update._4()));
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    if (!stages.contains(event.stageId())) {
      return;
    }
    TaskInfo task = event.taskInfo();
    if (task.successful()) {
      record(task.taskId(), JavaConverters.seqAsJavaList(task.accumulables()));
    } else {
      documentsByTask.remove(task.taskId());
      bytesByTask.remove(task.taskId());
      rescuedByTask.remove(task.taskId());
      retriesByTask.remove(task.taskId());
    }
  }

  /**
   * Waits, at most a few seconds, for the last task ends to reach the listener (Spark delivers them
   * after the write has returned) and for the documents read to reach a known count.
   *
   * @return whether they did: the counts are then those of the read's successful tasks
   */
  boolean settle(long expectedDocuments) {
    long deadline = System.currentTimeMillis() + SETTLE_MILLIS;
    while ((!runningJobs.isEmpty() || documents() < expectedDocuments)
        && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return runningJobs.isEmpty() && documents() >= expectedDocuments;
  }

  /**
   * Stops following: stops the timer, and on a terminal where the line was shown draws it a last
   * time and ends it with a newline; removes the listener.
   */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (terminal != null && terminal.drawn()) {
      terminal.draw(line(true));
      terminal.finish();
    }
    context.removeSparkListener(this);
  }

  private void record(long taskId, List<AccumulableInfo> accumulables) {
    for (AccumulableInfo info : accumulables) {
      String name = info.name().isDefined() ? info.name().get() : null;
      Object value = info.update().isDefined() ? info.update().get() : null;
      if (!(value instanceof Long number)) {
        continue;
      }
      if (ReadMetrics.DOCUMENTS.equals(name)) {
        documentsByTask.merge(taskId, number, Math::max);
      } else if (ReadMetrics.BYTES.equals(name)) {
        bytesByTask.merge(taskId, number, Math::max);
      } else if (ReadMetrics.RESCUED.equals(name)) {
        rescuedByTask.merge(taskId, number, Math::max);
      } else if (ReadMetrics.RETRIES.equals(name)) {
        retriesByTask.merge(taskId, number, Math::max);
      }
    }
  }

  private void show() {
    try {
      String line = line();
      if (terminal != null) {
        terminal.draw(line);
      } else {
        LOG.info("{}", line);
      }
    } catch (RuntimeException e) {
      LOG.debug("Showing progress failed", e);
    }
  }

  private static long sum(Map<Long, Long> values) {
    return values.values().stream().mapToLong(Long::longValue).sum();
  }

  private static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }
}

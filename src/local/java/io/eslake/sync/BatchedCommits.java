package io.eslake.sync;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.Format;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * A benchmark's experiment, not the product's write path: how fast many small indices could be
 * written if the sync batched them, doing less per index than one CREATE OR REPLACE TABLE AS SELECT
 * each. One Spark job reads all the indices through an alias (they share one mapping) and writes
 * each index's rows as Parquet files of its own; then each table is committed through Delta's
 * transaction API ({@code org.apache.spark.sql.delta}, internal to delta-spark), with no Spark plan
 * of its own. Replacing lists the replaced version's files either as Delta does ({@code
 * filterFiles}, which rebuilds the version's state) or from the files this experiment added before
 * (what a replay of the log in the driver would give), to show what each costs. Tables hold no
 * column statistics; each holds its rows exactly once, which {@link #rows} checks.
 */
public final class BatchedCommits {

  private final SparkSession spark;
  private final Path warehouse;
  private final Map<String, List<AddFile>> added = new HashMap<>();

  /** Runs in a session like the sync job's own (its Delta settings). */
  public BatchedCommits(SparkSession caller, Path warehouse) {
    this.spark = SyncJob.jobSession(caller);
    this.warehouse = warehouse;
  }

  /**
   * Writes every index's rows into a table of its own under the warehouse, creating or replacing
   * it: one Spark job for all, then one commit per table.
   *
   * @param rows the rows of all indices, with the column {@code _index} naming each row's index
   * @param replayed when replacing, list the replaced files from this object's memory of them
   *     instead of Delta's state rebuild
   * @return how many tables were committed
   */
  public int write(Dataset<Row> rows, boolean replayed) throws IOException {
    SparkSession.setActiveSession(spark);
    Path staging = warehouse.resolve("_staging-" + UUID.randomUUID());
    rows.write().partitionBy("_index").parquet(staging.toString());
    StructType schema = rows.drop("_index").schema();
    File[] folders = staging.toFile().listFiles(File::isDirectory);
    for (File folder : folders) {
      String index = folder.getName().substring("_index=".length());
      commit(index, schema, folder, replayed);
    }
    try (var paths = Files.walk(staging)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
    return folders.length;
  }

  /** The rows of one table as Delta reads it. */
  public long rows(String index) {
    return spark.read().format("delta").load(warehouse.resolve(index).toString()).count();
  }

  private void commit(String index, StructType schema, File folder, boolean replayed)
      throws IOException {
    Path table = warehouse.resolve(index);
    Files.createDirectories(table);
    DeltaLog log = DeltaLog.forTable(spark, table.toString());
    OptimisticTransaction txn = log.startTransaction();
    Metadata metadata =
        new Metadata(
            UUID.randomUUID().toString(),
            null,
            null,
            new Format("parquet", scalaMap(Map.of())),
            schema.json(),
            JavaConverters.asScalaBuffer(new ArrayList<String>()).toSeq(),
            scalaMap(Map.of("eslake.source.index", index, "eslake.key", "_id")),
            Option.apply(System.currentTimeMillis()));
    List<Action> actions = new ArrayList<>();
    boolean exists = txn.readVersion() >= 0;
    long now = System.currentTimeMillis();
    if (exists) {
      txn.updateMetadataForTableOverwrite(metadata);
      List<AddFile> old;
      if (replayed) {
        // The whole table is read for conflict checks, as filterFiles would have marked it.
        txn.readWholeTable();
        old = added.getOrDefault(index, List.of());
      } else {
        old = JavaConverters.seqAsJavaList(txn.filterFiles());
      }
      old.forEach(file -> actions.add(file.removeWithTimestamp(now, true)));
    } else {
      txn.updateMetadataForNewTable(metadata);
    }
    List<AddFile> adds = new ArrayList<>();
    for (File part : folder.listFiles((dir, name) -> name.endsWith(".parquet"))) {
      Path moved = Files.move(part.toPath(), table.resolve(part.getName()));
      adds.add(
          new AddFile(
              part.getName(),
              scalaMap(Map.of()),
              Files.size(moved),
              now,
              true,
              null,
              null,
              null,
              Option.empty(),
              Option.empty(),
              Option.empty()));
    }
    actions.addAll(adds);
    added.put(index, adds);
    DeltaOperations.Operation operation =
        exists
            ? new DeltaOperations.ReplaceTable(
                metadata, false, true, true, Option.empty(), Option.empty())
            : new DeltaOperations.CreateTable(metadata, false, true, Option.empty());
    txn.commit(JavaConverters.asScalaBuffer(actions).toSeq(), operation);
  }

  private static scala.collection.immutable.Map<String, String> scalaMap(Map<String, String> map) {
    scala.collection.immutable.Map<String, String> out =
        scala.collection.immutable.Map$.MODULE$.empty();
    for (Map.Entry<String, String> entry : map.entrySet()) {
      out = out.updated(entry.getKey(), entry.getValue());
    }
    return out;
  }
}

package io.eslake.spark;

import com.fasterxml.jackson.databind.JsonNode;
import io.eslake.client.ClusterClient;
import io.eslake.client.ClusterException;
import io.eslake.client.ConnectionSettings;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aggregates answered by the cluster's aggregations: one partition, whose reader asks for the
 * groups page by page on an executor and hands Spark one row per group. No document is read.
 */
final class AggregateScan implements Scan, Batch {

  private static final Logger LOG = LoggerFactory.getLogger(AggregateScan.class);

  private final AggregatePlan plan;
  private final ConnectionSettings connection;
  private final boolean severalIndices;
  private boolean announced;
  private List<String> indices;

  /**
   * @param severalIndices whether the name stands for several indices (a data stream, an alias),
   *     one of which may go away between two pages while the name stays
   */
  AggregateScan(AggregatePlan plan, ConnectionSettings connection, boolean severalIndices) {
    this.plan = plan;
    this.connection = connection;
    this.severalIndices = severalIndices;
  }

  @Override
  public StructType readSchema() {
    return plan.schema();
  }

  @Override
  public String description() {
    return "ElasticsearchScan[index="
        + plan.index()
        + ", aggregate="
        + plan.describe()
        + (plan.groups().isEmpty() ? "" : ", page_size=" + plan.pageSize())
        + (plan.query() == null ? "" : ", query=" + plan.query())
        + "]";
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  /**
   * The one partition. For a name of several indices read in pages of groups, the indices behind it
   * are listed once here, so that a page answered by fewer shards can name the index that went
   * away.
   */
  @Override
  public synchronized InputPartition[] planInputPartitions() {
    if (!announced) {
      // Spark may ask a scan for its partitions more than once while it plans one query.
      announced = true;
      LOG.info("Aggregating index '{}' on the cluster: {}", plan.index(), plan.describe());
      indices = List.of();
      if (severalIndices && !plan.groups().isEmpty()) {
        try (ClusterClient client = ClusterClient.shared(connection)) {
          indices = client.shardLayout(plan.index()).indices();
        }
      }
    }
    return new InputPartition[] {new Aggregated(plan, connection, indices)};
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new AggregateReaderFactory();
  }

  /**
   * The plan, carried to the executor that asks for it, with the indices behind the name when it
   * was planned (empty for one index).
   */
  record Aggregated(AggregatePlan plan, ConnectionSettings connection, List<String> indices)
      implements InputPartition {}

  /** Makes the reader of the one partition. */
  static final class AggregateReaderFactory implements PartitionReaderFactory {
    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
      return new AggregateReader((Aggregated) partition);
    }
  }

  /**
   * Reads the groups page by page; the client is opened with the first page and closed with the
   * reader. Each page is asked with the previous page's {@code after_key}. A page that fails
   * because the index was deleted or closed during the read says so (see {@link
   * ClusterClient#explainLostRead}), and so does a page answered by fewer shards than the first, as
   * when a data stream's backing index is deleted between two pages.
   */
  static final class AggregateReader implements PartitionReader<InternalRow> {
    private final AggregatePlan plan;
    private final ConnectionSettings connection;
    private final List<String> indices;
    private int shards = -1;
    private ClusterClient client;
    private Iterator<InternalRow> page = List.<InternalRow>of().iterator();
    private JsonNode after;
    private boolean asked;
    private InternalRow current;

    AggregateReader(Aggregated partition) {
      this.plan = partition.plan();
      this.connection = partition.connection();
      this.indices = partition.indices();
    }

    @Override
    public boolean next() {
      while (!page.hasNext()) {
        if (asked && after == null) {
          return false;
        }
        askNextPage();
      }
      current = page.next();
      return true;
    }

    private void askNextPage() {
      if (client == null) {
        client = ClusterClient.connect(connection);
      }
      JsonNode answer;
      try {
        answer = client.aggregate(plan.index(), plan.request(after), "aggregate the documents");
      } catch (ClusterException e) {
        // An index deleted or closed since the plan was made is named, as a scroll read names it.
        throw client.explainLostRead(plan.index(), e);
      }
      shards = client.checkSameShards(plan.index(), indices, shards, answer);
      asked = true;
      page = plan.rows(answer).iterator();
      after = plan.after(answer);
    }

    @Override
    public InternalRow get() {
      return current;
    }

    @Override
    public void close() {
      if (client != null) {
        client.close();
      }
    }
  }
}

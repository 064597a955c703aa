package io.eslake.spark;

import io.eslake.client.ClusterClient;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A COUNT(*) answered by the cluster's {@code _count}: asked on the driver when Spark plans the
 * partitions, then handed out as the one row of the one partition. No document is read.
 */
final class CountScan implements Scan, Batch {

  private static final Logger LOG = LoggerFactory.getLogger(CountScan.class);

  private static final StructType SCHEMA = new StructType().add("count(*)", DataTypes.LongType);

  private final String index;
  private final String query;
  private final ConnectorOptions options;

  /**
   * @param query the pushed WHERE conditions as JSON, or null for all documents
   */
  CountScan(String index, String query, ConnectorOptions options) {
    this.index = index;
    this.query = query;
    this.options = options;
  }

  @Override
  public StructType readSchema() {
    return SCHEMA;
  }

  @Override
  public String description() {
    return "ElasticsearchScan[index="
        + index
        + ", aggregate=COUNT(*) by _count"
        + (query == null ? "" : ", query=" + query)
        + "]";
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public InputPartition[] planInputPartitions() {
    long count;
    try (ClusterClient client = ClusterClient.shared(options.connection())) {
      count = client.count(index, query);
    }
    LOG.info("Counted {} documents in index '{}' with _count", count, index);
    return new InputPartition[] {new Counted(count)};
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new CountReaderFactory();
  }

  /** The count, carried to the executor that hands it to Spark. */
  record Counted(long count) implements InputPartition {}

  /** Makes the reader of the one row. */
  static final class CountReaderFactory implements PartitionReaderFactory {
    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
      long count = ((Counted) partition).count();
      return new PartitionReader<>() {
        private boolean done;

        @Override
        public boolean next() {
          boolean hasRow = !done;
          done = true;
          return hasRow;
        }

        @Override
        public InternalRow get() {
          return new GenericInternalRow(new Object[] {count});
        }

        @Override
        public void close() {}
      };
    }
  }
}

package io.eslake.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;

/** Sent to executors; makes one {@link SliceReader} per slice partition. */
final class SliceReaderFactory implements PartitionReaderFactory {

  private final StructType readSchema;
  private final boolean failOnMismatch;

  SliceReaderFactory(StructType readSchema, boolean failOnMismatch) {
    this.readSchema = readSchema;
    this.failOnMismatch = failOnMismatch;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    return new SliceReader((SlicePartition) partition, readSchema, failOnMismatch);
  }
}

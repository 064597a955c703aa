package io.eslake.spark;

import io.eslake.types.FieldMetadata;
import java.util.Arrays;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.types.StructType;

/** Collects what a query needs from an index before the scan is planned. Driver only. */
final class ElasticsearchScanBuilder implements ScanBuilder, SupportsPushDownRequiredColumns {

  private final String index;
  private final StructType tableSchema;
  private final ConnectorOptions options;
  private StructType readSchema;

  ElasticsearchScanBuilder(String index, StructType tableSchema, ConnectorOptions options) {
    this.index = index;
    this.tableSchema = tableSchema;
    this.options = options;
    this.readSchema = tableSchema;
  }

  /**
   * Reads only the required columns, unless they include the rescue column: what it holds depends
   * on every column (a value lands there when its own column cannot take it), so the whole table is
   * then read.
   */
  @Override
  public void pruneColumns(StructType requiredSchema) {
    boolean rescue = Arrays.stream(requiredSchema.fields()).anyMatch(FieldMetadata::isRescue);
    this.readSchema = rescue ? tableSchema : requiredSchema;
  }

  @Override
  public Scan build() {
    return new ElasticsearchScan(index, tableSchema, readSchema, options);
  }
}

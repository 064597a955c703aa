package io.eslake.spark;

import io.eslake.client.ClusterClient;
import io.eslake.client.ClusterException;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * One index, data stream or alias as a read-only table. Built by the catalog on the driver for each
 * query. The key is {@code _id}, or {@code (_index, _id)} when the table reads several indices.
 */
final class ElasticsearchTable implements SupportsRead {

  private final String index;
  private final TableListing.Kind kind;
  private final String key;
  private final StructType schema;
  private final ConnectorOptions options;
  private final RecentCount recentCount = new RecentCount();

  ElasticsearchTable(TableListing.Entry entry, StructType schema, ConnectorOptions options) {
    this.index = entry.name();
    this.kind = entry.kind();
    this.key = entry.readsSeveralIndices() ? "_index,_id" : "_id";
    this.schema = schema;
    this.options = options;
  }

  @Override
  public String name() {
    return index;
  }

  @Override
  @SuppressWarnings("deprecation")
  public StructType schema() {
    return schema;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return Set.of(TableCapability.BATCH_READ);
  }

  /**
   * The index, the key column and, under {@value ElasticsearchCatalog#DOCUMENTS_PROPERTY}, the
   * index's document count at the time of the call (one count request to the cluster), which a read
   * of the whole index planned within seconds uses to size its slices.
   */
  @Override
  public Map<String, String> properties() {
    long documents;
    try (ClusterClient client = ClusterClient.shared(options.connection())) {
      documents = client.count(index);
    } catch (ClusterException e) {
      if (kind == TableListing.Kind.INDEX && e.indexClosed()) {
        // Closed after it was listed: said as a closed table is, and the sync skips it.
        throw new ClosedIndexException(index);
      }
      throw e;
    }
    recentCount.record(documents);
    return Map.of(
        "es.index",
        index,
        "es.kind",
        kind.label(),
        "es.key",
        key,
        ElasticsearchCatalog.DOCUMENTS_PROPERTY,
        Long.toString(documents));
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap readOptions) {
    return new ElasticsearchScanBuilder(
        index, kind, schema, options.overriddenBy(readOptions.asCaseSensitiveMap()), recentCount);
  }
}

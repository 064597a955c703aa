package io.eslake.spark;

import io.eslake.client.ClusterClient;
import io.eslake.client.ConnectionSettings;
import io.eslake.client.ScrollQuery;
import io.eslake.client.ShardLayout;
import io.eslake.types.FieldMetadata;
import io.eslake.types.RowDecoder;
import io.eslake.types.SchemaConverter;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read of one index as a sliced scroll: one input partition per slice. Planned on the driver when
 * Spark asks for partitions; each partition then reads its slice on an executor.
 */
final class ElasticsearchScan implements Scan, Batch {

  private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchScan.class);

  /** The longest list of backing indices a search names, leaving room in a 4 KB request line. */
  static final int MAX_PINNED_LENGTH = 3000;

  private final String index;
  private final StructType readSchema;
  private final ConnectorOptions options;
  private final List<String> sourceIncludes;
  private final String query;
  private final int limit;
  private final String aggregateRefusal;
  private final RecentCount recentCount;

  /** What the name is: the indices behind a data stream or alias may change during a read. */
  private final TableListing.Kind kind;

  private InputPartition[] planned;

  /**
   * @param query the query selecting the documents, as JSON, or null for all
   * @param limit the most rows Spark needs, or 0 for all
   * @param aggregateRefusal why an aggregate Spark offered was left to Spark, or null
   * @param recentCount the table's last count, which a read of every document may size slices by
   */
  ElasticsearchScan(
      String index,
      TableListing.Kind kind,
      StructType tableSchema,
      StructType readSchema,
      ConnectorOptions options,
      String query,
      int limit,
      String aggregateRefusal,
      RecentCount recentCount) {
    this.index = index;
    this.readSchema = readSchema;
    this.options = options;
    this.sourceIncludes = sourceIncludes(tableSchema, readSchema);
    this.query = query;
    this.limit = limit;
    this.aggregateRefusal = aggregateRefusal;
    this.recentCount = recentCount;
    this.kind = kind;
  }

  @Override
  public StructType readSchema() {
    return readSchema;
  }

  @Override
  public String description() {
    String fields = sourceIncludes == null ? "all" : String.valueOf(sourceIncludes);
    String slices = options.slices() == 0 ? "auto" : String.valueOf(options.slices());
    return "ElasticsearchScan[index="
        + index
        + ", source="
        + fields
        + ", slices="
        + slices
        + ", page_size="
        + options.pageSize()
        + (query == null ? "" : ", query=" + query)
        + (limit == 0 ? "" : ", limit=" + limit)
        + (aggregateRefusal == null ? "" : ", aggregate not pushed: " + aggregateRefusal)
        + "]";
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return ReadMetrics.supported();
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  /**
   * Plans once per scan: Spark may ask again for the same scan (a write plans its query twice), and
   * each plan asks the cluster for the shard layout and a count (unless a read of every document
   * follows a count of the table within seconds, as in the sync job).
   */
  @Override
  public synchronized InputPartition[] planInputPartitions() {
    if (planned == null) {
      planned = plan();
    }
    return planned.clone();
  }

  private InputPartition[] plan() {
    ConnectionSettings connection = options.connection();
    ShardLayout layout;
    long documents;
    String server;
    boolean pinnable;
    try (ClusterClient client = ClusterClient.shared(connection)) {
      layout = client.shardLayout(index);
      long recent = query == null ? recentCount.fresh() : -1;
      documents = recent >= 0 ? recent : client.count(index, query);
      server = client.knownServer();
      // OpenSearch's security plugin may grant a data stream without its backing indices.
      pinnable = kind == TableListing.Kind.DATA_STREAM && !client.server().isOpenSearch();
    }
    int shards = layout.primaryShards();
    int slices = slices(layout, documents);
    if (limit > 0 && limit <= options.pageSize()) {
      slices = 1;
    }
    // Every slice must search the shards planned: a slice takes its shards by their place among
    // those its own search sees. A data stream's slices search its backing indices as planned, by
    // name, on Elasticsearch (which grants a stream's backing indices with it); an alias's (its
    // filter and routing apply) and the others must see as many shards as planned.
    String target = null;
    int searched = -1;
    if (slices > 1 && pinnable) {
      target = pinned(layout.indices());
    }
    if (slices > 1 && kind != TableListing.Kind.INDEX && target == null) {
      try (ClusterClient client = ClusterClient.shared(connection)) {
        searched = client.searchedShards(index);
      }
    }
    List<InputPartition> partitions = new ArrayList<>(slices);
    for (int slice = 0; slice < slices; slice++) {
      ScrollQuery sliceQuery =
          new ScrollQuery(
              index,
              sourceIncludes,
              options.pageSize(),
              options.scrollKeepAlive(),
              slice,
              slices,
              query,
              limit,
              target);
      partitions.add(new SlicePartition(sliceQuery, connection, layout.indices(), searched));
    }
    LOG.info(
        "Planned read of index '{}' on {}: {} in {}, {} of up to {} documents per page, source"
            + " {}, query {}, limit {}",
        index,
        server,
        documents == 1 ? "1 document" : documents + " documents",
        shards == 1 ? "1 primary shard" : shards + " primary shards",
        slices == 1 ? "1 slice" : slices + " slices",
        options.pageSize(),
        sourceIncludes == null ? "all" : sourceIncludes,
        query == null ? "none" : query,
        limit == 0 ? "none" : limit);
    return partitions.toArray(InputPartition[]::new);
  }

  /**
   * The backing indices as one comma-separated search target, or null when there are none or the
   * list would make a request line longer than a cluster accepts (4 KB by default): the slices then
   * search the stream by name, checked to see the planned shards.
   */
  static String pinned(List<String> indices) {
    String joined = String.join(",", indices);
    return indices.isEmpty() || joined.length() > MAX_PINNED_LENGTH ? null : joined;
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new SliceReaderFactory(readSchema, options.failOnMismatch());
  }

  /**
   * The slices option, or the automatic count; never more than the cluster allows one scroll, which
   * would refuse the read.
   */
  private int slices(ShardLayout layout, long documents) {
    int limit = layout.maxSlicesPerScroll();
    if (options.slices() > limit) {
      LOG.warn(
          "Reading index '{}' in {} slices instead of the {} asked: its index.max_slices_per_scroll"
              + " is {}",
          index,
          limit,
          options.slices(),
          limit);
      return limit;
    }
    return options.slices() > 0
        ? options.slices()
        : autoSlices(layout.primaryShards(), documents, limit);
  }

  /**
   * One slice per primary shard, since a slice count equal to the shard count splits by shard at no
   * cost to the cluster; more when shards are so large that a slice would take too long alone;
   * never more than the index's {@code index.max_slices_per_scroll}, which the cluster enforces.
   */
  static int autoSlices(int shards, long documents, int maxSlices) {
    long bySize =
        (documents + ConnectorOptions.DOCUMENTS_PER_SLICE - 1)
            / ConnectorOptions.DOCUMENTS_PER_SLICE;
    return (int) Math.min(maxSlices, Math.max(Math.max(1, shards), bySize));
  }

  /**
   * The {@code _source} paths a read schema needs: null when it needs the whole table, empty when
   * it needs no source field at all (only {@code _id}, or a count).
   */
  static List<String> sourceIncludes(StructType tableSchema, StructType readSchema) {
    if (!RowDecoder.needsSource(readSchema)) {
      return List.of();
    }
    if (readSchema.equals(tableSchema)) {
      return null;
    }
    List<String> paths = new ArrayList<>();
    for (StructField field : readSchema.fields()) {
      if (field.name().equals(SchemaConverter.ID_COLUMN) || SchemaConverter.isHitMetadata(field)) {
        continue;
      }
      collectPaths("", field, tableSchema.apply(field.name()), paths);
    }
    return paths;
  }

  /**
   * Adds the source path of a column, or of its required sub-fields when Spark pruned an object; a
   * compound value such as a geo_point is fetched whole, whatever parts are read.
   */
  private static void collectPaths(
      String parent, StructField read, StructField full, List<String> paths) {
    String path = parent + FieldMetadata.sourceName(full);
    StructType readStruct = structOf(read.dataType());
    StructType fullStruct = structOf(full.dataType());
    String esType = FieldMetadata.type(full);
    boolean object =
        esType.equals("object") || esType.equals("nested") || esType.equals("passthrough");
    if (!object || readStruct == null || readStruct.equals(fullStruct)) {
      paths.add(path);
      return;
    }
    for (StructField child : readStruct.fields()) {
      collectPaths(path + ".", child, fullStruct.apply(child.name()), paths);
    }
  }

  private static StructType structOf(DataType type) {
    if (type instanceof StructType struct) {
      return struct;
    }
    if (type instanceof ArrayType array && array.elementType() instanceof StructType struct) {
      return struct;
    }
    return null;
  }
}

package io.eslake.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * The benchmark's index: a Parquet file of the flights data loaded into an index of 3 primary
 * shards and no replicas, force-merged to one segment per shard so every read sees the same layout.
 * Loaded once: an index that already holds the file's row count is kept.
 */
final class BenchmarkIndex {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BULK_BYTES = 8 * 1024 * 1024;
  private static final int SHARDS = 3;

  private BenchmarkIndex() {}

  /**
   * Makes sure the index holds the file's rows.
   *
   * @return the number of documents in the index
   */
  static long ensureLoaded(
      SparkSession spark, LocalElasticsearch es, String index, String parquetFile) {
    Dataset<Row> rows = spark.read().parquet(parquetFile);
    long expected = rows.count();
    AdminClient admin = es.admin();
    if (admin.raw("HEAD", "/" + index, null, "application/json").status() == 200
        && admin.count(index) == expected) {
      System.out.printf("Index %s already holds %,d documents%n", index, expected);
      return expected;
    }
    long start = System.nanoTime();
    admin.recreateIndex(index, indexBody(rows));
    String url = es.url();
    String user = es.username();
    String password = es.password();
    rows.toJSON()
        .repartition(4)
        .foreachPartition(
            (ForeachPartitionFunction<String>) docs -> load(url, user, password, index, docs));
    admin.refresh(index);
    admin.send("POST", "/" + index + "/_forcemerge?max_num_segments=1", null);
    admin.refresh(index);
    long loaded = admin.count(index);
    System.out.printf(
        "Loaded %,d documents into %s in %.0f s%n",
        loaded, index, (System.nanoTime() - start) / 1e9);
    if (loaded != expected) {
      throw new IllegalStateException(
          "Index " + index + " holds " + loaded + " documents, the file " + expected);
    }
    return loaded;
  }

  private static void load(
      String url, String user, String password, String index, Iterator<String> docs) {
    AdminClient admin = new AdminClient(url, user, password, null);
    StringBuilder bulk = new StringBuilder();
    String action = "{\"index\":{\"_index\":\"" + index + "\"}}\n";
    while (docs.hasNext()) {
      bulk.append(action).append(docs.next()).append('\n');
      if (bulk.length() > BULK_BYTES) {
        admin.bulk(bulk.toString());
        bulk.setLength(0);
      }
    }
    if (bulk.length() > 0) {
      admin.bulk(bulk.toString());
    }
  }

  /** Settings and a mapping from the file's schema: strings as keywords. */
  private static String indexBody(Dataset<Row> rows) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("settings")
        .put("number_of_shards", SHARDS)
        .put("number_of_replicas", 0)
        .put("refresh_interval", "-1");
    ObjectNode properties = body.putObject("mappings").putObject("properties");
    for (StructField field : rows.schema().fields()) {
      properties.putObject(field.name()).put("type", esType(field.dataType()));
    }
    return body.toString();
  }

  private static String esType(DataType type) {
    if (type.equals(DataTypes.IntegerType) || type.equals(DataTypes.ShortType)) {
      return "integer";
    }
    if (type.equals(DataTypes.LongType)) {
      return "long";
    }
    if (type.equals(DataTypes.DoubleType)) {
      return "double";
    }
    if (type.equals(DataTypes.FloatType)) {
      return "float";
    }
    if (type.equals(DataTypes.BooleanType)) {
      return "boolean";
    }
    if (type.equals(DataTypes.TimestampType) || type.equals(DataTypes.DateType)) {
      return "date";
    }
    return "keyword";
  }

  /**
   * Makes sure {@code count} indices named prefix000, prefix001, ... hold {@code size} documents
   * each: a few flights fields with made-up values.
   */
  static void ensureMany(LocalElasticsearch es, String prefix, int count, int size) {
    AdminClient admin = es.admin();
    String pattern = prefix + "*";
    JsonNode existing = admin.send("GET", "/_cat/indices/" + pattern + "?format=json", null);
    long docs = 0;
    for (JsonNode index : existing) {
      docs += index.path("docs.count").asLong();
    }
    if (existing.size() == count && docs == (long) count * size) {
      System.out.printf("%d indices %s already hold %,d documents%n", count, pattern, docs);
      return;
    }
    admin.raw("DELETE", "/" + pattern, null, "application/json");
    String body =
        "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
            + "\"mappings\":{\"properties\":{\"delay\":{\"type\":\"integer\"},"
            + "\"distance\":{\"type\":\"integer\"},\"origin\":{\"type\":\"keyword\"},"
            + "\"date\":{\"type\":\"date\"}}}}";
    StringBuilder bulk = new StringBuilder();
    String[] airports = {"SEA", "SFO", "LAX", "JFK", "ORD", "ATL"};
    for (int i = 0; i < count; i++) {
      String index = String.format(java.util.Locale.ROOT, "%s%03d", prefix, i);
      admin.send("PUT", "/" + index, body);
      for (int doc = 0; doc < size; doc++) {
        bulk.append("{\"index\":{\"_index\":\"")
            .append(index)
            .append("\"}}\n{\"delay\":")
            .append((doc * 7 + i) % 180 - 20)
            .append(",\"distance\":")
            .append(100 + (doc * 13) % 2500)
            .append(",\"origin\":\"")
            .append(airports[(doc + i) % airports.length])
            .append("\",\"date\":\"2001-0")
            .append(1 + doc % 9)
            .append("-1")
            .append(doc % 10)
            .append("T10:00:00Z\"}\n");
        if (bulk.length() > BULK_BYTES) {
          admin.bulk(bulk.toString());
          bulk.setLength(0);
        }
      }
    }
    if (bulk.length() > 0) {
      admin.bulk(bulk.toString());
    }
    admin.refresh(pattern);
    System.out.printf("Created %d indices %s of %,d documents%n", count, pattern, size);
  }
}

package io.eslake.spark;

import io.eslake.client.ConnectionSettings;
import io.eslake.client.ScrollQuery;
import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One slice of an index read: serialized on the driver, read on an executor. Holds everything the
 * executor needs, so readers keep no state of the driver's.
 *
 * @param indices the concrete indices behind the name read, when the read was planned: a failure
 *     names those deleted or closed during the read
 * @param shards the shards a search of the name ran on when the read was planned, which the slice's
 *     first page must also run on for the slices to split the same shards; -1 when not checked (one
 *     index, whose shards do not change, or one slice)
 */
record SlicePartition(
    ScrollQuery query, ConnectionSettings connection, List<String> indices, int shards)
    implements InputPartition {

  SlicePartition {
    indices = List.copyOf(indices);
  }

  /** A slice of one index, or the only slice: its shards are not checked. */
  SlicePartition(ScrollQuery query, ConnectionSettings connection, List<String> indices) {
    this(query, connection, indices, -1);
  }
}

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
 */
record SlicePartition(ScrollQuery query, ConnectionSettings connection, List<String> indices)
    implements InputPartition {

  SlicePartition {
    indices = List.copyOf(indices);
  }
}

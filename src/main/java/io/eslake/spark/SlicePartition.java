package io.eslake.spark;

import io.eslake.client.ConnectionSettings;
import io.eslake.client.ScrollQuery;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One slice of an index read: serialized on the driver, read on an executor. Holds everything the
 * executor needs, so readers keep no state of the driver's.
 */
record SlicePartition(ScrollQuery query, ConnectionSettings connection) implements InputPartition {}

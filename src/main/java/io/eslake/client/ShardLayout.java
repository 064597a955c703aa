package io.eslake.client;

import java.util.List;

/**
 * How the indices behind a name are split, for planning a sliced read on the driver.
 *
 * @param primaryShards the primary shards across every concrete index, at least 1
 * @param maxSlicesPerScroll the most slices the cluster allows one scroll over them
 * @param indices the concrete indices behind the name (a data stream's backing indices, an alias's
 *     indices, or the index itself), as the cluster listed them
 */
public record ShardLayout(int primaryShards, int maxSlicesPerScroll, List<String> indices) {

  public ShardLayout {
    indices = List.copyOf(indices);
  }
}

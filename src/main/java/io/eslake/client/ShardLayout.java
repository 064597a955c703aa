package io.eslake.client;

/**
 * How the indices behind a name are split, for planning a sliced read on the driver.
 *
 * @param primaryShards the primary shards across every concrete index, at least 1
 * @param maxSlicesPerScroll the most slices the cluster allows one scroll over them
 */
public record ShardLayout(int primaryShards, int maxSlicesPerScroll) {}

package io.eslake.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.IntegrationTest;
import io.eslake.local.AdminClient;
import io.eslake.spark.ConnectorOptions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Answers in which some shards failed: two indices map {@code msg} as a keyword and as a long, so a
 * term query for a word fails on the long one's shard while the keyword one answers.
 */
class PartialAnswersIT extends IntegrationTest {

  private static final String BOTH = "partial-words,partial-numbers";

  @BeforeAll
  static void createIndices() {
    admin()
        .recreateIndex(
            "partial-words",
            "{\"settings\":{\"number_of_replicas\":0},"
                + "\"mappings\":{\"properties\":{\"msg\":{\"type\":\"keyword\"}}}}");
    admin()
        .recreateIndex(
            "partial-numbers",
            "{\"settings\":{\"number_of_replicas\":0},"
                + "\"mappings\":{\"properties\":{\"msg\":{\"type\":\"long\"}}}}");
    admin()
        .bulk(
            AdminClient.indexAction("partial-words", "w1")
                + "{\"msg\":\"first\"}\n"
                + AdminClient.indexAction("partial-numbers", "n1")
                + "{\"msg\":7}\n");
    admin().refresh(BOTH);
  }

  private static ClusterClient client() {
    Map<String, String> options = new HashMap<>();
    options.put("url", es().url());
    if (es().secured()) {
      options.put("username", es().username());
      options.put("password", es().password());
    }
    return ClusterClient.connect(ConnectorOptions.of(options).connection());
  }

  @Test
  void aCountThatAShardFailedToAnswerFailsInsteadOfPassingForTheWhole() {
    String word = "{\"term\":{\"msg\":\"first\"}}";
    assertEquals(
        "1",
        admin()
            .send("POST", "/" + BOTH + "/_count", "{\"query\":" + word + "}")
            .path("_shards")
            .path("failed")
            .asText(),
        "the cluster answers with one failed shard and a count of the others");
    try (ClusterClient client = client()) {
      ClusterException e = assertThrows(ClusterException.class, () -> client.count(BOTH, word));
      assertTrue(
          e.getMessage().contains("1 of 2 shards failed to answer the count"), e.getMessage());
      assertTrue(e.getMessage().contains("partial-words,partial-numbers"), e.getMessage());
      assertEquals(2, client.count(BOTH), "a count every shard answers still counts");
    }
  }

  @Test
  void anAggregationThatFailsWhileReducingSaysWhy() {
    String body =
        "{\"size\":0,\"aggs\":{\"g\":{\"composite\":{\"sources\":"
            + "[{\"msg\":{\"terms\":{\"field\":\"msg\"}}}]}}}}";
    try (ClusterClient client = client()) {
      ClusterException e =
          assertThrows(
              ClusterException.class,
              () -> client.aggregate(BOTH, body, "aggregate the documents"));
      assertTrue(e.getMessage().startsWith("Cannot aggregate the documents of"), e.getMessage());
      assertTrue(e.getMessage().contains("exception"), e.getMessage());
    }
  }
}

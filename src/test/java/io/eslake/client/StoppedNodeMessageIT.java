package io.eslake.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.IntegrationTest;
import io.eslake.local.RecordingProxy;
import io.eslake.spark.ConnectorOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node that answered and then stops taking connections (here: a proxy in front of the real
 * cluster, closed after one answer) is said to have stopped, not to need its URL checked: the URL
 * worked a moment before.
 */
class StoppedNodeMessageIT extends IntegrationTest {

  @Test
  void aNodeThatAnsweredAndThenRefusesIsSaidToHaveStopped() throws Exception {
    RecordingProxy proxy = new RecordingProxy(es().url());
    ConnectionSettings settings =
        ConnectorOptions.of(
                Map.of(
                    "url",
                    proxy.url(),
                    "username",
                    es().username(),
                    "password",
                    es().password(),
                    "max_retries",
                    "0"))
            .connection();
    ClusterException failure;
    try (ClusterClient client = ClusterClient.connect(settings)) {
      client.resolve("*", false);
      proxy.close();
      failure = assertThrows(ClusterException.class, () -> client.resolve("*", false));
    }

    assertTrue(
        failure.getMessage().startsWith("Cannot connect to " + proxy.url()), failure.getMessage());
    assertTrue(
        failure.getMessage().contains("which answered earlier: the node stopped or is restarting"),
        failure.getMessage());
    assertFalse(failure.getMessage().contains("Check the URL"), failure.getMessage());
  }
}

package io.eslake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eslake.local.AdminClient;
import io.eslake.local.LocalElasticsearch;
import io.eslake.local.LocalSpark;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;

/**
 * Base of the tests that run against a real Elasticsearch and a real local Spark. Both are started
 * once per test JVM and shared; each test class works on indices of its own names.
 */
public abstract class IntegrationTest {

  /** Whether this JVM's tests have used the shared cluster, so that it is worth checking. */
  private static volatile boolean clusterUsed;

  protected static LocalElasticsearch es() {
    clusterUsed = true;
    return LocalElasticsearch.shared();
  }

  /**
   * After every test the shared cluster holds no open scroll or point-in-time context: the product
   * clears each one it opens, also when a read fails or its task is killed. Spark kills a failed
   * job's other tasks without waiting, so their readers get a few seconds to clear theirs.
   */
  @AfterEach
  void noSearchContextLeftOpen() {
    if (!clusterUsed) {
      return;
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (admin().openSearchContexts() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
    assertEquals(0, admin().openSearchContexts(), "search contexts left open on the cluster");
  }

  /**
   * Adds a file-realm user whose one role may read some indices and only see others ({@code
   * view_index_metadata}), and waits until the role takes effect. Skips the test where the cluster
   * takes no file-realm users.
   */
  protected static void fileRealmUser(
      String user, String password, List<String> readable, List<String> seenOnly) {
    String role = user.replace('-', '_');
    boolean added =
        es().addRoles(
                    String.join(
                        "\n",
                        role + ":",
                        "  indices:",
                        "    - names: " + yamlList(readable),
                        "      privileges: ['read', 'view_index_metadata']",
                        "    - names: " + yamlList(seenOnly),
                        "      privileges: ['view_index_metadata']"))
            && es().addFileUser(user, password, List.of(role));
    org.junit.jupiter.api.Assumptions.assumeTrue(added, "needs a file realm");
    LocalElasticsearch.waitUntil(
        () -> es().status("/" + readable.get(0) + "/_count", user, password) == 200,
        Duration.ofSeconds(30),
        "the role of " + user + " to take effect");
  }

  private static String yamlList(List<String> names) {
    return "[" + String.join(", ", names.stream().map(n -> "'" + n + "'").toList()) + "]";
  }

  protected static AdminClient admin() {
    return es().admin();
  }

  protected static SparkSession spark() {
    return LocalSpark.session();
  }

  /** Registers the catalog under a name, pointed at the shared cluster as its administrator. */
  protected static String registerCatalog(String name) {
    return registerCatalog(name, es().url());
  }

  /** Registers the catalog under a name, pointed at a given URL with the admin credentials. */
  protected static String registerCatalog(String name, String url) {
    SparkSession spark = spark();
    String prefix = "spark.sql.catalog." + name;
    spark.conf().set(prefix, "io.eslake.spark.ElasticsearchCatalog");
    spark.conf().set(prefix + ".url", url);
    if (es().secured()) {
      spark.conf().set(prefix + ".username", es().username());
      spark.conf().set(prefix + ".password", es().password());
    }
    return name;
  }
}

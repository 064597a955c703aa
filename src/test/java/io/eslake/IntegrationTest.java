package io.eslake;

import io.eslake.local.AdminClient;
import io.eslake.local.LocalElasticsearch;
import io.eslake.local.LocalSpark;
import org.apache.spark.sql.SparkSession;

/**
 * Base of the tests that run against a real Elasticsearch and a real local Spark. Both are started
 * once per test JVM and shared; each test class works on indices of its own names.
 */
public abstract class IntegrationTest {

  protected static LocalElasticsearch es() {
    return LocalElasticsearch.shared();
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

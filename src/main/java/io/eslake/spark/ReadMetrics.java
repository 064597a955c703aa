package io.eslake.spark;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * The read's own metrics, shown per scan in the SQL tab of the Spark UI: documents, scroll pages
 * and response bytes read, and requests retried. Slice readers report their running totals on
 * executors; Spark sends them to the driver with each executor heartbeat ({@code
 * spark.executor.heartbeatInterval}) and when a task ends, where the sync job's progress reads them
 * by their descriptions.
 *
 * <p>Spark creates the metric classes by name on the driver, so they are public with a public
 * no-argument constructor.
 */
public final class ReadMetrics {

  /** The description of the documents metric, by which listeners find it. */
  public static final String DOCUMENTS = "documents read from Elasticsearch";

  /** The description of the pages metric. */
  public static final String PAGES = "scroll pages read from Elasticsearch";

  /** The description of the metric counting documents with a value in the rescue column. */
  public static final String RESCUED = "documents with values in _rescued";

  /** The description of the bytes metric. */
  public static final String BYTES = "response bytes read from Elasticsearch";

  /** The description of the retries metric. */
  public static final String RETRIES = "requests retried by the Elasticsearch client";

  private ReadMetrics() {}

  static CustomMetric[] supported() {
    return new CustomMetric[] {
      new Documents(), new Pages(), new Bytes(), new Rescued(), new Retries()
    };
  }

  static CustomTaskMetric[] current(
      long documents, long pages, long bytes, long rescued, long retries) {
    return new CustomTaskMetric[] {
      new Value(Documents.NAME, documents),
      new Value(Pages.NAME, pages),
      new Value(Bytes.NAME, bytes),
      new Value(Rescued.NAME, rescued),
      new Value(Retries.NAME, retries)
    };
  }

  /** A sum over a scan's tasks, named for the UI. */
  abstract static class Sum extends CustomSumMetric {
    private final String name;
    private final String description;

    Sum(String name, String description) {
      this.name = name;
      this.description = description;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String description() {
      return description;
    }
  }

  /** Documents decoded into rows. */
  public static final class Documents extends Sum {
    static final String NAME = "esDocuments";

    public Documents() {
      super(NAME, DOCUMENTS);
    }
  }

  /** Scroll pages read; an empty last page only when the count does not say the slice is done. */
  public static final class Pages extends Sum {
    static final String NAME = "esPages";

    public Pages() {
      super(NAME, PAGES);
    }
  }

  /** Bytes of search responses parsed. */
  public static final class Bytes extends Sum {
    public static final String NAME = "esBytes";

    public Bytes() {
      super(NAME, BYTES);
    }
  }

  /**
   * Documents read with a value in the rescue column. The sync job reads its rescue report back
   * from the written table only when this is not zero.
   */
  public static final class Rescued extends Sum {
    public static final String NAME = "esRescued";

    public Rescued() {
      super(NAME, RESCUED);
    }
  }

  /**
   * Requests the slice's client sent again after the cluster refused them for the moment (429, 502,
   * 503, 504) or a node that answered before dropped the connection: a cluster under load shows
   * here before it fails a read.
   */
  public static final class Retries extends Sum {
    static final String NAME = "esRetries";

    public Retries() {
      super(NAME, RETRIES);
    }
  }

  private record Value(String name, long value) implements CustomTaskMetric {}
}

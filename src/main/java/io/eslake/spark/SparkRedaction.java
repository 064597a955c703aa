package io.eslake.spark;

import java.util.List;
import org.apache.spark.sql.internal.SQLConf;
import scala.Tuple2;
import scala.collection.JavaConverters;

/** Spark's own rule for which configuration values its UI, logs and event logs must hide. */
public final class SparkRedaction {

  /** What Spark shows in place of a hidden value. */
  public static final String REDACTED = "*********(redacted)";

  private static final String PROBE = "eslake-redaction-probe";

  private SparkRedaction() {}

  /**
   * Whether Spark would hide the value of a configuration key: it matches spark.redaction.regex or
   * spark.sql.redaction.options.regex in the active session's configuration.
   */
  public static boolean hides(String confKey) {
    // The Seq type differs between Scala 2.12 and 2.13: inferred, the call compiles on both.
    var entry = JavaConverters.asScalaBuffer(List.of(new Tuple2<>(confKey, PROBE))).toSeq();
    var redacted = SQLConf.get().redactOptions(entry);
    return !PROBE.equals(redacted.head()._2());
  }
}

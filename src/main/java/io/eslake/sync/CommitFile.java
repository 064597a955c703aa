package io.eslake.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One commit file of a table's Delta log, as the sync reads it in the driver: the commit's {@code
 * commitInfo} and its {@code add} actions. Reading the file the sync has just written, or the one
 * its replace will follow, costs a small file instead of a Spark job over the table's history.
 *
 * @param info the commit's commitInfo, or a missing node when it has none
 * @param adds each add action, as its JSON line
 */
record CommitFile(JsonNode info, List<String> adds) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The commit file of a version in a log folder. */
  static Path of(Path log, long version) {
    return new Path(log, String.format(Locale.ROOT, "%020d.json", version));
  }

  static CommitFile read(FileSystem fs, Path file) throws IOException {
    JsonNode info = JSON.missingNode();
    List<String> adds = new ArrayList<>();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        JsonNode action = JSON.readTree(line);
        if (action.has("commitInfo")) {
          info = action.path("commitInfo");
        } else if (action.has("add")) {
          adds.add(line);
        }
      }
    }
    return new CommitFile(info, List.copyOf(adds));
  }

  /**
   * Whether the commit wrote the whole table: a creation or replacement from a query (CREATE TABLE,
   * REPLACE TABLE or CREATE OR REPLACE TABLE AS SELECT), after which the table's files are those
   * the commit added.
   */
  boolean wroteWholeTable() {
    return info.path("operation").asText().endsWith("TABLE AS SELECT");
  }

  /** The rows a commit that wrote the whole table wrote, from its metrics, or null. */
  Long outputRows() {
    JsonNode rows = info.path("operationMetrics").path("numOutputRows");
    return wroteWholeTable() && rows.isTextual() ? Long.valueOf(rows.asText()) : null;
  }
}

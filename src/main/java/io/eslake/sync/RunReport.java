package io.eslake.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report of a run, kept in the warehouse folder so that the next run can sync only the indices
 * that failed ({@code --only-failed}). Written on the driver after every index was tried, replaced
 * by a rename so that a reader never sees half a report. Holds index names and one-line errors,
 * never a secret.
 */
final class RunReport {

  /** The report's file name; a dot keeps it apart from table folders, whose names have none. */
  static final String FILE_NAME = ".eslake-last-run.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private RunReport() {}

  static Path file(String warehouse) {
    return Path.of(warehouse).toAbsolutePath().normalize().resolve(FILE_NAME);
  }

  /** What the report says of an index whose run ended before it finished. */
  static final String NOT_FINISHED =
      "the run ended before this index finished (stopped or killed); no new version was committed"
          + " unless its table says otherwise";

  /**
   * Writes the report of a run that is starting: every index not finished, so that a run that is
   * killed leaves them all to {@code --only-failed}, not the report of the run before.
   *
   * @param tables each index's table as results show it (a folder or {@code database.table})
   */
  static void writeStarted(Path file, Map<String, String> tables) throws IOException {
    List<IndexResult> results = new ArrayList<>();
    tables.forEach(
        (index, table) -> results.add(IndexResult.failure(index, table, 0, NOT_FINISHED)));
    write(file, results);
  }

  /** Writes the results of a run; a failure to write is logged by the caller, not fatal. */
  static void write(Path file, List<IndexResult> results) throws IOException {
    ObjectNode root = JSON.createObjectNode().put("finished", Instant.now().toString());
    ArrayNode indices = root.putArray("indices");
    for (IndexResult result : results) {
      ObjectNode entry =
          indices
              .addObject()
              .put("index", result.index())
              .put("table", result.table())
              .put("succeeded", result.succeeded())
              .put("status", result.status())
              .put("rows", result.rows());
      if (result.error() != null) {
        entry.put("error", result.error());
      }
    }
    Files.createDirectories(file.getParent());
    Path temporary = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
    Files.writeString(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    Files.move(
        temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The indices that failed in the last run.
   *
   * @throws UsageException when there is no readable report
   */
  static List<String> failedIndices(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UsageException(
          "Cannot rerun the failed indices: no report of a previous run at "
              + file
              + ". Run without --only-failed first, with the same --warehouse.");
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> failed = new ArrayList<>();
    for (JsonNode entry : root.path("indices")) {
      // A skipped index (closed) did not fail: rerunning it would skip it again.
      if ("failed".equals(entry.path("status").asText("failed"))
          && !entry.path("succeeded").asBoolean(true)) {
        failed.add(entry.path("index").asText());
      }
    }
    return failed;
  }
}

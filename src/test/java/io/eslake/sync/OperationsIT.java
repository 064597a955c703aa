package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.eslake.CapturedLogs;
import io.eslake.IntegrationTest;
import io.eslake.local.AdminClient;
import io.eslake.local.RecordingProxy;
import io.eslake.local.SampleData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress, the run history, the JSON report and check mode, against a real cluster. */
class OperationsIT extends IntegrationTest {

  @TempDir Path warehouse;

  @BeforeAll
  static void loadRealData() {
    SampleData data = SampleData.fetch();
    data.loadFlights(admin(), "ops-flights", "flights-20k.json", 3);
    data.loadMovies(admin(), "ops-movies");
  }

  private SyncJobIT.Run run(String... extra) {
    return SyncJobIT.run(SyncJobIT.argsFor(warehouse, es().password(), extra));
  }

  private List<Row> history() {
    return SyncJobIT.delta(warehouse, "sync_runs").orderBy("started_at", "index").collectAsList();
  }

  /**
   * The history and the JSON report say per field how many documents had values rescued, so a
   * scheduled run's record shows it, not only its console; a history table written before that
   * column existed takes it on the next run.
   */
  @Test
  void theHistoryAndTheReportCountRescuedValuesAlsoInAnOlderHistoryTable() throws IOException {
    SyncJobIT.indexWithMalformedNumbers("ops-rescued", "1", "\"many\"", "\"more\"");
    StructType older =
        new StructType(
            java.util.Arrays.stream(RunHistory.SCHEMA.fields())
                .filter(field -> !field.name().equals("rescued") && !field.name().equals("notes"))
                .toArray(StructField[]::new));
    spark()
        .createDataFrame(List.of(), older)
        .write()
        .format("delta")
        .save(warehouse.resolve("sync_runs").toString());
    Path report = warehouse.resolve("run.json");

    SyncJobIT.Run run = run("--indices", "ops-rescued", "--report", report.toString());

    assertEquals(0, run.code(), run.err() + run.out());
    Row row = history().get(0);
    assertEquals(Map.of("n", 2L), row.getJavaMap(row.fieldIndex("rescued")));
    assertNull(row.getAs("notes"), "the notes column too came with the schema merge");
    JsonNode written = new ObjectMapper().readTree(report.toFile());
    assertEquals(2, written.path("indices").get(0).path("rescued").path("n").asLong());
  }

  /**
   * What a result line notes besides (here a column the mapping gained between two runs) is kept in
   * the history's and the report's notes, not only on the console.
   */
  @Test
  void theHistoryAndTheReportKeepTheResultLinesNotes() throws IOException {
    admin()
        .recreateIndex(
            "ops-noted", "{\"mappings\":{\"properties\":{\"a\":{\"type\":\"keyword\"}}}}");
    admin().bulk(AdminClient.indexAction("ops-noted", 1) + "{\"a\":\"x\"}\n");
    admin().refresh("ops-noted");
    Path report = warehouse.resolve("noted.json");
    run("--indices", "ops-noted");
    admin().send("PUT", "/ops-noted/_mapping", "{\"properties\":{\"b\":{\"type\":\"long\"}}}");

    SyncJobIT.Run second = run("--indices", "ops-noted", "--report", report.toString());

    assertEquals(0, second.code(), second.err() + second.out());
    String notes = history().get(1).getAs("notes");
    assertTrue(notes != null && notes.startsWith("schema: added b"), notes);
    assertTrue(second.out().contains(notes), second.out());
    JsonNode written = new ObjectMapper().readTree(report.toFile());
    assertEquals(notes, written.path("indices").get(0).path("notes").asText());
  }

  @Test
  void everyRunAppendsOneRowPerIndexThatMatchesItsDeltaTable() throws IOException {
    Path report = warehouse.resolve("reports/run.json");
    String[] args = {"--indices", "ops-flights,ops-movies", "--report", report.toString()};

    SyncJobIT.Run first = run(args);
    SyncJobIT.Run second = run(args);

    assertEquals(0, first.code(), first.err() + first.out());
    assertEquals(0, second.code(), second.err() + second.out());
    List<Row> rows = history();
    assertEquals(4, rows.size(), rows.toString());
    for (Row row : rows) {
      String index = row.getAs("index");
      long deltaRows = SyncJobIT.delta(warehouse, index.replace('-', '_')).count();
      assertEquals(RunRecord.OK, row.getAs("status"));
      assertEquals(deltaRows, (long) row.getAs("rows"), "history rows match the Delta table");
      assertEquals(admin().count(index), (long) row.getAs("index_count"));
      assertTrue((long) row.getAs("bytes") > 0, "bytes come from the read's metrics");
      assertTrue((double) row.getAs("seconds") > 0);
      assertEquals(warehouse.resolve(index.replace('-', '_')).toString(), row.getAs("table"));
      assertNull(row.getAs("error"));
      assertNull(row.getAs("notes"), "nothing to note");
    }
    assertEquals("created", rows.get(0).getAs("schema_changes"));
    assertEquals("none", rows.get(3).getAs("schema_changes"), "a resync changes no column");
    String firstRun = rows.get(0).getAs("run_id");
    String secondRun = rows.get(3).getAs("run_id");
    assertEquals(firstRun, rows.get(1).getAs("run_id"));
    assertNotEquals(firstRun, secondRun);
    assertTrue(second.out().contains("(run " + secondRun + ")"), second.out());

    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertEquals(secondRun, json.path("run_id").asText());
    assertEquals("ok", json.path("status").asText());
    assertEquals(2, json.path("indices").size());
    for (JsonNode index : json.path("indices")) {
      Row row =
          rows.stream()
              .filter(r -> r.getAs("run_id").equals(secondRun))
              .filter(r -> r.getAs("index").equals(index.path("index").asText()))
              .findFirst()
              .orElseThrow();
      assertEquals((long) row.getAs("rows"), index.path("rows").asLong());
      assertEquals((long) row.getAs("index_count"), index.path("index_count").asLong());
      assertEquals((long) row.getAs("bytes"), index.path("bytes").asLong());
      assertEquals((String) row.getAs("table"), index.path("table").asText());
    }
    String everything = Files.readString(report) + rows;
    assertFalse(everything.contains(es().password()), "no secret in the report or history");
  }

  @Test
  void aFailedIndexIsRecordedWithItsErrorAndSchemaChangesAreNamed() {
    admin()
        .recreateIndex(
            "ops-evolving",
            "{\"mappings\":{\"properties\":{\"n\":"
                + "{\"type\":\"long\",\"ignore_malformed\":true}}}}");
    admin().bulk("{\"index\":{\"_index\":\"ops-evolving\",\"_id\":\"1\"}}\n{\"n\":1}\n");
    admin().refresh("ops-evolving");
    assertEquals(0, run("--indices", "ops-evolving").code());

    admin()
        .send(
            "PUT", "/ops-evolving/_mapping", "{\"properties\":{\"label\":{\"type\":\"keyword\"}}}");
    admin().bulk("{\"index\":{\"_index\":\"ops-evolving\",\"_id\":\"2\"}}\n{\"n\":\"many\"}\n");
    admin().refresh("ops-evolving");
    SyncJobIT.Run failed = run("--indices", "ops-evolving", "--on-mismatch", "fail");
    SyncJobIT.Run evolved = run("--indices", "ops-evolving");

    assertEquals(1, failed.code(), failed.out());
    assertEquals(0, evolved.code(), evolved.err());
    List<Row> rows = history();
    assertEquals(3, rows.size());
    Row failure = rows.get(1);
    assertEquals(RunRecord.FAILED, failure.getAs("status"));
    assertEquals(-1L, (long) failure.getAs("rows"));
    assertEquals(2L, (long) failure.getAs("index_count"));
    assertTrue(((String) failure.getAs("error")).contains("--on-mismatch"), failure.toString());
    assertEquals("added label", rows.get(2).getAs("schema_changes"));
  }

  @Test
  void checkModeListsWhatWouldBeSyncedAndWritesNothing() throws IOException {
    SyncJobIT.Run check = run("--indices", "ops-*", "--exclude", "ops-evolving", "--check");

    assertEquals(0, check.code(), check.err() + check.out());
    assertTrue(
        check
            .out()
            .contains(
                String.format(
                    "%-30s %,15d  %s", "ops-flights", 20_000, warehouse.resolve("ops_flights"))),
        check.out());
    assertTrue(check.out().contains("ops-movies"), check.out());
    assertTrue(check.out().contains("Check OK: nothing was written."), check.out());
    try (Stream<Path> files = Files.list(warehouse)) {
      assertEquals(
          List.of(), files.filter(f -> !f.getFileName().toString().startsWith("secret")).toList());
    }

    SyncJobIT.Run refused =
        SyncJobIT.run(SyncJobIT.argsFor(warehouse, "wrong-password", "--check"));
    assertEquals(3, refused.code(), refused.err());
    assertTrue(refused.err().contains("401"), refused.err());
  }

  @Test
  void checkModeLeavesAClosedIndexOutOfTheCountAndKeepsItsColumns() {
    admin().recreateIndex("ops-closed", "{}");
    admin().send("POST", "/ops-closed/_close", null);

    SyncJobIT.Run check = run("--indices", "ops-closed,ops-movies", "--check");

    assertEquals(0, check.code(), check.err() + check.out());
    List<String> lines = check.out().lines().toList();
    assertEquals(
        "Connected; credentials accepted. 1 index would be synced (1 closed index skipped):",
        lines.get(0));
    int documents = lines.get(1).indexOf("documents") + "documents".length();
    String closed = lines.stream().filter(l -> l.startsWith("ops-closed ")).findFirst().get();
    String movies = lines.stream().filter(l -> l.startsWith("ops-movies ")).findFirst().get();
    assertEquals(documents, closed.indexOf(" closed ") + " closed".length(), check.out());
    assertEquals(documents, movies.indexOf("3,201") + "3,201".length(), check.out());
    assertTrue(closed.endsWith("skipped: a closed index is not synced"), closed);
  }

  @Test
  void freshUserMistakesAreOneLineThatNamesTheFlag() throws IOException {
    SyncJobIT.Run noPasswordFile =
        SyncJobIT.run(
            "--url",
            es().url(),
            "--username",
            "elastic",
            "--password-file",
            warehouse.resolve("no-such-file").toString(),
            "--warehouse",
            warehouse.toString());
    Path aFile = Files.writeString(warehouse.resolve("a-file"), "x");
    SyncJobIT.Run unwritableReport =
        run("--indices", "ops-movies", "--report", aFile.resolve("run.json").toString());

    assertEquals(2, noPasswordFile.code(), noPasswordFile.err());
    assertTrue(noPasswordFile.err().contains("named by --password-file"), noPasswordFile.err());
    assertFalse(noPasswordFile.err().contains("password_file"), noPasswordFile.err());
    // Refused when the run starts, before any index is synced, not after the whole run.
    assertEquals(2, unwritableReport.code(), unwritableReport.err());
    assertFalse(unwritableReport.out().contains("ops-movies ->"), unwritableReport.out());
    assertEquals(
        "eslake sync: Cannot write the report to "
            + aFile.resolve("run.json")
            + ": "
            + aFile
            + " exists and is not a folder. Give --report a file in a folder this user may"
            + " write to.",
        unwritableReport.err().strip());
  }

  /** A proxy that holds every scroll page back a little, so a read lasts several seconds. */
  static final class SlowScrollProxy extends RecordingProxy {
    private final long delayMillis;

    SlowScrollProxy(String target) throws IOException {
      this(target, 60);
    }

    SlowScrollProxy(String target, long delayMillis) throws IOException {
      super(target);
      this.delayMillis = delayMillis;
    }

    @Override
    protected void forward(HttpExchange exchange, Exchange recorded, byte[] body)
        throws IOException {
      if (recorded.pathAndQuery().contains("scroll")) {
        try {
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      super.forward(exchange, recorded, body);
    }
  }

  @Test
  void progressFollowsTheReadFromTaskMetrics() throws IOException {
    Pattern counted = Pattern.compile(": ([0-9,]+) of 20,000 documents \\(([0-9]+)%\\)");
    try (SlowScrollProxy proxy = new SlowScrollProxy(es().url());
        CapturedLogs logs = CapturedLogs.start(Level.INFO, SyncProgress.class.getName())) {
      String catalog = registerCatalog("ops_slow", proxy.url());
      spark().conf().set("spark.sql.catalog." + catalog + ".page_size", "250");
      String description = "sync 1/1: ops-flights -> progress test";
      spark().sparkContext().setJobDescription(description);
      long started = System.nanoTime();
      SyncProgress progress =
          new SyncProgress(spark().sparkContext(), description, 20_000, null, 0.5);
      try {
        spark().table(catalog + ".`ops-flights`").write().format("noop").mode("overwrite").save();
        progress.settle(20_000);
      } finally {
        progress.close();
        spark().sparkContext().setJobDescription(null);
      }
      double seconds = (System.nanoTime() - started) / 1e9;

      assertEquals(20_000, progress.documents());
      assertTrue(progress.bytes() > 1_000_000, "bytes: " + progress.bytes());
      List<Long> seen = new ArrayList<>();
      for (String line : logs.containing(description)) {
        Matcher m = counted.matcher(line);
        assertTrue(m.find(), line);
        seen.add(Long.parseLong(m.group(1).replace(",", "")));
      }
      assertTrue(seen.size() >= seconds / 0.5 - 2, seen + " in " + seconds + " s");
      for (int i = 1; i < seen.size(); i++) {
        assertTrue(seen.get(i) >= seen.get(i - 1), "never goes back: " + seen);
      }
      assertTrue(
          seen.stream().anyMatch(n -> n > 0 && n < 20_000),
          "documents read while the read runs: " + seen + " in " + seconds + " s");
    }
  }

  @Test
  void onATerminalTheProgressLineIsRedrawnInPlaceAndEndedBeforeTheResult() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code;
    try (SlowScrollProxy proxy = new SlowScrollProxy(es().url(), 1_500)) {
      SyncConfig config =
          SyncArguments.parse(
              SyncJobIT.argsFor(
                  warehouse, es().password(), "--url", proxy.url(), "--indices", "ops-movies"),
              Map.of());
      code = new SyncJob(spark(), config, console, true).syncAll(console);
    }

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    String result = "ops-movies -> " + warehouse.resolve("ops_movies") + ": 3,201 rows in ";
    int progressEnd = out.indexOf(System.lineSeparator() + result);
    assertTrue(progressEnd > 0, "the progress line ends before the result line: " + out);
    String progress = out.substring(out.indexOf('\r'), progressEnd);
    String[] draws = progress.substring(1).split("\r", -1);
    assertTrue(draws.length >= 3, "redrawn every second while the read waits: " + progress);
    for (int i = 0; i < draws.length; i++) {
      assertTrue(draws[i].startsWith("sync 1/1: ops-movies -> "), draws[i]);
      if (i > 0) {
        assertTrue(draws[i].length() >= draws[i - 1].strip().length(), "covers the last text");
      }
    }
    assertTrue(draws[draws.length - 1].contains("3,201 of 3,201 documents (100%)"), progress);
    assertFalse(draws[draws.length - 1].contains("left"), "the last draw says what was done");
    assertFalse(out.contains("\u001b"), "no escape sequences");
  }

  @Test
  void theSyncJobShowsProgressWhileAnIndexSyncs() {
    try (CapturedLogs logs = CapturedLogs.start(Level.INFO, SyncProgress.class.getName())) {
      SyncJobIT.Run run = run("--indices", "ops-flights", "--progress-interval", "0.1");
      assertEquals(0, run.code(), run.err());
      List<String> lines = logs.containing("sync 1/1: ops-flights -> ");
      assertFalse(lines.isEmpty(), "progress lines while the index syncs");
      assertTrue(lines.get(0).contains(" of 20,000 documents"), lines.get(0));
    }
  }
}

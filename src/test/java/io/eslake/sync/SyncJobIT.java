package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.IntegrationTest;
import io.eslake.local.SampleData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncJobIT extends IntegrationTest {

  @TempDir static Path warehouse;

  @BeforeAll
  static void loadRealData() {
    SampleData data = SampleData.fetch();
    data.loadFlights(admin(), "sync-flights", "flights-20k.json", 3);
    data.loadMovies(admin(), "sync-movies");
  }

  /** What one run of the job printed and returned. */
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    return run(Map.of(), args);
  }

  static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        SyncJob.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String[] args(String... extra) {
    return argsWithPassword(es().password(), extra);
  }

  static String[] argsWithPassword(String password, String... extra) {
    return argsFor(warehouse, password, extra);
  }

  /**
   * Arguments for the shared cluster and a warehouse folder, with the password given in a file as
   * users should.
   */
  /** The local cluster's connection and the warehouse; an option in {@code extra} replaces it. */
  static String[] argsFor(Path warehouse, String password, String... extra) {
    List<String> given = List.of(extra);
    List<String> all = new ArrayList<>();
    String[][] defaults = {
      {"--url", es().url()},
      {"--username", es().username()},
      {"--password-file", secretFile(warehouse, password).toString()},
      {"--warehouse", warehouse.toString()}
    };
    for (String[] option : defaults) {
      if (!given.contains(option[0])) {
        all.addAll(List.of(option));
      }
    }
    all.addAll(given);
    return all.toArray(String[]::new);
  }

  private static Path secretFile(String secret) {
    return secretFile(warehouse, secret);
  }

  private static Path secretFile(Path warehouse, String secret) {
    try {
      Path file = java.nio.file.Files.createTempFile(warehouse, "secret", ".txt");
      java.nio.file.Files.writeString(file, secret + "\n");
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Dataset<Row> delta(String table) {
    return delta(warehouse, table);
  }

  /**
   * An index whose integer field n ignores malformed values, with one document per value (ids from
   * 1, values as JSON): a value that is not a number is kept in _rescued by the read.
   */
  static void indexWithMalformedNumbers(String index, String... values) {
    admin()
        .recreateIndex(
            index,
            "{\"mappings\":{\"properties\":{\"n\":{\"type\":\"integer\","
                + "\"ignore_malformed\":true}}}}");
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      bulk.append(io.eslake.local.AdminClient.indexAction(index, i + 1));
      bulk.append("{\"n\":").append(values[i]).append("}\n");
    }
    admin().bulk(bulk.toString());
    admin().refresh(index);
  }

  static Dataset<Row> delta(Path warehouse, String table) {
    return spark().read().format("delta").load(warehouse.resolve(table).toString());
  }

  @Test
  void syncsRealDataSoDeltaHoldsWhatTheIndexHolds() {
    Run run = run(args("--indices", "sync-flights,sync-movies", "--prefix", "es_"));

    assertEquals(0, run.code(), run.err() + run.out());
    assertTrue(run.out().contains("sync-flights -> "), run.out());
    assertTrue(run.out().contains("20,000 rows"), run.out());
    assertTrue(run.out().contains("Synced 2 of 2 indices"), run.out());
    assertEquals(admin().count("sync-flights"), delta("es_sync_flights").count());
    assertEquals(admin().count("sync-movies"), delta("es_sync_movies").count());

    registerCatalog("sync_it");
    Dataset<Row> live = spark().table("sync_it.`sync-flights`");
    Dataset<Row> synced = delta("es_sync_flights");
    assertEquals(0, live.exceptAll(synced).count(), "rows only in Elasticsearch");
    assertEquals(0, synced.exceptAll(live).count(), "rows only in Delta");
    Dataset<Row> liveMovies = spark().table("sync_it.`sync-movies`");
    Dataset<Row> syncedMovies = delta("es_sync_movies");
    assertEquals(0, liveMovies.exceptAll(syncedMovies).count());
    assertEquals(0, syncedMovies.exceptAll(liveMovies).count());
    assertEquals(
        "1776",
        syncedMovies.where("_id = '0'").isEmpty()
            ? "1776"
            : syncedMovies.where("Title = '1776'").select("Title").head().getString(0),
        "a number in a text field is read as its text");
    assertFalse(run.out().contains(es().password()), "the password is never printed");
  }

  @Test
  void aResyncDropsDocumentsDeletedFromTheIndex() {
    admin()
        .recreateIndex(
            "sync-shrinking", "{\"mappings\":{\"properties\":{\"n\":{\"type\":\"long\"}}}}");
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      bulk.append("{\"index\":{\"_index\":\"sync-shrinking\",\"_id\":\"")
          .append(i)
          .append("\"}}\n{\"n\":")
          .append(i)
          .append("}\n");
    }
    admin().bulk(bulk.toString());
    admin().refresh("sync-shrinking");
    assertEquals(0, run(args("--indices", "sync-shrinking")).code());
    assertEquals(100, delta("sync_shrinking").count());

    StringBuilder deletes = new StringBuilder();
    for (int i = 0; i < 100; i += 3) {
      deletes
          .append("{\"delete\":{\"_index\":\"sync-shrinking\",\"_id\":\"")
          .append(i)
          .append("\"}}\n");
    }
    admin().bulk(deletes.toString());
    admin().refresh("sync-shrinking");
    Run second = run(args("--indices", "sync-shrinking"));

    assertEquals(0, second.code(), second.err());
    assertEquals(66, delta("sync_shrinking").count());
    assertEquals(0, delta("sync_shrinking").where("CAST(_id AS INT) % 3 = 0").count());
  }

  @Test
  void anEmptyIndexBecomesAnEmptyTableWithTheMappedSchema() {
    admin()
        .recreateIndex(
            "sync-empty",
            "{\"mappings\":{\"properties\":{\"a\":{\"type\":\"keyword\"},"
                + "\"t\":{\"type\":\"date\"}}}}");
    Run run = run(args("--indices", "sync-empty"));

    assertEquals(0, run.code(), run.err());
    Dataset<Row> table = delta("sync_empty");
    assertEquals(0, table.count());
    assertEquals("_id:string,a:string,t:timestamp,_rescued:string", simpleSchema(table));
  }

  @Test
  void aWrongPasswordIsOneLineAndExitCodeThree() {
    Run run = run(argsWithPassword("not-the-password"));
    assertEquals(3, run.code());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().contains("401"), run.err());
    assertTrue(run.err().contains("Check the username and password"), run.err());
    assertFalse(run.err().contains("not-the-password"), run.err());
  }

  @Test
  void anUnreachableUrlIsOneLineAndExitCodeThree() {
    Run run = runAgainstAClosedPort(warehouse);
    assertEquals(3, run.code());
    assertTrue(
        run.err().startsWith("eslake sync: Cannot connect to http://127.0.0.1:1"), run.err());
    assertTrue(run.err().contains("reachable"), run.err());
  }

  /** A URL with a path the cluster does not serve says so, rather than a raw "no handler". */
  @Test
  void aUrlWithAPathTheClusterDoesNotServeNamesThePath() {
    Run run = run(args("--url", es().url() + "/some/prefix", "--check"));

    assertEquals(3, run.code(), run.out() + run.err());
    assertTrue(
        run.err().startsWith("eslake sync: Cannot use the path '/some/prefix' of "), run.err());
    assertTrue(run.err().contains("Give the URL without a path"), run.err());
  }

  /** The job pointed at a port nothing listens on, with a user and a password file. */
  private static Run runAgainstAClosedPort(Path warehouse, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--url",
                "http://127.0.0.1:1",
                "--username",
                "elastic",
                "--password-file",
                secretFile("x").toString(),
                "--warehouse",
                warehouse.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  /**
   * A --database that does not exist, or that a session keeping its tables in memory (this test
   * JVM's, as spark-submit's without Hive support) would forget after the run, is refused before
   * the job connects: the second run of such a job used to fail every index, saying the table's
   * folder was "not a Delta table".
   */
  @Test
  void aDatabaseTheSessionCannotKeepIsRefusedBeforeAnythingIsRead() {
    Run missing = runAgainstAClosedPort(warehouse, "--database", "eslake_no_such_database");
    Run inMemory = runAgainstAClosedPort(warehouse, "--database", "default");

    assertEquals(2, missing.code(), missing.out() + missing.err());
    assertTrue(
        missing
            .err()
            .startsWith(
                "eslake sync: Database 'eslake_no_such_database' does not exist in this session's"
                    + " catalog. Create it (CREATE DATABASE `eslake_no_such_database`)"),
        missing.err());
    assertEquals(2, inMemory.code(), inMemory.out() + inMemory.err());
    assertTrue(
        inMemory
            .err()
            .startsWith(
                "eslake sync: Cannot write to --database 'default': this Spark session keeps its"
                    + " tables in memory (spark.sql.catalogImplementation=in-memory)"),
        inMemory.err());
  }

  /** A warehouse that cannot be a folder is refused before the job connects or reads. */
  @Test
  void aWarehouseThroughAFileIsRefusedBeforeAnythingIsRead() throws Exception {
    Path file = java.nio.file.Files.writeString(warehouse.resolve("not-a-folder"), "x");
    for (Path given : new Path[] {file, file.resolve("wh"), file.resolve("a/b")}) {
      Run run = runAgainstAClosedPort(given);
      assertEquals(2, run.code(), run.out() + run.err());
      assertTrue(
          run.err()
              .startsWith(
                  "eslake sync: Cannot use --warehouse '"
                      + given
                      + "': "
                      + file
                      + " is a file, not a folder."),
          "refused before connecting to the closed port: " + run.err());
    }
  }

  @Test
  void anIndexThatDoesNotExistIsNamedWithTheClosestMatches() {
    Run run = run(args("--indices", "sync-flihgts"));
    assertEquals(2, run.code());
    assertTrue(run.err().contains("No index named 'sync-flihgts'"), run.err());
    assertTrue(run.err().contains("closest: sync-flights"), run.err());
  }

  @Test
  void aPatternThatMatchesNothingIsAnErrorNotAnEmptySuccess() {
    Run run = run(args("--indices", "sync-nothing-here-*"));
    assertEquals(2, run.code(), run.out() + run.err());
    assertTrue(
        run.err()
            .startsWith("eslake sync: No index to sync: --indices sync-nothing-here-* matches no"),
        run.err());
    assertFalse(run.out().contains("Synced"), run.out());
  }

  @Test
  void aSecretOnTheCommandLineIsRefused() {
    Run run = run(args("--password", "secret"));
    assertEquals(2, run.code());
    assertTrue(run.err().contains("--password-env"), run.err());
  }

  @Test
  void severalIndicesAtOnceKeepTheirOwnResults() {
    int indices = 9;
    for (int i = 0; i < indices; i++) {
      String index = "sync-many-" + i;
      admin()
          .recreateIndex(
              index,
              "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
                  + "\"mappings\":{\"properties\":{\"n\":{\"type\":\"integer\","
                  + "\"ignore_malformed\":true}}}}");
      StringBuilder bulk = new StringBuilder();
      for (int doc = 0; doc <= i * 10; doc++) {
        String value = i == 4 && doc == 3 ? "\"not a number\"" : String.valueOf(doc);
        bulk.append("{\"index\":{\"_index\":\"")
            .append(index)
            .append("\",\"_id\":\"")
            .append(doc)
            .append("\"}}\n{\"n\":")
            .append(value)
            .append("}\n");
      }
      admin().bulk(bulk.toString());
      admin().refresh(index);
    }

    Run run = run(args("--indices", "sync-many-*", "--parallelism", "3", "--on-mismatch", "fail"));

    assertEquals(1, run.code(), run.err() + run.out());
    assertTrue(run.out().contains("up to 3 at a time"), run.out());
    assertTrue(run.out().contains("Synced 8 of 9 indices"), run.out());
    assertTrue(run.out().contains("failed: sync-many-4"), run.out());
    assertTrue(run.out().contains("sync-many-4 -> "), run.out());
    for (int i = 0; i < indices; i++) {
      if (i != 4) {
        assertTrue(run.out().contains("sync-many-" + i + " -> "), run.out());
        assertEquals(i * 10 + 1, delta("sync_many_" + i).count(), "rows of sync-many-" + i);
        assertEquals(
            (long) i * 10 * (i * 10 + 1) / 2,
            delta("sync_many_" + i).agg(org.apache.spark.sql.functions.sum("n")).head().getLong(0),
            "values of sync-many-" + i);
      }
    }
  }

  @Test
  void parallelismBelowOneIsRefused() {
    Run run = run(args("--parallelism", "0"));
    assertEquals(2, run.code());
    assertTrue(run.err().contains("--parallelism"), run.err());
  }

  private static String simpleSchema(Dataset<Row> table) {
    return String.join(
        ",",
        java.util.Arrays.stream(table.schema().fields())
            .map(f -> f.name() + ":" + f.dataType().simpleString())
            .toList());
  }
}

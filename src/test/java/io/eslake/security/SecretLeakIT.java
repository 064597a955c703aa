package io.eslake.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.eslake.CapturedLogs;
import io.eslake.IntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.ExplainMode;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.util.Utils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;
import scala.collection.JavaConverters;

/**
 * Runs syncs and catalog queries with known secrets, then looks for them (and the headers made from
 * them) in everything a user or operator can see: every log line, standard output and error, the
 * job's report, plans and EXPLAIN output, exception messages and stack traces, the Spark
 * configuration as the UI shows it, and the Delta tables' properties, history and log files.
 */
class SecretLeakIT extends IntegrationTest {

  private static final String USER = "eslake-leak-user";
  private static final String PASSWORD = "Leak-pw-" + UUID.randomUUID();
  private static final String WRONG_PASSWORD = "Leak-wrong-" + UUID.randomUUID();
  private static final String KEY_ID = "eslake-leak-key";
  private static final String KEY_SECRET = "Leak-key-" + UUID.randomUUID();
  private static final String INDEX = "leak-docs";
  private static final String BEARER_INDEX = "apm-leak-bearer";

  @TempDir static Path folder;
  private static boolean fileRealm;
  private static String token;

  @BeforeAll
  static void createUsersAndIndices() {
    SecurityIT.createIndex(INDEX, 2, 300);
    SecurityIT.createIndex(BEARER_INDEX, 1, 7);
    fileRealm =
        es().addRoles(
                    "eslake_leak_reader:\n  indices:\n    - names: ['leak-*']\n"
                        + "      privileges: ['read', 'view_index_metadata']")
            && es().addFileUser(USER, PASSWORD, List.of("eslake_leak_reader"));
    Optional<String> service = es().addServiceToken("elastic/kibana", "eslake-leak");
    token = service.orElse(null);
  }

  @Test
  void noSecretAppearsInLogsOutputPlansErrorsTheSparkUiOrDeltaTables() throws Exception {
    assumeTrue(fileRealm && token != null, "the cluster takes file-realm users and tokens");
    List<String> seen = new ArrayList<>();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    try (CapturedLogs logs =
            CapturedLogs.start(Level.TRACE, "io.eslake", "org.elasticsearch.client", "tracer");
        ApiKeyStandInProxy proxy = apiKeyProxy()) {
      System.setOut(new PrintStream(new Tee(originalOut, console), true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(new Tee(originalErr, console), true, StandardCharsets.UTF_8));

      seen.addAll(syncs(proxy));
      seen.addAll(catalogQueries(proxy));
      seen.addAll(sparkConfigurationAsShown());
      seen.addAll(deltaTables());

      System.out.flush();
      System.err.flush();
      seen.add(console.toString(StandardCharsets.UTF_8));
      seen.addAll(logs.lines());
      assertFalse(logs.containing("Planned read of index '" + INDEX + "'").isEmpty());
      assertFalse(logs.containing("curl").isEmpty(), "the REST client's trace is captured");
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }

    List<String> leaks = new ArrayList<>();
    for (String secret : secretForms()) {
      seen.stream().filter(text -> text.contains(secret)).forEach(text -> leaks.add(text));
    }
    assertTrue(seen.size() > 100, "something was captured: " + seen.size());
    assertEquals(List.of(), leaks);
  }

  /** Each secret, and the header values made from it. */
  private static List<String> secretForms() {
    return List.of(
        PASSWORD,
        WRONG_PASSWORD,
        KEY_SECRET,
        token,
        base64(USER + ":" + PASSWORD),
        base64(USER + ":" + WRONG_PASSWORD),
        base64(KEY_ID + ":" + KEY_SECRET));
  }

  private static ApiKeyStandInProxy apiKeyProxy() throws IOException {
    return new ApiKeyStandInProxy(
        es().url(),
        "ApiKey " + base64(KEY_ID + ":" + KEY_SECRET),
        SecurityIT.basic(es().username(), es().password()));
  }

  /** Four syncs, each with its secret in a file: a user, an API key, a token, a wrong password. */
  private static List<String> syncs(ApiKeyStandInProxy proxy) throws IOException {
    String password = secretFile(PASSWORD).toString();
    String key = secretFile(KEY_SECRET).toString();
    String bearer = secretFile(token).toString();
    String wrong = secretFile(WRONG_PASSWORD).toString();
    List<SyncRun> runs =
        List.of(
            sync(es().url(), "--username", USER, "--password-file", password, "--prefix", "user_"),
            sync(proxy.url(), "--api-key-id", KEY_ID, "--api-key-file", key, "--prefix", "key_"),
            sync(es().url(), "--bearer-token-file", bearer, "--indices", BEARER_INDEX),
            sync(es().url(), "--username", USER, "--password-file", wrong));
    assertEquals(List.of(0, 0, 0, 3), runs.stream().map(SyncRun::code).toList());
    List<String> report = new ArrayList<>();
    runs.forEach(run -> report.addAll(List.of(run.out(), run.err())));
    assertTrue(report.get(0).contains("300 rows"), report.get(0));
    return report;
  }

  /** A sync of the test's index into its warehouse, unless the flags name other indices. */
  private static SyncRun sync(String url, String... flags) {
    List<String> args = new ArrayList<>(List.of("--url", url));
    if (!List.of(flags).contains("--indices")) {
      args.addAll(List.of("--indices", INDEX));
    }
    args.addAll(List.of("--warehouse", folder.resolve("warehouse").toString()));
    args.addAll(List.of(flags));
    return SyncRun.of(args);
  }

  /** Queries and EXPLAIN through catalogs whose secrets are given as values in the Spark conf. */
  private static List<String> catalogQueries(ApiKeyStandInProxy proxy) {
    Map<String, Map<String, String>> catalogs = new LinkedHashMap<>();
    catalogs.put("leak_user", Map.of("url", es().url(), "username", USER, "password", PASSWORD));
    catalogs.put(
        "leak_key", Map.of("url", proxy.url(), "api_key_id", KEY_ID, "api_key_secret", KEY_SECRET));
    catalogs.put("leak_token", Map.of("url", es().url(), "bearer_token", token));
    List<String> seen = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> catalog : catalogs.entrySet()) {
      SecurityIT.catalog(catalog.getKey(), catalog.getValue());
      String index = catalog.getKey().equals("leak_token") ? BEARER_INDEX : INDEX;
      seen.addAll(plans(catalog.getKey() + ".`" + index + "`"));
    }
    SecurityIT.catalog(
        "leak_wrong", Map.of("url", es().url(), "username", USER, "password", WRONG_PASSWORD));
    seen.add(failure(() -> spark().table("leak_wrong.`" + INDEX + "`").count()));
    seen.add(
        failure(
            () ->
                spark()
                    .read()
                    .option("password", PASSWORD)
                    .table("leak_user.`" + INDEX + "`")
                    .count()));
    return seen;
  }

  private static List<String> plans(String table) {
    Dataset<Row> query = spark().sql("SELECT n, _id FROM " + table + " WHERE n > 3");
    assertTrue(query.count() > 0);
    List<String> plans = new ArrayList<>();
    for (String mode : List.of("simple", "extended", "codegen", "cost", "formatted")) {
      plans.add(query.queryExecution().explainString(ExplainMode.fromString(mode)));
    }
    plans.add(query.queryExecution().toString());
    spark()
        .sql("EXPLAIN EXTENDED SELECT count(*) FROM " + table)
        .collectAsList()
        .forEach(row -> plans.add(row.getString(0)));
    assertTrue(
        plans.stream().anyMatch(plan -> plan.contains("ElasticsearchScan[index=")),
        "the scan's description is in the plan");
    return plans;
  }

  private static String failure(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      return e.getMessage() + "\n" + trace;
    }
    throw new AssertionError("the call did not fail");
  }

  /**
   * The Spark configuration as the UI's environment page and the SQL tab show it: Spark redacts
   * values whose keys match spark.redaction.regex. The catalog options are shown twice: as set in
   * the session, and as they would be in spark-defaults.conf.
   */
  private static List<String> sparkConfigurationAsShown() {
    Map<String, String> runtime = JavaConverters.mapAsJavaMap(spark().conf().getAll());
    assertTrue(runtime.containsValue(PASSWORD), "the secret is in the conf, so redaction matters");
    List<Tuple2<String, String>> entries = new ArrayList<>();
    runtime.forEach((key, value) -> entries.add(new Tuple2<>(key, value)));
    List<String> shown = new ArrayList<>();

    SparkConf defaults =
        spark().sparkContext().getConf().clone().setAll(JavaConverters.asScalaBuffer(entries));
    var environment = JavaConverters.asScalaBuffer(List.of(defaults.getAll())).toSeq();
    for (Tuple2<String, String> entry :
        JavaConverters.seqAsJavaList(Utils.redact(defaults, environment))) {
      shown.add(entry._1() + "=" + entry._2());
    }
    var sqlTab = JavaConverters.asScalaBuffer(entries).toSeq();
    for (Tuple2<String, String> entry :
        JavaConverters.seqAsJavaList(SQLConf.get().redactOptions(sqlTab))) {
      shown.add(entry._1() + "=" + entry._2());
    }
    assertTrue(shown.stream().anyMatch(line -> line.endsWith(".password=*********(redacted)")));
    return shown;
  }

  /** Everything Delta keeps about each synced table: properties, history, detail, log files. */
  private static List<String> deltaTables() throws IOException {
    List<String> seen = new ArrayList<>();
    Path warehouse = folder.resolve("warehouse");
    for (String table : List.of("user_leak_docs", "key_leak_docs", "apm_leak_bearer")) {
      String path = "delta.`" + warehouse.resolve(table) + "`";
      for (String sql :
          List.of(
              "SHOW TBLPROPERTIES " + path,
              "DESCRIBE HISTORY " + path,
              "DESCRIBE DETAIL " + path)) {
        spark().sql(sql).collectAsList().forEach(row -> seen.add(row.toString()));
      }
      try (Stream<Path> files = Files.walk(warehouse.resolve(table).resolve("_delta_log"))) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          seen.add(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        }
      }
    }
    assertTrue(seen.stream().anyMatch(text -> text.contains("eslake.source.index")));
    return seen;
  }

  private static Path secretFile(String secret) throws IOException {
    Path file = Files.createTempFile(folder, "secret", ".txt");
    Files.writeString(file, secret + "\n");
    return file;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes to two streams: the console as before, and a buffer the test reads. */
  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    Tee(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      first.write(bytes, offset, length);
      second.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
      first.flush();
      second.flush();
    }
  }
}

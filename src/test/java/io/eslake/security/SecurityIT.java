package io.eslake.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.eslake.IntegrationTest;
import io.eslake.client.ClusterException;
import io.eslake.local.AdminClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and least privilege against the real cluster: a file-realm user whose only role
 * holds the index privileges read and view_index_metadata on some indices lists, reads and syncs
 * them, and every request the product sends on the way is answered without a refusal.
 */
class SecurityIT extends IntegrationTest {

  static final String READER = "eslake-sec-reader";
  static final String READER_PASSWORD = "Rd-" + UUID.randomUUID();

  /** The role the README documents, on the indices this test may read. */
  static final String ROLES =
      String.join(
          "\n",
          "eslake_sec_reader:",
          "  indices:",
          "    - names: ['sec-ok-*']",
          "      privileges: ['read', 'view_index_metadata']",
          "eslake_sec_metadata_only:",
          "  indices:",
          "    - names: ['sec-meta-only']",
          "      privileges: ['view_index_metadata']");

  @TempDir static Path folder;
  private static boolean fileRealm;

  @BeforeAll
  static void createIndicesAndReader() {
    createIndex("sec-ok-logs", 3, 2500);
    createIndex("sec-ok-users", 1, 10);
    createIndex("sec-meta-only", 1, 5);
    createIndex("sec-denied", 1, 5);
    fileRealm =
        es().addRoles(ROLES)
            && es().addFileUser(
                    READER,
                    READER_PASSWORD,
                    List.of("eslake_sec_reader", "eslake_sec_metadata_only"));
    if (fileRealm) {
      awaitCount(READER, READER_PASSWORD, "sec-ok-users");
    }
  }

  static void createIndex(String name, int shards, int documents) {
    admin()
        .recreateIndex(
            name,
            "{\"settings\":{\"number_of_shards\":"
                + shards
                + ",\"number_of_replicas\":0},"
                + "\"mappings\":{\"properties\":{\"n\":{\"type\":\"long\"}}}}");
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < documents; i++) {
      bulk.append(AdminClient.indexAction(name, i));
      bulk.append("{\"n\":" + i + "}\n");
    }
    admin().bulk(bulk.toString());
    admin().refresh(name);
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Registers a catalog under a fresh name with exactly these options. */
  static String catalog(String name, Map<String, String> options) {
    String prefix = "spark.sql.catalog." + name;
    spark().conf().set(prefix, "io.eslake.spark.ElasticsearchCatalog");
    options.forEach((key, value) -> spark().conf().set(prefix + "." + key, value));
    return name;
  }

  static Map<String, String> readerOptions(String url) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("url", url);
    options.put("username", READER);
    options.put("password", READER_PASSWORD);
    return options;
  }

  static List<String> tables(String catalog) {
    return spark().sql("SHOW TABLES IN " + catalog).collectAsList().stream()
        .map(row -> row.getString(1))
        .toList();
  }

  /** The message of the ClusterException somewhere in what a Spark call threw. */
  static String clusterMessage(Runnable call) {
    Throwable thrown = assertThrows(Exception.class, call::run);
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof ClusterException) {
        return t.getMessage();
      }
    }
    throw new AssertionError("No ClusterException in " + thrown, thrown);
  }

  @Test
  void aReadOnlyUserListsOnlyItsIndicesAndReadsThemWithScrollsItCanClear() throws IOException {
    assumeTrue(fileRealm, "the cluster takes file-realm users");
    try (StatusRecordingProxy proxy = new StatusRecordingProxy(es().url())) {
      String catalog = catalog("sec_reader", readerOptions(proxy.url()));

      List<String> tables = tables(catalog);
      Row stats =
          spark()
              .read()
              .option("slices", "3")
              .option("page_size", "100")
              .table(catalog + ".`sec-ok-logs`")
              .selectExpr("count(*)", "count(distinct _id)", "sum(n)")
              .head();

      // sec-meta-only: view_index_metadata without read, so seen by the cluster but not a table.
      assertEquals(List.of("sec-ok-logs", "sec-ok-users"), tables);
      assertEquals(2500L, stats.getLong(0));
      assertEquals(2500L, stats.getLong(1));
      assertEquals(2499L * 2500 / 2, stats.getLong(2));
      assertSent(proxy, "POST /_search/scroll");
      assertSent(proxy, "DELETE /_search/scroll");
      assertEveryAnswerSucceeded(proxy);
      assertEquals(0, admin().openSearchContexts(), "the reader cleared every scroll it opened");
    }
  }

  @Test
  void theSyncJobRunsAsTheReadOnlyUser() throws IOException {
    assumeTrue(fileRealm, "the cluster takes file-realm users");
    Path password = Files.writeString(folder.resolve("reader-password"), READER_PASSWORD);
    Path warehouse = folder.resolve("warehouse");
    try (StatusRecordingProxy proxy = new StatusRecordingProxy(es().url())) {
      List<String> common =
          List.of(
              "--url",
              proxy.url(),
              "--username",
              READER,
              "--password-file",
              password.toString(),
              "--warehouse",
              warehouse.toString());

      SyncRun synced = SyncRun.of(with(common, "--indices", "sec-ok-*"));
      SyncRun denied = SyncRun.of(with(common, "--indices", "sec-denied"));

      assertEquals(0, synced.code(), synced.err());
      assertTrue(synced.out().contains("Synced 2 of 2 indices, 2,510 rows"), synced.out());
      assertEquals(2500, spark().read().format("delta").load(warehouse + "/sec_ok_logs").count());
      assertEveryAnswerSucceeded(proxy);
      assertEquals(2, denied.code(), denied.err());
      assertTrue(denied.err().contains("No index named 'sec-denied'"), denied.err());
    }
  }

  /**
   * The README's steps for a read-only user on the quickstart's node, with the two lines the
   * quickstart prints under --keep-running: a role appended to the printed roles.yml, a user added
   * with the printed elasticsearch-users command, and the sync run as that user.
   */
  @Test
  void theFileRealmStepsTheKeptNodePrintsGiveAUserTheSyncRunsAs() throws Exception {
    Optional<String> help = es().fileRealmHelp();
    assumeTrue(help.isPresent(), "a node this JVM unpacked");
    List<String> lines = help.get().lines().toList();
    String roles = lines.get(0).substring("File-realm roles: append to ".length());
    String users = lines.get(1).substring("File-realm users: ".length());
    String command = users.substring(0, users.indexOf(" useradd <user>"));
    String user = "eslake-sec-printed";
    String password = "Pr-" + UUID.randomUUID();
    Files.writeString(
        Path.of(roles),
        "\neslake_sec_printed:\n  indices:\n    - names: ['sec-ok-users']\n"
            + "      privileges: ['read', 'view_index_metadata']\n",
        java.nio.file.StandardOpenOption.APPEND);

    Process add =
        new ProcessBuilder(
                "sh",
                "-c",
                command + " useradd " + user + " -p '" + password + "' -r eslake_sec_printed")
            .redirectErrorStream(true)
            .start();
    String output = new String(add.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, add.waitFor(), output);
    awaitCount(user, password, "sec-ok-users");
    Path passwordFile = Files.writeString(folder.resolve("printed-password"), password);
    SyncRun run =
        SyncRun.of(
            List.of(
                "--url",
                es().url(),
                "--username",
                user,
                "--password-file",
                passwordFile.toString(),
                "--warehouse",
                folder.resolve("printed-warehouse").toString(),
                "--indices",
                "sec-ok-users"));

    assertEquals(0, run.code(), run.err() + run.out());
    assertTrue(run.out().contains("Synced 1 of 1 index, 10 rows"), run.out());
  }

  /** Waits until the user may count the index: users and roles files are reloaded apart. */
  private static void awaitCount(String user, String password, String index) {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(es().url() + "/" + index + "/_count"))
            .header("Authorization", basic(user, password))
            .build();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int status = 0;
    while (System.nanoTime() < deadline) {
      try {
        status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200) {
          return;
        }
        Thread.sleep(250);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(user + " could not count " + index + ": HTTP " + status);
  }

  @Test
  void aMissingPrivilegeIsNamedWithItsIndex() {
    assumeTrue(fileRealm, "the cluster takes file-realm users");
    String catalog = catalog("sec_reader_denied", readerOptions(es().url()));

    String noRead = clusterMessage(() -> spark().table(catalog + ".`sec-meta-only`").count());
    String noMetadata = clusterMessage(() -> spark().table(catalog + ".`sec-denied`"));

    assertTrue(
        noRead.contains(
            "user '" + READER + "' lacks the index privilege 'read' on 'sec-meta-only'"),
        noRead);
    assertTrue(noRead.contains("403 Forbidden"), noRead);
    assertTrue(noRead.contains("'read' and 'view_index_metadata'"), noRead);
    assertTrue(
        noMetadata.contains("lacks the index privilege 'view_index_metadata' on 'sec-denied'"),
        noMetadata);
  }

  @Test
  void aServiceAccountTokenIsSentAsABearerToken() throws IOException {
    Optional<String> token = es().addServiceToken("elastic/kibana", "eslake-sec-it");
    assumeTrue(token.isPresent(), "the cluster takes file-based service tokens");
    // elastic/kibana may read apm-* and see the metadata of every index.
    createIndex("apm-eslake-bearer", 1, 20);
    try (StatusRecordingProxy proxy = new StatusRecordingProxy(es().url())) {
      String catalog =
          catalog("sec_bearer", Map.of("url", proxy.url(), "bearer_token", token.get()));

      long rows = spark().table(catalog + ".`apm-eslake-bearer`").count();

      assertEquals(20, rows);
      assertTrue(
          proxy.exchanges().stream()
              .allMatch(e -> ("Bearer " + token.get()).equals(e.authorization())),
          "every request carries the token");
      assertEveryAnswerSucceeded(proxy);
    }
  }

  @Test
  void anApiKeyIsSentAsTheBase64OfIdAndSecret() throws IOException {
    String id = "eslake-key-id";
    String secret = "Key-" + UUID.randomUUID();
    String encoded =
        Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    String expected = "ApiKey " + encoded;
    String admin = basic(es().username(), es().password());
    try (ApiKeyStandInProxy proxy = new ApiKeyStandInProxy(es().url(), expected, admin)) {
      String byParts =
          catalog(
              "sec_api_key_parts",
              Map.of("url", proxy.url(), "api_key_id", id, "api_key_secret", secret));
      String byEncoded =
          catalog("sec_api_key_encoded", Map.of("url", proxy.url(), "api_key_secret", encoded));
      String wrong =
          catalog(
              "sec_api_key_wrong",
              Map.of("url", proxy.url(), "api_key_id", id, "api_key_secret", "not-it"));

      assertEquals(10, spark().table(byParts + ".`sec-ok-users`").count());
      assertEquals(10, spark().table(byEncoded + ".`sec-ok-users`").count());
      List<String> sent =
          proxy.exchanges().stream().map(e -> e.authorization()).distinct().toList();
      String refused = clusterMessage(() -> tables(wrong));

      assertEquals(List.of(expected), sent);
      assertTrue(refused.contains("401 Unauthorized"), refused);
      assertTrue(refused.contains("the API key with id '" + id + "'"), refused);
      assertTrue(refused.contains("Check that the API key is complete"), refused);
      assertFalse(refused.contains("not-it"), refused);
    }
  }

  @Test
  void noCredentialsOnASecuredClusterSaysWhatToGive() {
    String catalog = catalog("sec_anonymous", Map.of("url", es().url()));
    String message = clusterMessage(() -> tables(catalog));
    assertTrue(message.contains("401 Unauthorized"), message);
    assertTrue(message.contains("The cluster needs credentials"), message);
  }

  @Test
  void aServerThatIsNotElasticsearchIsNamedAsSuch() throws IOException {
    try (NotElasticsearch web = new NotElasticsearch(200, "text/html", "<html>hi</html>");
        NotElasticsearch missing = new NotElasticsearch(404, "text/html", "<h1>Not Found</h1>")) {
      String ok = clusterMessage(() -> tables(catalog("sec_web", readerOptions(web.url()))));
      String notFound =
          clusterMessage(() -> tables(catalog("sec_web_404", readerOptions(missing.url()))));
      SyncRun sync =
          SyncRun.of(List.of("--url", web.url(), "--warehouse", folder.resolve("w").toString()));

      assertTrue(ok.startsWith("Cannot use " + web.url() + ": the server there is not"), ok);
      assertTrue(ok.contains("without the X-elastic-product header"), ok);
      assertTrue(notFound.contains("HTTP 404 with a body that is not an Elasticsearch"), notFound);
      assertEquals(3, sync.code(), sync.err());
      assertEquals(1, sync.err().lines().count(), sync.err());
      assertTrue(sync.err().contains("the server there is not Elasticsearch"), sync.err());
    }
  }

  private static List<String> with(List<String> args, String... more) {
    List<String> all = new java.util.ArrayList<>(args);
    all.addAll(List.of(more));
    return all;
  }

  private static void assertSent(StatusRecordingProxy proxy, String request) {
    assertTrue(
        proxy.answered().stream().anyMatch(a -> a.toString().startsWith(request)),
        request + " in " + proxy.answered());
  }

  private static void assertEveryAnswerSucceeded(StatusRecordingProxy proxy) {
    List<StatusRecordingProxy.Answered> refused =
        proxy.answered().stream().filter(a -> a.status() >= 300).toList();
    assertTrue(refused.isEmpty(), "refused: " + refused);
    assertFalse(proxy.answered().isEmpty());
  }
}

package io.eslake.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.CapturedLogs;
import io.eslake.IntegrationTest;
import io.eslake.client.ClusterClient;
import io.eslake.client.ClusterException;
import io.eslake.local.LocalCertificates;
import io.eslake.local.LocalElasticsearch;
import io.eslake.spark.ConnectorOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS against a node of its own, with certificates made offline by elasticsearch-certutil: a CA
 * file and a fingerprint are trusted, anything else fails with a message naming the options that
 * fix it.
 */
class TlsIT extends IntegrationTest {

  private static final String INDEX = "tls-docs";
  private static final int DOCUMENTS = 50;

  @TempDir static Path folder;
  private static LocalCertificates certificates;
  private static LocalCertificates otherCa;
  private static LocalElasticsearch https;

  @BeforeAll
  static void startHttpsNode() {
    LocalElasticsearch.Settings settings = LocalElasticsearch.Settings.defaults();
    certificates = LocalCertificates.generate(settings, folder.resolve("cluster"));
    otherCa = LocalCertificates.generate(settings, folder.resolve("other"));
    https = LocalElasticsearch.startHttps(settings.withHeap("384m"), certificates);
    https
        .admin()
        .recreateIndex(INDEX, "{\"mappings\":{\"properties\":{\"n\":{\"type\":\"long\"}}}}");
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < DOCUMENTS; i++) {
      bulk.append("{\"index\":{\"_index\":\"" + INDEX + "\"}}\n{\"n\":" + i + "}\n");
    }
    https.admin().bulk(bulk.toString());
    https.admin().refresh(INDEX);
  }

  @AfterAll
  static void stopHttpsNode() {
    if (https != null) {
      https.close();
    }
  }

  /** Options for the HTTPS node as its administrator, plus the given ones. */
  private static Map<String, String> options(String... keyValues) {
    Map<String, String> options = new HashMap<>();
    options.put("url", https.url());
    options.put("username", https.username());
    options.put("password", https.password());
    for (int i = 0; i < keyValues.length; i += 2) {
      options.put(keyValues[i], keyValues[i + 1]);
    }
    return options;
  }

  private static long count(Map<String, String> options) {
    try (ClusterClient client = ClusterClient.connect(ConnectorOptions.of(options).connection())) {
      return client.count(INDEX);
    }
  }

  private static String failure(Map<String, String> options) {
    return assertThrows(ClusterException.class, () -> count(options)).getMessage();
  }

  @Test
  void aCaCertificateFileIsTrustedOnTheDriverAndTheExecutors() {
    String catalog = "tls_ca_file";
    String prefix = "spark.sql.catalog." + catalog;
    spark().conf().set(prefix, "io.eslake.spark.ElasticsearchCatalog");
    options("ca_certificate_file", certificates.caCertificate().toString())
        .forEach((key, value) -> spark().conf().set(prefix + "." + key, value));

    List<String> tables =
        spark().sql("SHOW TABLES IN " + catalog).collectAsList().stream()
            .map(row -> row.getString(1))
            .toList();
    long rows = spark().table(catalog + ".`" + INDEX + "`").count();
    long sum = spark().sql("SELECT sum(n) FROM " + catalog + ".`" + INDEX + "`").head().getLong(0);

    assertTrue(tables.contains(INDEX), tables.toString());
    assertEquals(DOCUMENTS, rows);
    assertEquals(DOCUMENTS * (DOCUMENTS - 1) / 2, sum);
  }

  @Test
  void theCaFingerprintIsTrustedAsElasticsearchOrOpensslPrintsIt() {
    String fingerprint = LocalCertificates.fingerprint(certificates.caCertificate());
    assertEquals(DOCUMENTS, count(options("ca_fingerprint", fingerprint)));

    String opensslForm = withColons(fingerprint.toUpperCase(Locale.ROOT));
    assertEquals(DOCUMENTS, count(options("ca_fingerprint", opensslForm)));

    String node = LocalCertificates.fingerprint(certificates.nodeCertificate());
    assertEquals(DOCUMENTS, count(options("ca_fingerprint", node)), "the node's own certificate");
  }

  @Test
  void theJvmTrustStoreDoesNotKnowTheLocalCaAndTheMessageNamesTheFixes() {
    String message = failure(options());

    assertTrue(message.startsWith("Cannot trust the TLS certificate of " + https.url()), message);
    assertTrue(message.contains("'ca_certificate_file'"), message);
    assertTrue(message.contains("'ca_fingerprint'"), message);
    assertTrue(message.contains("'insecure_skip_tls_verify'"), message);
  }

  @Test
  void anotherCaOrAnotherFingerprintIsNotTrusted() {
    String otherFile = failure(options("ca_certificate_file", otherCa.caCertificate().toString()));
    assertTrue(otherFile.startsWith("Cannot trust the TLS certificate"), otherFile);
    assertTrue(otherFile.contains("the CA certificate file"), otherFile);

    String otherPrint = LocalCertificates.fingerprint(otherCa.caCertificate());
    String message = failure(options("ca_fingerprint", otherPrint));
    assertTrue(message.contains("none of them the one given"), message);
    assertTrue(
        message.contains(LocalCertificates.fingerprint(certificates.caCertificate())),
        "the message lists what the server presented: " + message);
  }

  @Test
  void aCertificateForAnotherHostIsRefusedEvenFromATrustedCa() throws Exception {
    Path keystore =
        certificates.keystoreFor(LocalElasticsearch.Settings.defaults(), "other-host.invalid");
    try (TlsServer server = new TlsServer(keystore, LocalCertificates.KEYSTORE_PASSWORD)) {
      String ca = certificates.caCertificate().toString();
      String byFile = failure(Map.of("url", server.url(), "ca_certificate_file", ca));
      String print = LocalCertificates.fingerprint(certificates.caCertificate());
      String byPrint = failure(Map.of("url", server.url(), "ca_fingerprint", print));

      for (String message : List.of(byFile, byPrint)) {
        assertTrue(message.contains("it was not issued for this host name"), message);
        assertTrue(message.contains("other-host.invalid"), message);
      }
    }
  }

  @Test
  void turningVerificationOffWorksAndWarnsOnEveryRun() throws IOException {
    List<String> args = syncArgs("insecure", "--insecure-skip-tls-verify");
    try (CapturedLogs logs = CapturedLogs.start(Level.INFO)) {
      assertEquals(0, SyncRun.of(args).code());
      assertEquals(0, SyncRun.of(args).code());

      List<String> warnings = logs.containing("does not verify the TLS certificate");
      assertEquals(2, warnings.size(), String.join("\n", logs.lines()));
      assertTrue(warnings.get(0).startsWith("WARN"), warnings.get(0));
      assertTrue(warnings.get(0).contains("insecure_skip_tls_verify=true"), warnings.get(0));
    }
  }

  @Test
  void theSyncJobTrustsACaFileAndNamesItsOwnFlagsWhenItCannotTrust() throws IOException {
    List<String> args = syncArgs("ca");

    SyncRun untrusted = SyncRun.of(args);
    args.addAll(List.of("--ca-certificate-file", certificates.caCertificate().toString()));
    SyncRun trusted = SyncRun.of(args);

    assertEquals(3, untrusted.code(), untrusted.err());
    assertEquals(1, untrusted.err().lines().count(), untrusted.err());
    assertTrue(untrusted.err().contains("--ca-certificate-file"), untrusted.err());
    assertTrue(untrusted.err().contains("--ca-fingerprint"), untrusted.err());
    assertEquals(0, trusted.code(), trusted.err());
    assertTrue(trusted.out().contains(DOCUMENTS + " rows"), trusted.out());
  }

  @Test
  void plainHttpToTheHttpsPortAndHttpsToAPlainPortSayWhichSchemeToUse() {
    Map<String, String> plainToTls = options();
    plainToTls.put("url", https.url().replace("https://", "http://"));
    String toTls = failure(plainToTls);
    assertTrue(toTls.contains("use an https:// URL"), toTls);

    Map<String, String> tlsToPlain =
        Map.of(
            "url",
            es().url().replace("http://", "https://"),
            "username",
            es().username(),
            "password",
            es().password(),
            "insecure_skip_tls_verify",
            "true");
    String toPlain = failure(tlsToPlain);
    assertTrue(toPlain.contains("does not answer in TLS"), toPlain);
    assertTrue(toPlain.contains("use an http:// URL"), toPlain);
  }

  /** Sync job arguments for the HTTPS node's index as its administrator, in a run of its own. */
  private static List<String> syncArgs(String run, String... extra) throws IOException {
    Path password = Files.writeString(folder.resolve(run + "-password"), https.password());
    List<String> args =
        new ArrayList<>(
            List.of(
                "--url",
                https.url(),
                "--username",
                https.username(),
                "--password-file",
                password.toString(),
                "--indices",
                INDEX,
                "--warehouse",
                folder.resolve(run + "-warehouse").toString()));
    args.addAll(List.of(extra));
    return args;
  }

  private static String withColons(String hex) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < hex.length(); i += 2) {
      out.append(i == 0 ? "" : ":").append(hex, i, i + 2);
    }
    return out.toString();
  }
}

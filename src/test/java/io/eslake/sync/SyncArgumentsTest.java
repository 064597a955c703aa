package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncArgumentsTest {

  private static SyncConfig parse(Map<String, String> env, String... args) {
    return SyncArguments.parse(args, env);
  }

  private static String failure(Map<String, String> env, String... args) {
    return assertThrows(UsageException.class, () -> parse(env, args)).getMessage();
  }

  @Test
  void secretsReachTheCatalogAsReferencesNeverAsValues() {
    SyncConfig basic =
        parse(Map.of("ESLAKE_PASSWORD", "Pw-value"), "--url", "es", "--username", "reader");
    assertEquals(
        Map.of("url", "es", "username", "reader", "password_env", "ESLAKE_PASSWORD"),
        basic.catalogOptions());

    SyncConfig apiKey =
        parse(Map.of("ESLAKE_API_KEY", "Key-value"), "--url", "es", "--api-key-id", "kid");
    assertEquals(
        Map.of("url", "es", "api_key_id", "kid", "api_key_secret_env", "ESLAKE_API_KEY"),
        apiKey.catalogOptions());

    SyncConfig token = parse(Map.of(), "--url", "es", "--bearer-token-file", "/run/token");
    assertEquals(Map.of("url", "es", "bearer_token_file", "/run/token"), token.catalogOptions());
    for (SyncConfig config : new SyncConfig[] {basic, apiKey, token}) {
      assertFalse(config.catalogOptions().toString().contains("-value"));
    }
  }

  @Test
  void credentialsInTheUrlAreAUsageErrorThatDoesNotShowThem() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] args = {"--url", "https://reader:S3cret-pw@es.example.com:9200", "--check"};

    int code =
        SyncJob.run(
            args,
            Map.of(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(SyncJob.EXIT_USAGE, code, message);
    assertTrue(
        message.startsWith(
            "eslake sync: Cannot use cluster URL 'https://***@es.example.com:9200': credentials"
                + " in the URL are not accepted"),
        message);
    assertFalse(message.contains("S3cret") || message.contains("reader"), message);
  }

  @Test
  void catalogSecretOptionsAreNamedAsTheirFlags() {
    assertEquals(
        "Cannot read password from the file '/x' named by --password-file: no such file",
        SyncArguments.inFlagTerms(
            "Cannot read password from the file '/x' named by 'password_file': no such file"));
    assertEquals(
        "the variable 'K' named by --api-key-env is not set",
        SyncArguments.inFlagTerms("the variable 'K' named by 'api_key_secret_env' is not set"));
  }

  @Test
  void aStrayValueAndAFarOffOptionAreSaidAsSuch() {
    String stray = failure(Map.of(), "--url", "es", "--check", "yes");
    assertTrue(stray.startsWith("Unexpected argument 'yes'"), stray);
    assertTrue(stray.contains("--check=true"), stray);
    String farOff = failure(Map.of(), "--url", "es", "--bogus", "x");
    assertEquals("Unknown option --bogus. Run with --help to see every option.", farOff);
    String near = failure(Map.of(), "--url", "es", "--indexes", "x");
    assertEquals("Unknown option --indexes. Did you mean --indices?", near);
  }

  @Test
  void batchMaxDocumentsDefaultsToOneHundredThousandAndRefusesANegativeCount() {
    assertEquals(100_000, parse(Map.of(), "--url", "es").batchMaxDocuments());
    assertEquals(
        0, parse(Map.of(), "--url", "es", "--batch-max-documents", "0").batchMaxDocuments());
    assertEquals(
        500, parse(Map.of("ESLAKE_BATCH_MAX_DOCUMENTS", "500"), "--url", "es").batchMaxDocuments());
    assertEquals(
        "Cannot use --batch-max-documents -1: give a whole number of documents, or 0 to sync each"
            + " index on its own.",
        failure(Map.of(), "--url", "es", "--batch-max-documents", "-1"));
  }

  @Test
  void aRepeatedOptionIsRefusedRatherThanOneValueDropped() {
    assertEquals(
        "Option --indices is given more than once; give it once, with its values"
            + " comma-separated: --indices a,b.",
        failure(Map.of(), "--url", "es", "--indices", "logs", "--indices=events"));
    assertEquals(
        "Option --prefix is given more than once; give it once.",
        failure(Map.of(), "--url", "es", "--prefix", "a_", "--prefix", "b_"));
    assertEquals(
        List.of("logs", "events"),
        parse(Map.of(), "--url", "es", "--indices", "logs,events").include());
  }

  @Test
  void secretFlagsAreRefused() {
    for (String flag : new String[] {"--password", "--api-key", "--bearer-token"}) {
      String message = failure(Map.of(), "--url", "es", flag, "x");
      assertTrue(message.contains(flag + "-env or " + flag + "-file"), message);
    }
  }

  @Test
  void twoWaysToAuthenticateAreRefused() {
    String message =
        failure(
            Map.of("ESLAKE_PASSWORD", "p", "ESLAKE_API_KEY", "k"),
            "--url",
            "es",
            "--username",
            "u");
    assertTrue(message.startsWith("Cannot choose how to authenticate"), message);
    assertTrue(message.contains("--username and an API key"), message);
    String noSecret = failure(Map.of(), "--url", "es", "--api-key-id", "kid");
    assertTrue(noSecret.contains("without the key's secret"), noSecret);
  }

  @Test
  void tlsAndCloudFlagsBecomeCatalogOptions() {
    SyncConfig config =
        parse(
            Map.of("ESLAKE_CLOUD_ID", "c:Zm9v"),
            "--ca-fingerprint",
            "ab:cd",
            "--insecure-skip-tls-verify",
            "--indices",
            "logs");
    assertEquals(
        Map.of("cloud_id", "c:Zm9v", "ca_fingerprint", "ab:cd", "insecure_skip_tls_verify", "true"),
        config.catalogOptions());
    assertEquals(java.util.List.of("logs"), config.include());
    assertTrue(failure(Map.of(), "--url", "a", "--cloud-id", "b").contains("only one of --url"));
  }

  @Test
  void catalogMessagesNameTheJobsFlags() {
    assertEquals(
        "Give the CA with --ca-certificate-file or --ca-fingerprint;"
            + " or --insecure-skip-tls-verify.",
        SyncArguments.inFlagTerms(
            "Give the CA with 'ca_certificate_file' or 'ca_fingerprint'; or"
                + " 'insecure_skip_tls_verify'."));
  }

  @Test
  void typeFlagsBecomeCatalogOptions() {
    SyncConfig config =
        SyncArguments.parse(
            new String[] {
              "--url",
              "http://127.0.0.1:9200",
              "--array-fields",
              "tags,people.*",
              "--on-mismatch",
              "fail"
            },
            Map.of("ESLAKE_ARRAY_SAMPLE_SIZE", "50"));
    assertEquals("tags,people.*", config.catalogOptions().get("array_fields"));
    assertEquals("fail", config.catalogOptions().get("on_mismatch"));
    assertEquals("50", config.catalogOptions().get("array_sample_size"));
  }

  @Test
  void aBadTypeFlagValueNamesTheFlag() {
    UsageException e =
        assertThrows(
            UsageException.class,
            () ->
                SyncArguments.parse(
                    new String[] {"--url", "http://127.0.0.1:9200", "--on-mismatch", "skip"},
                    Map.of()));
    assertTrue(e.getMessage().contains("--on-mismatch=skip"), e.getMessage());
  }
}

package io.eslake.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.client.ConnectionSettings;
import io.eslake.client.Credentials;
import io.eslake.client.TlsTrust;
import io.eslake.types.DecodeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.util.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;
import scala.collection.JavaConverters;

class ConnectorOptionsTest {

  private static final String ENCODED_KEY =
      Base64.getEncoder().encodeToString("key-id:key-secret".getBytes(StandardCharsets.UTF_8));

  @TempDir Path folder;

  private static ConnectionSettings connect(String... keyValues) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      options.put(keyValues[i], keyValues[i + 1]);
    }
    return ConnectorOptions.of(options).connection();
  }

  private static String failure(String... keyValues) {
    return assertThrows(IllegalArgumentException.class, () -> connect(keyValues)).getMessage();
  }

  @Test
  void eachWayToAuthenticateBuildsItsCredentials() {
    assertEquals(
        Credentials.basic("reader", "pw"),
        connect("url", "es", "username", "reader", "password", "pw").credentials());
    assertEquals(
        Credentials.apiKey(ENCODED_KEY),
        connect("url", "es", "api_key_secret", ENCODED_KEY).credentials());
    assertEquals(
        Credentials.apiKey(ENCODED_KEY),
        connect("url", "es", "api_key_id", "key-id", "api_key_secret", "key-secret").credentials());
    assertEquals(
        Credentials.bearer("tok"), connect("url", "es", "bearer_token", "tok").credentials());
    assertEquals(Credentials.none(), connect("url", "es").credentials());
  }

  @Test
  void twoWaysToAuthenticateAreRefusedByName() {
    String message =
        failure("url", "es", "username", "u", "password", "p", "api_key_secret", ENCODED_KEY);
    assertTrue(message.startsWith("Cannot choose how to authenticate"), message);
    assertTrue(
        message.contains("a user ('username', 'password') and an API key ('api_key_secret')"),
        message);
    assertFalse(message.contains(ENCODED_KEY), message);

    String tokenAndKey =
        failure("url", "es", "bearer_token_file", "/x", "api_key_id", "id", "api_key_secret", "s");
    assertTrue(
        tokenAndKey.contains("('api_key_secret') and a bearer token ('bearer_token')"),
        tokenAndKey);
  }

  @Test
  void incompleteCredentialsSayWhatIsMissing() {
    assertTrue(failure("url", "es", "password", "p").contains("no user. Set 'username'"));
    assertTrue(failure("url", "es", "username", "u").contains("no password"));
    assertTrue(failure("url", "es", "api_key_id", "id").contains("no secret"));
    String bare = failure("url", "es", "api_key_secret", "not-encoded-secret");
    assertTrue(bare.contains("set 'api_key_id' too"), bare);
    assertFalse(bare.contains("not-encoded-secret"), bare);
  }

  @Test
  void secretsComeFromFilesTrimmedAndFilesThatAreMissingAreNamed() throws IOException {
    Path file = Files.writeString(folder.resolve("token"), "  tok-from-file\n");
    assertEquals(
        Credentials.bearer("tok-from-file"),
        connect("url", "es", "bearer_token_file", file.toString()).credentials());

    String missing = failure("url", "es", "bearer_token_file", folder.resolve("no").toString());
    assertTrue(missing.contains("no such file"), missing);
    String twoPlaces = failure("url", "es", "bearer_token", "a", "bearer_token_file", "b");
    assertTrue(twoPlaces.contains("give only one of 'bearer_token'"), twoPlaces);
    String unset = failure("url", "es", "bearer_token_env", "ESLAKE_NO_SUCH_VARIABLE_SET");
    assertTrue(unset.contains("'ESLAKE_NO_SUCH_VARIABLE_SET'"), unset);
  }

  @Test
  void theClusterIsAUrlOrACloudIdButNotBoth() {
    String cloudId = "c:" + Base64.getEncoder().encodeToString("example.test$abc$def".getBytes());
    assertEquals("https://abc.example.test:443", connect("cloud_id", cloudId).displayUrl());
    assertTrue(failure("url", "es", "cloud_id", cloudId).contains("both 'url' and 'cloud_id'"));
    assertTrue(failure("username", "u").contains("no cluster URL"));
  }

  @Test
  void certificatesAreTrustedOneWay() throws IOException {
    assertEquals(TlsTrust.jvmDefault(), connect("url", "https://es").tls());
    assertEquals(
        TlsTrust.insecure(),
        connect("url", "https://es", "insecure_skip_tls_verify", "TRUE").tls());
    String hex = "AB".repeat(32);
    String colons = String.join(":", java.util.Collections.nCopies(32, "ab"));
    assertEquals(
        TlsTrust.fingerprint(hex), connect("url", "https://es", "ca_fingerprint", colons).tls());

    String two =
        failure("url", "https://es", "ca_fingerprint", hex, "insecure_skip_tls_verify", "true");
    assertTrue(two.contains("give only one of 'ca_certificate_file'"), two);
    String shortPrint = failure("url", "https://es", "ca_fingerprint", "abcd");
    assertTrue(shortPrint.contains("64 hex digits"), shortPrint);
    String notBoolean = failure("url", "https://es", "insecure_skip_tls_verify", "yes");
    assertTrue(notBoolean.contains("give true or false"), notBoolean);
    Path notPem = Files.writeString(folder.resolve("ca.crt"), "not a certificate");
    String bad = failure("url", "https://es", "ca_certificate_file", notPem.toString());
    assertTrue(bad.contains("no readable certificate in PEM form"), bad);
  }

  @Test
  void connectionOptionsCannotBeChangedForOneRead() {
    ConnectorOptions catalog = ConnectorOptions.of(Map.of("url", "es", "username", "u"));
    for (String key : List.of("url", "password", "bearer_token", "ca_fingerprint")) {
      String message =
          assertThrows(IllegalArgumentException.class, () -> catalog.overriddenBy(Map.of(key, "x")))
              .getMessage();
      assertTrue(message.contains("spark.sql.catalog.<name>." + key), message);
    }
    assertEquals(7, catalog.overriddenBy(Map.of("slices", "7")).slices());
  }

  /**
   * Spark's UI, its event logs and EXPLAIN hide a configuration value when its key matches
   * spark.redaction.regex; every secret option must match Spark's own default.
   */
  @Test
  void sparkRedactsEverySecretOptionWithItsDefaultRegex() {
    List<Tuple2<String, String>> entries = new ArrayList<>();
    for (ConnectorOptions.Key key : ConnectorOptions.all()) {
      if (key.secret()) {
        entries.add(new Tuple2<>("spark.sql.catalog.es." + key.name(), "the-secret"));
      }
    }
    assertEquals(3, entries.size(), "password, api_key_secret, bearer_token");

    List<Tuple2<String, String>> shown =
        JavaConverters.seqAsJavaList(
            Utils.redact(new SparkConf(false), JavaConverters.asScalaBuffer(entries).toSeq()));

    for (Tuple2<String, String> entry : shown) {
      assertFalse(entry._2().contains("the-secret"), entry._1() + " is shown");
    }
  }

  @Test
  void theStringFormHidesSecrets() {
    ConnectorOptions options =
        ConnectorOptions.of(Map.of("url", "es", "username", "u", "password", "Pw-shown?"));
    assertFalse(options.toString().contains("Pw-shown?"), options.toString());
    assertEquals(List.of("password"), options.secretsGivenAsValues());
    assertInstanceOf(Credentials.Basic.class, options.connection().credentials());
  }

  @Test
  void typeOptionsHaveTheirDocumentedDefaults() {
    ConnectorOptions options = ConnectorOptions.of(Map.of());
    assertEquals(List.of(), options.arrayFields());
    assertEquals(1000, options.arraySampleSize());
    assertFalse(options.failOnMismatch());
  }

  @Test
  void typeOptionsAreReadAndChecked() {
    ConnectorOptions options =
        ConnectorOptions.of(
            Map.of("array_fields", "tags,*.ids", "array_sample_size", "0", "on_mismatch", "FAIL"));
    assertEquals(List.of("tags", "*.ids"), options.arrayFields());
    assertEquals(0, options.arraySampleSize());
    assertTrue(options.failOnMismatch());

    IllegalArgumentException tooMany =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConnectorOptions.of(Map.of("array_sample_size", "20000")));
    assertTrue(tooMany.getMessage().contains("at most 10000"), tooMany.getMessage());
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConnectorOptions.of(Map.of("on_mismatch", "ignore")));
    assertTrue(unknown.getMessage().contains("rescue or fail"), unknown.getMessage());
  }

  @Test
  void optionsThatShapeTheSchemaCannotBeSetForOneRead() {
    ConnectorOptions catalog = ConnectorOptions.of(Map.of());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> catalog.overriddenBy(Map.of("array_fields", "tags")));
    assertTrue(e.getMessage().contains("spark.sql.catalog.<name>.array_fields"), e.getMessage());
    assertTrue(catalog.overriddenBy(Map.of("on_mismatch", "fail")).failOnMismatch());
  }

  @Test
  void theRemedyOfAFailedReadNamesTheOptionThatFixesIt() {
    String several = ConnectorOptions.remedy(DecodeException.Kind.SEVERAL_VALUES);
    assertTrue(several.contains("'array_fields'"), several);
    assertTrue(several.contains("_meta.eslake.arrays"), several);
    assertTrue(several.contains("'on_mismatch' to rescue"), several);
    String mismatch = ConnectorOptions.remedy(DecodeException.Kind.MISMATCH);
    assertTrue(mismatch.contains("'on_mismatch' to rescue"), mismatch);
  }
}

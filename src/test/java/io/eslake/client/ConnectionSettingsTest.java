package io.eslake.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionSettingsTest {

  private static ConnectionSettings parse(String urls) {
    return ConnectionSettings.fromUrls(urls, Credentials.none());
  }

  private static String failure(Runnable action) {
    return assertThrows(ClusterException.class, action::run).getMessage();
  }

  @Test
  void severalNodesGetSchemeAndPortDefaultsAndShareOnePathPrefix() {
    ConnectionSettings settings =
        parse(
            "es1.example.test/proxy/es, http://es2.example.test:9201/proxy/es/"
                + " ,https://es3:443/proxy/es");

    assertEquals(
        List.of(
            URI.create("https://es1.example.test:9200"),
            URI.create("http://es2.example.test:9201"),
            URI.create("https://es3:443")),
        settings.nodes());
    assertEquals("/proxy/es", settings.pathPrefix());
    assertEquals("", parse("es1").pathPrefix());
    assertEquals("https://es1:9200", parse("es1").displayUrl());
  }

  @Test
  void thePathOfTheUrlsIsThePrefixOfEveryRequest() {
    ConnectionSettings settings =
        parse("https://gw.example.test/proxy/es/,gw2.example.test/proxy/es");
    assertEquals("/proxy/es", settings.pathPrefix());
    assertEquals("https://gw.example.test:9200/proxy/es", settings.displayUrl());
  }

  @Test
  void nodesWithDifferentPathsAreRefused() {
    String message = failure(() -> parse("https://a.test/one,https://b.test/two"));
    assertTrue(message.contains("'/one'"), message);
    assertTrue(message.contains("give every node one path"), message);
  }

  @Test
  void malformedUrlsSayWhatIsWrong() {
    assertTrue(failure(() -> parse("ftp://host")).contains("the scheme must be http or https"));
    assertTrue(failure(() -> parse("https://host:port")).contains("no host name, or a port"));
    assertTrue(failure(() -> parse("https://ho st")).contains("it is not a URL"));
    assertTrue(failure(() -> parse(" , ")).contains("no URL given"));
    assertEquals(
        "Cannot use cluster URL 'http:/127.0.0.1:9200': it is not a URL (a scheme is followed by"
            + " two slashes: http://host:9200). Give a URL like https://host:9200.",
        failure(() -> parse("http:/127.0.0.1:9200")));
    assertTrue(failure(() -> parse("HTTPS:host")).contains("two slashes"));
    assertEquals(
        "Cannot use cluster URL 'http://127.0.0.1:99999': the port must be 1 to 65535, not 99999."
            + " Give a URL like https://host:9200.",
        failure(() -> parse("http://127.0.0.1:99999")));
    assertTrue(failure(() -> parse("127.0.0.1:0")).contains("the port must be 1 to 65535"));
    assertTrue(failure(() -> parse("https://ho st")).startsWith("Cannot use cluster URL"));
  }

  @Test
  void credentialsInAUrlAreRefusedWithoutShowingThem() {
    for (String url :
        List.of(
            "https://elastic:S3cr3t-pw@es.example.test:9200",
            "elastic:S3cr3t-pw@es.example.test",
            "https://elastic:S3cr3t/pw@es.example.test",
            "https://elastic:S3cr3t pw@es.example.test")) {
      String message = failure(() -> parse(url));
      assertFalse(message.contains("S3cr3t"), message);
      assertFalse(message.contains("elastic"), message);
      assertTrue(message.contains("***@es.example.test"), message);
    }
  }

  @Test
  void aCloudIdDecodesToTheHttpsUrlOfItsElasticsearch() {
    String made = encode("europe-west1.gcp.example.test$0123456789abcdef$fedcba9876543210");

    ConnectionSettings settings =
        ConnectionSettings.fromCloudId("eslake-test:" + made, Credentials.none());

    assertEquals(
        List.of(URI.create("https://0123456789abcdef.europe-west1.gcp.example.test:443")),
        settings.nodes());
    assertEquals("", settings.pathPrefix());
  }

  @Test
  void aCloudIdMayCarryAPortOnTheDomainOrOnTheClusterId() {
    assertEquals(
        URI.create("https://abc.example.test:9243"),
        CloudId.decode("name:" + encode("example.test:9243$abc$def")));
    assertEquals(
        URI.create("https://abc.example.test:9244"),
        CloudId.decode("name:" + encode("example.test:9243$abc:9244$def")));
    assertEquals(
        URI.create("https://abc.example.test:443"), CloudId.decode(encode("example.test$abc")));
  }

  @Test
  void aBrokenCloudIdSaysWhereToCopyItFrom() {
    String notBase64 = failure(() -> CloudId.decode("name:%%%"));
    assertTrue(notBase64.contains("not base64"), notBase64);
    assertTrue(notBase64.contains("Elastic Cloud console"), notBase64);
    String oneField = failure(() -> CloudId.decode("name:" + encode("example.test")));
    assertTrue(oneField.contains("does not name a domain and an Elasticsearch id"), oneField);
  }

  @Test
  void tlsSettingsNeedAnHttpsNode() {
    ConnectionSettings plain = parse("http://127.0.0.1:9200");
    String message = failure(() -> plain.withTls(TlsTrust.insecure()));
    assertTrue(message.contains("no node URL uses https://"), message);
    assertEquals(
        TlsTrust.insecure(), parse("https://127.0.0.1").withTls(TlsTrust.insecure()).tls());
  }

  @Test
  void theDescriptionShowsNoSecret() {
    ConnectionSettings settings =
        ConnectionSettings.fromUrls("https://es", Credentials.basic("reader", "Pw-in-settings"));
    assertFalse(settings.toString().contains("Pw-in-settings"), settings.toString());
    assertTrue(settings.toString().contains("user 'reader'"), settings.toString());
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}

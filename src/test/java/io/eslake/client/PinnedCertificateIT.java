package io.eslake.client;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eslake.local.LocalCertificates;
import io.eslake.local.LocalElasticsearch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust behind ca_fingerprint, on certificates made by elasticsearch-certutil: a pinned CA
 * vouches only for what it signed, even when someone else's chain carries it.
 */
class PinnedCertificateIT {

  @TempDir static Path folder;
  private static LocalCertificates cluster;
  private static LocalCertificates stranger;

  @BeforeAll
  static void makeCertificates() {
    LocalElasticsearch.Settings settings = LocalElasticsearch.Settings.defaults();
    cluster = LocalCertificates.generate(settings, folder.resolve("cluster"));
    stranger = LocalCertificates.generate(settings, folder.resolve("stranger"));
  }

  private static X509Certificate load(Path pem) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static X509TrustManager pinning(Path pem) {
    return TrustManagers.pinned(LocalCertificates.fingerprint(pem));
  }

  @Test
  void aChainSignedByThePinnedCaIsTrusted() throws Exception {
    X509Certificate[] chain = {load(cluster.nodeCertificate()), load(cluster.caCertificate())};
    pinning(cluster.caCertificate()).checkServerTrusted(chain, "RSA");
    pinning(cluster.nodeCertificate()).checkServerTrusted(chain, "RSA");
  }

  @Test
  void anotherNodesCertificateNextToThePinnedCaIsRefused() throws Exception {
    X509Certificate[] forged = {load(stranger.nodeCertificate()), load(cluster.caCertificate())};

    assertThrows(
        CertificateException.class,
        () -> pinning(cluster.caCertificate()).checkServerTrusted(forged, "RSA"));
  }

  @Test
  void aChainWithoutThePinnedCertificateIsRefusedWithWhatItHeld() throws Exception {
    X509Certificate[] nodeOnly = {load(cluster.nodeCertificate())};

    CertificateException e =
        assertThrows(
            CertificateException.class,
            () -> pinning(cluster.caCertificate()).checkServerTrusted(nodeOnly, "RSA"));
    assertTrue(
        e.getMessage().contains(LocalCertificates.fingerprint(cluster.nodeCertificate())),
        e.getMessage());
  }
}

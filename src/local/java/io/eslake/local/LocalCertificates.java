package io.eslake.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority and a node certificate for 127.0.0.1 and localhost, in PEM files, made
 * offline by the distribution's own {@code elasticsearch-certutil}, as an operator would.
 *
 * @param caCertificate the CA's certificate
 * @param nodeCertificate the node's certificate, signed by the CA
 * @param nodeKey the node's private key
 * @param nodeChain the node's certificate followed by the CA's: what the node presents
 */
public record LocalCertificates(
    Path caCertificate, Path nodeCertificate, Path nodeKey, Path nodeChain) {

  /** The password of the keystores {@link #keystoreFor} writes. */
  public static final String KEYSTORE_PASSWORD = "eslake-test-keystore";

  /** Makes a new CA and node certificate under a folder; each call makes a different CA. */
  public static LocalCertificates generate(LocalElasticsearch.Settings settings, Path where) {
    Path folder = where.toAbsolutePath();
    try {
      Path home = LocalElasticsearch.distributionHome(settings);
      Files.createDirectories(folder);
      Path caZip = folder.resolve("ca.zip");
      certutil(home, List.of("ca", "--pem", "--silent", "--days", "7", "--out", caZip.toString()));
      unzip(caZip, folder);
      Path ca = folder.resolve("ca/ca.crt");
      Path nodeZip = folder.resolve("node.zip");
      certutil(
          home,
          List.of(
              "cert",
              "--pem",
              "--silent",
              "--ca-cert",
              ca.toString(),
              "--ca-key",
              folder.resolve("ca/ca.key").toString(),
              "--ip",
              "127.0.0.1",
              "--dns",
              "localhost",
              "--name",
              "node",
              "--days",
              "7",
              "--out",
              nodeZip.toString()));
      unzip(nodeZip, folder);
      Path node = folder.resolve("node/node.crt");
      Path chain = folder.resolve("node/node-chain.crt");
      Files.writeString(chain, Files.readString(node) + Files.readString(ca));
      return new LocalCertificates(ca, node, folder.resolve("node/node.key"), chain);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot generate certificates", e);
    }
  }

  /**
   * Issues, from this CA, a certificate for one DNS name only (no IP address) and returns it with
   * its key in a PKCS#12 keystore whose password is {@link #KEYSTORE_PASSWORD}: for a server that
   * should fail host name checks on 127.0.0.1.
   */
  public Path keystoreFor(LocalElasticsearch.Settings settings, String dnsName) {
    Path folder = caCertificate.getParent().getParent();
    Path keystore = folder.resolve(dnsName + ".p12");
    try {
      certutil(
          LocalElasticsearch.distributionHome(settings),
          List.of(
              "cert",
              "--silent",
              "--ca-cert",
              caCertificate.toString(),
              "--ca-key",
              folder.resolve("ca/ca.key").toString(),
              "--dns",
              dnsName,
              "--name",
              dnsName,
              "--days",
              "7",
              "--pass",
              KEYSTORE_PASSWORD,
              "--out",
              keystore.toString()));
      return keystore;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot issue a certificate for " + dnsName, e);
    }
  }

  /** The SHA-256 fingerprint of a PEM certificate, as 64 lower-case hex digits. */
  public static String fingerprint(Path pem) {
    try {
      byte[] der = certificate(pem).getEncoded();
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A TLS context that trusts this CA, for the test tools' own HTTP clients. */
  SSLContext trustingCa() {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry("ca", certificate(caCertificate));
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Cannot trust the local CA", e);
    }
  }

  private static X509Certificate certificate(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Not a certificate: " + pem, e);
    }
  }

  private static void certutil(Path home, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin/elasticsearch-certutil").toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("ES_JAVA_HOME", JavaHomes.forElasticsearch(version(home)));
    builder.environment().put("ES_PATH_CONF", home.resolve("config").toString());
    builder.environment().remove("ES_JAVA_OPTS");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IOException("elasticsearch-certutil failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static String version(Path home) throws IOException {
    return Files.readString(home.resolve(".unpacked")).strip();
  }

  private static void unzip(Path zip, Path folder) throws IOException {
    try (ZipFile archive = new ZipFile(zip.toFile())) {
      for (ZipEntry entry : java.util.Collections.list(archive.entries())) {
        Path target = folder.resolve(entry.getName()).normalize();
        if (!target.startsWith(folder)) {
          throw new IOException("Unsafe path in " + zip + ": " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        try (InputStream in = archive.getInputStream(entry)) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}

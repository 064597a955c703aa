package io.eslake.client;

import java.io.ByteArrayInputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Which server certificates an https connection trusts. Travels to executors inside input
 * partitions with the rest of the {@link ConnectionSettings}, so a CA certificate is carried as its
 * PEM text rather than as a path that may not exist on an executor.
 */
public sealed interface TlsTrust extends Serializable {

  /** The TLS context to connect with, or empty for the JVM's default (its trust store). */
  Optional<SSLContext> sslContext();

  /** Whether the host name must match the certificate. Off only when verification is off. */
  default boolean verifiesHostName() {
    return true;
  }

  /** A short description for messages and logs. */
  String describe();

  static TlsTrust jvmDefault() {
    return new JvmDefault();
  }

  /**
   * Trusts the certificates of a PEM file (and what they sign) instead of the JVM's trust store.
   *
   * @throws IllegalArgumentException when the text holds no certificate
   */
  static TlsTrust caCertificates(String pem) {
    CaCertificates trust = new CaCertificates(pem);
    trust.certificates();
    return trust;
  }

  /**
   * Trusts the server whose certificate chain holds a certificate with this SHA-256 fingerprint.
   *
   * @param fingerprint 64 hex digits, with or without colons, as Elasticsearch prints it
   * @throws IllegalArgumentException when the text is not a SHA-256 fingerprint
   */
  static TlsTrust fingerprint(String fingerprint) {
    return new Fingerprint(normalizeFingerprint(fingerprint));
  }

  /** Trusts every certificate and host name: for tests only. */
  static TlsTrust insecure() {
    return new Insecure();
  }

  /** The SHA-256 fingerprint of a certificate, as 64 lower-case hex digits. */
  static String fingerprintOf(X509Certificate certificate) throws CertificateException {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new CertificateException("SHA-256 is not available in this JVM", e);
    }
  }

  private static String normalizeFingerprint(String text) {
    String hex = text.replaceAll("[:\\s]", "").toLowerCase(Locale.ROOT);
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "a SHA-256 fingerprint is 64 hex digits, with or without colons");
    }
    return hex;
  }

  /** The JVM's trust store: public certificate authorities and whatever the JVM was given. */
  record JvmDefault() implements TlsTrust {
    @Override
    public Optional<SSLContext> sslContext() {
      return Optional.empty();
    }

    @Override
    public String describe() {
      return "certificates the JVM trusts";
    }
  }

  /** Certificate authorities from a PEM file. */
  record CaCertificates(String pem) implements TlsTrust {
    @Override
    public Optional<SSLContext> sslContext() {
      try {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        List<X509Certificate> certificates = certificates();
        for (int i = 0; i < certificates.size(); i++) {
          store.setCertificateEntry("ca-" + i, certificates.get(i));
        }
        TrustManagerFactory factory =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return Optional.of(context(factory.getTrustManagers()));
      } catch (GeneralSecurityException | java.io.IOException e) {
        throw new IllegalStateException("Cannot build a TLS context: " + e.getMessage(), e);
      }
    }

    @Override
    public String describe() {
      return "the CA certificate file";
    }

    List<X509Certificate> certificates() {
      List<X509Certificate> certificates = new ArrayList<>();
      try {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        byte[] bytes = pem.getBytes(StandardCharsets.US_ASCII);
        for (var certificate : factory.generateCertificates(new ByteArrayInputStream(bytes))) {
          certificates.add((X509Certificate) certificate);
        }
      } catch (CertificateException e) {
        throw new IllegalArgumentException("it holds no readable certificate in PEM form", e);
      }
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("it holds no certificate in PEM form");
      }
      return certificates;
    }

    @Override
    public String toString() {
      return "CaCertificates[" + certificates().size() + " certificates]";
    }
  }

  /** A certificate pinned by its SHA-256 fingerprint: the cluster's CA, or the node's own. */
  record Fingerprint(String sha256) implements TlsTrust {
    @Override
    public Optional<SSLContext> sslContext() {
      return Optional.of(context(new TrustManager[] {TrustManagers.pinned(sha256)}));
    }

    @Override
    public String describe() {
      return "the certificate with SHA-256 fingerprint " + sha256;
    }
  }

  /** No verification at all. */
  record Insecure() implements TlsTrust {
    @Override
    public Optional<SSLContext> sslContext() {
      return Optional.of(context(new TrustManager[] {TrustManagers.everything()}));
    }

    @Override
    public boolean verifiesHostName() {
      return false;
    }

    @Override
    public String describe() {
      return "any certificate (verification off)";
    }
  }

  private static SSLContext context(TrustManager[] trustManagers) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot build a TLS context: " + e.getMessage(), e);
    }
  }
}

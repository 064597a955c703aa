package io.eslake.client;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The trust managers behind {@link TlsTrust} that the JDK does not provide. */
final class TrustManagers {

  private TrustManagers() {}

  /** Trusts a chain that holds the pinned certificate and is valid up to it. */
  static X509TrustManager pinned(String sha256) {
    return new Pinned(sha256);
  }

  /** Trusts every chain. */
  static X509TrustManager everything() {
    return new Everything();
  }

  private record Pinned(String sha256) implements X509TrustManager {
    /**
     * Finds the pinned certificate in the chain, then validates the chain with it as the only trust
     * anchor. A match alone is not enough: a CA certificate is public, so anyone can append it to a
     * chain of their own; the validation proves the node's certificate was signed by it.
     */
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      List<String> presented = new ArrayList<>();
      for (int i = 0; i < chain.length; i++) {
        String fingerprint = TlsTrust.fingerprintOf(chain[i]);
        presented.add(fingerprint);
        if (fingerprint.equals(sha256)) {
          validateUpTo(chain, i, authType);
          return;
        }
      }
      throw new CertificateException(
          "the server presented certificates with the SHA-256 fingerprints "
              + String.join(", ", presented)
              + ", none of them the one given");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("client certificates are not checked here");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }

    private static void validateUpTo(X509Certificate[] chain, int anchor, String authType)
        throws CertificateException {
      if (anchor == 0) {
        chain[0].checkValidity();
        return;
      }
      try {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("pinned", chain[anchor]);
        TrustManagerFactory factory =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        ((X509TrustManager) factory.getTrustManagers()[0]).checkServerTrusted(chain, authType);
      } catch (GeneralSecurityException | java.io.IOException e) {
        if (e instanceof CertificateException certificate) {
          throw certificate;
        }
        throw new CertificateException("cannot validate the chain: " + e.getMessage(), e);
      }
    }
  }

  private static final class Everything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}

package io.eslake.client;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * How requests authenticate. Instances travel to executors inside input partitions, so they are
 * serializable; {@link #toString()} never shows the secret.
 */
public sealed interface Credentials extends Serializable {

  /** The value of the {@code Authorization} header, or empty when requests go unauthenticated. */
  Optional<String> authorizationHeader();

  /** A short description for messages and logs, without the secret. */
  String describe();

  static Credentials none() {
    return new None();
  }

  static Credentials basic(String username, String password) {
    return new Basic(username, password);
  }

  static Credentials apiKey(String encodedKey) {
    return new ApiKey(encodedKey);
  }

  /** No authentication: for clusters with security off. */
  record None() implements Credentials {
    @Override
    public Optional<String> authorizationHeader() {
      return Optional.empty();
    }

    @Override
    public String describe() {
      return "no credentials";
    }
  }

  /** HTTP basic authentication with a username and password. */
  record Basic(String username, String password) implements Credentials {
    @Override
    public Optional<String> authorizationHeader() {
      String pair = username + ":" + password;
      return Optional.of(
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String describe() {
      return "user '" + username + "'";
    }

    @Override
    public String toString() {
      return "Basic[username=" + username + ", password=***]";
    }
  }

  /** An Elasticsearch API key in its encoded form: base64 of {@code id:secret}. */
  record ApiKey(String encodedKey) implements Credentials {
    @Override
    public Optional<String> authorizationHeader() {
      return Optional.of("ApiKey " + encodedKey);
    }

    @Override
    public String describe() {
      return "an API key";
    }

    @Override
    public String toString() {
      return "ApiKey[***]";
    }
  }
}

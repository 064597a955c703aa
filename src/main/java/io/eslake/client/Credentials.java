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

  /** What to check when the cluster refuses these credentials, for messages. */
  String whatToCheck();

  static Credentials none() {
    return new None();
  }

  static Credentials basic(String username, String password) {
    return new Basic(username, password);
  }

  /**
   * An API key in the encoded form Kibana shows.
   *
   * @throws IllegalArgumentException when the text is not base64 of {@code id:secret}; the message
   *     does not show the text
   */
  static Credentials apiKey(String encodedKey) {
    String trimmed = encodedKey.trim();
    if (ApiKey.idOf(trimmed) == null) {
      throw new IllegalArgumentException(
          "it is not an API key in its encoded form (the base64 of id:secret)");
    }
    return new ApiKey(trimmed);
  }

  /** An API key given as its id and its secret. */
  static Credentials apiKey(String id, String secret) {
    String pair = id.trim() + ":" + secret.trim();
    return new ApiKey(Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
  }

  /** A bearer token: a service account token, or an access token from the token service. */
  static Credentials bearer(String token) {
    return new Bearer(token.trim());
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

    @Override
    public String whatToCheck() {
      return "The cluster needs credentials: give a user and password, an API key or a bearer"
          + " token.";
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
    public String whatToCheck() {
      return "Check the username and password.";
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

    /** The key's id names it without revealing it, as Kibana's list of keys does. */
    @Override
    public String describe() {
      return "the API key with id '" + idOf(encodedKey) + "'";
    }

    @Override
    public String whatToCheck() {
      return "Check that the API key is complete, not expired and not invalidated.";
    }

    /**
     * The id of an encoded key, or null when the text is not one: it must decode to printable text
     * with a colon inside, which a key's bare secret (random bytes once decoded) is not.
     */
    static String idOf(String encoded) {
      try {
        byte[] bytes = Base64.getDecoder().decode(encoded);
        String pair =
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        int colon = pair.indexOf(':');
        boolean printable = pair.chars().noneMatch(Character::isISOControl);
        return printable && colon > 0 && colon < pair.length() - 1
            ? pair.substring(0, colon)
            : null;
      } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
        return null;
      }
    }

    @Override
    public String toString() {
      return "ApiKey[***]";
    }
  }

  /** A bearer token, sent as {@code Authorization: Bearer <token>}. */
  record Bearer(String token) implements Credentials {
    @Override
    public Optional<String> authorizationHeader() {
      return Optional.of("Bearer " + token);
    }

    @Override
    public String describe() {
      return "a bearer token";
    }

    @Override
    public String whatToCheck() {
      return "Check that the token is complete and not expired or deleted.";
    }

    @Override
    public String toString() {
      return "Bearer[***]";
    }
  }
}

package io.eslake.client;

import java.nio.charset.StandardCharsets;

/** Percent-encodes index names and patterns for a request path. */
final class PathSegments {

  private PathSegments() {}

  /**
   * Encodes every byte outside the characters that are safe in a path segment. Commas and asterisks
   * stay, as they separate and expand names in Elasticsearch paths.
   */
  static String encode(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (isSafe(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static boolean isSafe(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '.'
        || c == '*'
        || c == ',';
  }
}

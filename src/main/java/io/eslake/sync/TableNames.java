package io.eslake.sync;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps index names to Delta table names, deterministically, so a table keeps its name from run to
 * run:
 *
 * <ol>
 *   <li>the prefix, then the index name, in lower case;
 *   <li>every character other than a-z, 0-9 and _ becomes _;
 *   <li>when a character outside ASCII was replaced, _ and the first 8 hex digits of the SHA-256 of
 *       the prefixed name are appended, so that names in other scripts do not all collapse into
 *       underscores;
 *   <li>a result longer than {@value #MAX_LENGTH} characters (the metastore's limit) is cut to
 *       {@value #MAX_LENGTH} with its last 9 characters _ and those 8 hex digits.
 * </ol>
 *
 * Two indices that map to the same name are an error before anything is written.
 */
public final class TableNames {

  /** The longest table name: the Hive metastore's limit. */
  static final int MAX_LENGTH = 128;

  private static final int HASH_DIGITS = 8;

  private TableNames() {}

  /** The table name of one index. */
  public static String of(String prefix, String index) {
    String raw = (prefix == null ? "" : prefix) + index;
    StringBuilder out = new StringBuilder(raw.length());
    boolean replacedNonAscii = false;
    String lower = raw.toLowerCase(Locale.ROOT);
    for (int i = 0; i < lower.length(); ) {
      int c = lower.codePointAt(i);
      boolean plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      out.append(plain ? (char) c : '_');
      replacedNonAscii |= c > 0x7f;
      i += Character.charCount(c);
    }
    String hash = "_" + hash(raw);
    if (out.length() + (replacedNonAscii ? hash.length() : 0) > MAX_LENGTH) {
      return out.substring(0, MAX_LENGTH - hash.length()) + hash;
    }
    return replacedNonAscii ? out + hash : out.toString();
  }

  /**
   * The table name of each index, in the order given.
   *
   * @throws UsageException when two indices would write the same table
   */
  public static Map<String, String> assign(String prefix, List<String> indices) {
    Map<String, String> tables = new LinkedHashMap<>();
    Map<String, String> owners = new LinkedHashMap<>();
    List<String> clashes = new ArrayList<>();
    for (String index : indices) {
      String table = of(prefix, index);
      String owner = owners.putIfAbsent(table, index);
      if (owner != null) {
        clashes.add("'" + owner + "' and '" + index + "' both map to table '" + table + "'");
      }
      tables.put(index, table);
    }
    if (!clashes.isEmpty()) {
      throw new UsageException(
          "Cannot sync: "
              + String.join("; ", clashes)
              + ". Exclude one of each pair with --exclude.");
    }
    return tables;
  }

  private static String hash(String name) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_DIGITS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has SHA-256", e);
    }
  }
}

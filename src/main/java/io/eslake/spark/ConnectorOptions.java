package io.eslake.spark;

import io.eslake.client.ConnectionSettings;
import io.eslake.client.Credentials;
import java.io.Serializable;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every option of the catalog and of a read, with its default and meaning, in one place. Catalog
 * options come from {@code spark.sql.catalog.<name>.<key>}; read options (from {@code
 * DataFrameReader.option} or SQL {@code WITH}) override them for one query.
 */
public final class ConnectorOptions implements Serializable {

  /** One option: its key, its default (null when none) and what it does. */
  public record Key(String name, String defaultValue, String meaning, boolean secret) {}

  public static final Key URL =
      key("url", null, "Node URLs, comma-separated; https:// when the scheme is omitted.");
  public static final Key USERNAME = key("username", null, "User for HTTP basic authentication.");
  public static final Key PASSWORD = secret("password", "Password for HTTP basic authentication.");
  public static final Key API_KEY =
      secret("api_key", "API key in its encoded form (base64 of id:secret), as Kibana shows it.");
  public static final Key PASSWORD_ENV =
      key("password_env", null, "Environment variable (on the driver) holding the password.");
  public static final Key PASSWORD_FILE =
      key("password_file", null, "File (on the driver) holding the password.");
  public static final Key API_KEY_ENV =
      key("api_key_env", null, "Environment variable (on the driver) holding the API key.");
  public static final Key API_KEY_FILE =
      key("api_key_file", null, "File (on the driver) holding the API key.");
  public static final Key SLICES =
      key(
          "slices",
          "auto",
          "Sliced-scroll slices per index, one Spark partition each. auto: one per primary"
              + " shard, more for very large shards.");
  public static final Key PAGE_SIZE =
      key("page_size", "10000", "Documents per scroll page (at most index.max_result_window).");
  public static final Key SCROLL_KEEP_ALIVE =
      key("scroll_keep_alive", "5m", "How long the cluster keeps a scroll between pages.");

  private static final List<Key> ALL =
      List.of(
          URL,
          USERNAME,
          PASSWORD,
          PASSWORD_ENV,
          PASSWORD_FILE,
          API_KEY,
          API_KEY_ENV,
          API_KEY_FILE,
          SLICES,
          PAGE_SIZE,
          SCROLL_KEEP_ALIVE);

  /** Documents per slice above which auto slicing adds slices beyond one per shard. */
  static final long DOCUMENTS_PER_SLICE = 10_000_000L;

  private final Map<String, String> values;

  private ConnectorOptions(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Reads options, rejecting unknown keys with the nearest known one named.
   *
   * @throws IllegalArgumentException for an unknown key or a malformed value
   */
  public static ConnectorOptions of(Map<String, String> options) {
    Map<String, String> values = new LinkedHashMap<>();
    options.forEach(
        (k, v) -> {
          String keyName = k.toLowerCase(Locale.ROOT);
          requireKnown(keyName);
          values.put(keyName, v);
        });
    ConnectorOptions result = new ConnectorOptions(values);
    result.pageSize();
    result.slices();
    return result;
  }

  /** All options, for documentation and help text. */
  public static List<Key> all() {
    return ALL;
  }

  /** These options with another set laid over them, as a read's options lie over the catalog's. */
  public ConnectorOptions overriddenBy(Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>(values);
    of(overrides).values.forEach(merged::put);
    return new ConnectorOptions(merged);
  }

  /**
   * The connection these options describe.
   *
   * @throws IllegalArgumentException when the URL is missing or two ways to authenticate are given
   */
  public ConnectionSettings connection() {
    String url = get(URL);
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(
          "Cannot connect: no cluster URL. Set the option '" + URL.name() + "'.");
    }
    return ConnectionSettings.fromUrls(url, credentials());
  }

  /** The number of slices asked for, or 0 for automatic. */
  public int slices() {
    String value = get(SLICES);
    if (value.equalsIgnoreCase("auto")) {
      return 0;
    }
    return positiveInt(SLICES, value);
  }

  public int pageSize() {
    return positiveInt(PAGE_SIZE, get(PAGE_SIZE));
  }

  public String scrollKeepAlive() {
    return get(SCROLL_KEEP_ALIVE);
  }

  /** The value of an option, or its default. */
  String get(Key key) {
    return values.getOrDefault(key.name(), key.defaultValue());
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("ConnectorOptions{");
    values.forEach(
        (k, v) -> out.append(k).append('=').append(isSecret(k) ? "***" : v).append(", "));
    return out.append('}').toString();
  }

  private Credentials credentials() {
    String username = get(USERNAME);
    String password = secret(PASSWORD, PASSWORD_ENV, PASSWORD_FILE);
    String apiKey = secret(API_KEY, API_KEY_ENV, API_KEY_FILE);
    if (apiKey != null && username != null) {
      throw new IllegalArgumentException(
          "Cannot choose how to authenticate: both '"
              + USERNAME.name()
              + "' and '"
              + API_KEY.name()
              + "' are set. Give one.");
    }
    if (apiKey != null) {
      return Credentials.apiKey(apiKey.trim());
    }
    if (username != null) {
      if (password == null) {
        throw new IllegalArgumentException(
            "Cannot authenticate as '"
                + username
                + "': no password. Set '"
                + PASSWORD.name()
                + "'.");
      }
      return Credentials.basic(username, password);
    }
    return Credentials.none();
  }

  /**
   * A secret given directly, through an environment variable, or in a file: at most one of the
   * three. The file's content is trimmed of surrounding white space.
   */
  private String secret(Key direct, Key env, Key file) {
    int given = 0;
    String value = null;
    if (get(direct) != null) {
      given++;
      value = get(direct);
    }
    if (get(env) != null) {
      given++;
      value = System.getenv(get(env));
      if (value == null) {
        throw new IllegalArgumentException(
            "Cannot read "
                + direct.name()
                + ": the environment variable '"
                + get(env)
                + "' named by '"
                + env.name()
                + "' is not set.");
      }
    }
    if (get(file) != null) {
      given++;
      value = readSecretFile(direct, file);
    }
    if (given > 1) {
      throw new IllegalArgumentException(
          "Cannot choose where to read "
              + direct.name()
              + " from: give only one of '"
              + direct.name()
              + "', '"
              + env.name()
              + "' and '"
              + file.name()
              + "'.");
    }
    return value;
  }

  private String readSecretFile(Key direct, Key file) {
    java.nio.file.Path path = java.nio.file.Path.of(get(file));
    try {
      return java.nio.file.Files.readString(path).strip();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "Cannot read "
              + direct.name()
              + " from the file '"
              + path
              + "' named by '"
              + file.name()
              + "': "
              + e.getClass().getSimpleName());
    }
  }

  private static boolean isSecret(String keyName) {
    return ALL.stream().anyMatch(k -> k.name().equals(keyName) && k.secret());
  }

  private static int positiveInt(Key key, String value) {
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // Reported below with the key's name.
    }
    throw new IllegalArgumentException(
        "Cannot use " + key.name() + "=" + value + ": give a whole number above 0.");
  }

  private static void requireKnown(String keyName) {
    if (ALL.stream().anyMatch(k -> k.name().equals(keyName))) {
      return;
    }
    String nearest =
        ALL.stream()
            .map(Key::name)
            .min(Comparator.comparingInt(candidate -> EditDistance.between(candidate, keyName)))
            .orElseThrow();
    throw new IllegalArgumentException(
        "Unknown option '" + keyName + "'. Did you mean '" + nearest + "'?");
  }

  private static Key key(String name, String defaultValue, String meaning) {
    return new Key(name, defaultValue, meaning, false);
  }

  private static Key secret(String name, String meaning) {
    return new Key(name, null, meaning, true);
  }
}

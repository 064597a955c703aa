package io.eslake.spark;

import io.eslake.client.ConnectionSettings;
import io.eslake.client.Credentials;
import io.eslake.client.RetryPolicy;
import io.eslake.client.TlsTrust;
import io.eslake.types.ArrayFields;
import io.eslake.types.DecodeException;
import io.eslake.types.SchemaConverter;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  /**
   * One option: its key, its default (null when none), what it does, whether its value is a secret
   * (never shown), and whether it belongs to the catalog only (connection and credentials cannot
   * change for one read).
   */
  public record Key(
      String name, String defaultValue, String meaning, boolean secret, boolean catalogOnly) {}

  /*
   * Secret options are named so that Spark's default spark.redaction.regex,
   * (?i)secret|password|token|access[.]?key, matches them: the Spark UI and event logs then show
   * their values as redacted. An option named plainly "api_key" would not match, so the API key is
   * api_key_secret. ConnectorOptionsTest checks every secret key against that regex.
   */

  public static final Key URL =
      connection(
          "url",
          "Node URLs, comma-separated; https:// when the scheme is omitted, port 9200 when the port"
              + " is; a path becomes the prefix of every request.");
  public static final Key CLOUD_ID =
      connection(
          "cloud_id", "Elastic Cloud deployment's Cloud ID, instead of the URL (https, port 443).");
  public static final Key USERNAME = connection("username", "User for HTTP basic authentication.");
  public static final Key PASSWORD = secret("password", "Password for HTTP basic authentication.");
  public static final Key PASSWORD_ENV = fromEnv(PASSWORD);
  public static final Key PASSWORD_FILE = fromFile(PASSWORD);
  public static final Key API_KEY_ID =
      connection("api_key_id", "API key id, when api_key_secret is the key's secret alone.");
  public static final Key API_KEY_SECRET =
      secret(
          "api_key_secret",
          "API key in its encoded form as Kibana shows it (base64 of id:secret), or with"
              + " api_key_id the key's secret alone.");
  public static final Key API_KEY_SECRET_ENV = fromEnv(API_KEY_SECRET);
  public static final Key API_KEY_SECRET_FILE = fromFile(API_KEY_SECRET);
  public static final Key BEARER_TOKEN =
      secret("bearer_token", "Bearer token: a service account token, or an OAuth2 access token.");
  public static final Key BEARER_TOKEN_ENV = fromEnv(BEARER_TOKEN);
  public static final Key BEARER_TOKEN_FILE = fromFile(BEARER_TOKEN);
  public static final Key CA_CERTIFICATE_FILE =
      connection(
          "ca_certificate_file",
          "PEM file (on the driver) of the CA that signed the cluster's certificate; trusted"
              + " instead of the JVM's trust store.");
  public static final Key CA_FINGERPRINT =
      connection(
          "ca_fingerprint",
          "SHA-256 fingerprint of the cluster's CA certificate (or of the node's own), as"
              + " Elasticsearch prints it at first start.");
  public static final Key INSECURE_SKIP_TLS_VERIFY =
      new Key(
          "insecure_skip_tls_verify",
          "false",
          "true: trust any certificate and host name. For tests only; warned about on every run.",
          false,
          true);
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
  public static final Key ARRAY_FIELDS =
      schema(
          "array_fields",
          null,
          "Fields read as arrays, by dotted path, comma-separated; * matches any characters."
              + " Catalog option: it shapes the table schema.");
  public static final Key ARRAY_SAMPLE_SIZE =
      schema(
          "array_sample_size",
          "1000",
          "Documents read when a table is loaded to find the fields that hold arrays; 0 reads"
              + " none. Catalog option: it shapes the table schema.");
  public static final Key ON_MISMATCH =
      key(
          "on_mismatch",
          "rescue",
          "What a value that cannot fit its column does: rescue (the column is null and the"
              + " value is kept in _rescued) or fail (the read stops with an error).");
  public static final Key INCLUDE =
      listing(
          "include",
          "*",
          "Tables the catalog lists: index, data stream or alias names or patterns,"
              + " comma-separated; * matches any characters. A name without * must exist.");
  public static final Key EXCLUDE =
      listing(
          "exclude", null, "Tables the catalog leaves out: names or patterns, comma-separated.");
  public static final Key INCLUDE_HIDDEN =
      listing(
          "include_hidden",
          "false",
          "true: list hidden indices, data streams and aliases too (never names starting with"
              + " '.').");
  public static final Key INCLUDE_ALIASES =
      listing(
          "include_aliases",
          "false",
          "true: list aliases as tables, read through the alias (its filter and routing apply).");
  public static final Key CACHE_TTL =
      listing(
          "cache_ttl",
          "5s",
          "How long the catalog keeps what it listed: a duration such as 5s, 500ms or 2m; 0"
              + " lists anew for every statement.");

  public static final Key MAX_RETRIES =
      key(
          "max_retries",
          String.valueOf(RetryPolicy.DEFAULT_MAX_RETRIES),
          "Times a request is tried again when the cluster answers 429, 502, 503 or 504, or a node"
              + " that answered before refuses connections; 0 for never.");
  public static final Key RETRY_WAIT_MS =
      key(
          "retry_wait_ms",
          String.valueOf(RetryPolicy.DEFAULT_WAIT_MILLIS),
          "Longest wait before the first retry, in milliseconds; it doubles for each retry after"
              + " it, and each wait is a random time up to it.");
  public static final Key RETRY_MAX_WAIT_MS =
      key(
          "retry_max_wait_ms",
          String.valueOf(RetryPolicy.DEFAULT_MAX_WAIT_MILLIS),
          "Longest wait before any retry, in milliseconds.");

  public static final Key CONNECT_TIMEOUT_MS =
      key(
          "connect_timeout_ms",
          String.valueOf(ConnectionSettings.DEFAULT_CONNECT_TIMEOUT_MILLIS),
          "How long to wait for a connection to a node, in milliseconds.");
  public static final Key SOCKET_TIMEOUT_MS =
      key(
          "socket_timeout_ms",
          String.valueOf(ConnectionSettings.DEFAULT_SOCKET_TIMEOUT_MILLIS),
          "How long an answer may send nothing before the request fails, in milliseconds; a"
              + " node that never answered is not tried again after it.");

  public static final Key PUSHDOWN_FILTERS =
      key(
          "pushdown_filters",
          "true",
          "Ask the cluster to select the rows of WHERE conditions it answers exactly (see the"
              + " README); false: Spark filters every row.");
  public static final Key PUSHDOWN_LIMIT =
      key("pushdown_limit", "true", "Stop reading once a LIMIT's rows are read.");
  public static final Key PUSHDOWN_AGGREGATES =
      key(
          "pushdown_aggregates",
          "true",
          "Answer COUNT(*) with the cluster's count instead of reading the documents.");

  private static final List<Key> ALL =
      List.of(
          URL,
          CLOUD_ID,
          USERNAME,
          PASSWORD,
          PASSWORD_ENV,
          PASSWORD_FILE,
          API_KEY_ID,
          API_KEY_SECRET,
          API_KEY_SECRET_ENV,
          API_KEY_SECRET_FILE,
          BEARER_TOKEN,
          BEARER_TOKEN_ENV,
          BEARER_TOKEN_FILE,
          CA_CERTIFICATE_FILE,
          CA_FINGERPRINT,
          INSECURE_SKIP_TLS_VERIFY,
          SLICES,
          PAGE_SIZE,
          SCROLL_KEEP_ALIVE,
          ARRAY_FIELDS,
          ARRAY_SAMPLE_SIZE,
          ON_MISMATCH,
          INCLUDE,
          EXCLUDE,
          INCLUDE_HIDDEN,
          INCLUDE_ALIASES,
          CACHE_TTL,
          MAX_RETRIES,
          RETRY_WAIT_MS,
          RETRY_MAX_WAIT_MS,
          CONNECT_TIMEOUT_MS,
          SOCKET_TIMEOUT_MS,
          PUSHDOWN_FILTERS,
          PUSHDOWN_LIMIT,
          PUSHDOWN_AGGREGATES);

  private static final List<Key> LISTING =
      List.of(INCLUDE, EXCLUDE, INCLUDE_HIDDEN, INCLUDE_ALIASES, CACHE_TTL);

  /** The most documents a sample may read: Elasticsearch's default index.max_result_window. */
  static final int MAX_SAMPLE_SIZE = 10_000;

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
    result.arraySampleSize();
    result.failOnMismatch();
    result.includeHidden();
    result.includeAliases();
    result.cacheTtlMillis();
    result.retryPolicy();
    result.pushdownFilters();
    result.pushdownLimit();
    result.pushdownAggregates();
    return result;
  }

  /** All options, for documentation and help text. */
  public static List<Key> all() {
    return ALL;
  }

  /** These options with another set laid over them, as a read's options lie over the catalog's. */
  public ConnectorOptions overriddenBy(Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>(values);
    of(overrides)
        .values
        .forEach(
            (keyName, value) -> {
              requirePerRead(keyName);
              merged.put(keyName, value);
            });
    return new ConnectorOptions(merged);
  }

  /**
   * The connection these options describe. Secrets given through an environment variable or a file
   * are read now, on the driver, so a rotated secret is picked up by the next query.
   *
   * @throws IllegalArgumentException when the URL is missing or malformed, or when two ways to
   *     authenticate or to trust certificates are given
   */
  public ConnectionSettings connection() {
    String url = get(URL);
    String cloudId = get(CLOUD_ID);
    if (url != null && cloudId != null) {
      throw new IllegalArgumentException(
          "Cannot choose where the cluster is: both '"
              + URL.name()
              + "' and '"
              + CLOUD_ID.name()
              + "' are set. Give one.");
    }
    if (isBlank(url) && isBlank(cloudId)) {
      throw new IllegalArgumentException(
          "Cannot connect: no cluster URL. Set the option '"
              + URL.name()
              + "', or '"
              + CLOUD_ID.name()
              + "' for an Elastic Cloud deployment.");
    }
    Credentials credentials = credentials();
    ConnectionSettings settings =
        !isBlank(url)
            ? ConnectionSettings.fromUrls(url, credentials)
            : ConnectionSettings.fromCloudId(cloudId, credentials);
    return settings
        .withTls(tlsTrust())
        .withRetry(retryPolicy())
        .withTimeouts(positiveInt(CONNECT_TIMEOUT_MS), positiveInt(SOCKET_TIMEOUT_MS));
  }

  private int positiveInt(Key key) {
    int value = nonNegativeInt(key, get(key));
    if (value == 0) {
      throw new IllegalArgumentException(
          "Cannot use " + key.name() + "=0: give a number of milliseconds above 0.");
    }
    return value;
  }

  /** How requests the cluster refused for the moment are tried again. */
  public RetryPolicy retryPolicy() {
    int retries = nonNegativeInt(MAX_RETRIES, get(MAX_RETRIES));
    int wait = nonNegativeInt(RETRY_WAIT_MS, get(RETRY_WAIT_MS));
    int maxWait = nonNegativeInt(RETRY_MAX_WAIT_MS, get(RETRY_MAX_WAIT_MS));
    if (maxWait < wait) {
      throw new IllegalArgumentException(
          "Cannot use "
              + RETRY_MAX_WAIT_MS.name()
              + "="
              + maxWait
              + ": give at least "
              + RETRY_WAIT_MS.name()
              + " ("
              + wait
              + ").");
    }
    return new RetryPolicy(retries, wait, maxWait);
  }

  /** The secret options given as values rather than as a variable or file, by name. */
  public List<String> secretsGivenAsValues() {
    return ALL.stream()
        .filter(k -> k.secret() && values.containsKey(k.name()))
        .map(Key::name)
        .toList();
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

  /** The paths and patterns of the fields to read as arrays. */
  public List<String> arrayFields() {
    String value = get(ARRAY_FIELDS);
    return value == null ? List.of() : List.of(value.split(","));
  }

  /** The number of documents to sample for arrays; 0 for none. */
  public int arraySampleSize() {
    String value = get(ARRAY_SAMPLE_SIZE).trim();
    if (value.equals("0")) {
      return 0;
    }
    int size = positiveInt(ARRAY_SAMPLE_SIZE, value);
    if (size > MAX_SAMPLE_SIZE) {
      throw new IllegalArgumentException(
          "Cannot use "
              + ARRAY_SAMPLE_SIZE.name()
              + "="
              + value
              + ": give at most "
              + MAX_SAMPLE_SIZE
              + ", the most documents one search returns by default.");
    }
    return size;
  }

  /** Whether a value that cannot fit its column fails the read, rather than being rescued. */
  public boolean failOnMismatch() {
    String value = get(ON_MISMATCH).trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "rescue" -> false;
      case "fail" -> true;
      default ->
          throw new IllegalArgumentException(
              "Cannot use " + ON_MISMATCH.name() + "=" + value + ": give rescue or fail.");
    };
  }

  /** The names and patterns of the tables to list. */
  public List<String> include() {
    return names(get(INCLUDE));
  }

  /** The names and patterns of the tables to leave out. */
  public List<String> exclude() {
    return names(get(EXCLUDE));
  }

  public boolean includeHidden() {
    return bool(INCLUDE_HIDDEN);
  }

  public boolean includeAliases() {
    return bool(INCLUDE_ALIASES);
  }

  /** How long a listing stays fresh, in milliseconds; 0 when it is never reused. */
  public long cacheTtlMillis() {
    String value = get(CACHE_TTL).trim().toLowerCase(Locale.ROOT);
    java.util.regex.Matcher parts =
        java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m)?").matcher(value);
    if (!parts.matches()) {
      throw new IllegalArgumentException(
          "Cannot use "
              + CACHE_TTL.name()
              + "="
              + value
              + ": give a duration such as 5s, 500ms or 2m, or 0 to list anew every time.");
    }
    long amount = Long.parseLong(parts.group(1));
    String unit = parts.group(2) == null ? "s" : parts.group(2);
    return switch (unit) {
      case "ms" -> amount;
      case "m" -> amount * 60_000;
      default -> amount * 1000;
    };
  }

  private static List<String> names(String value) {
    if (value == null) {
      return List.of();
    }
    return java.util.Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(name -> !name.isEmpty())
        .toList();
  }

  public boolean pushdownFilters() {
    return bool(PUSHDOWN_FILTERS);
  }

  public boolean pushdownLimit() {
    return bool(PUSHDOWN_LIMIT);
  }

  public boolean pushdownAggregates() {
    return bool(PUSHDOWN_AGGREGATES);
  }

  /**
   * What a user can do about a value that stopped a read with on_mismatch=fail. Option names are
   * quoted, so that the sync job can name its flags instead.
   */
  static String remedy(DecodeException.Kind kind) {
    String rescue =
        "set '"
            + ON_MISMATCH.name()
            + "' to rescue to keep such values in the column "
            + SchemaConverter.RESCUE_COLUMN
            + " instead.";
    if (kind == DecodeException.Kind.SEVERAL_VALUES) {
      return "Name the field in the option '"
          + ARRAY_FIELDS.name()
          + "' (or in the mapping's _meta."
          + ArrayFields.META_KEY
          + ") to read it as an array, or "
          + rescue;
    }
    return "The value does not match the field's mapping; " + rescue;
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

  /** Exactly one way to authenticate, or none. */
  private Credentials credentials() {
    List<String> methods = new ArrayList<>();
    boolean basic = given(USERNAME, PASSWORD, PASSWORD_ENV, PASSWORD_FILE);
    boolean apiKey = given(API_KEY_ID, API_KEY_SECRET, API_KEY_SECRET_ENV, API_KEY_SECRET_FILE);
    boolean bearer = given(BEARER_TOKEN, BEARER_TOKEN_ENV, BEARER_TOKEN_FILE);
    if (basic) {
      methods.add("a user ('" + USERNAME.name() + "', '" + PASSWORD.name() + "')");
    }
    if (apiKey) {
      methods.add("an API key ('" + API_KEY_SECRET.name() + "')");
    }
    if (bearer) {
      methods.add("a bearer token ('" + BEARER_TOKEN.name() + "')");
    }
    if (methods.size() > 1) {
      throw new IllegalArgumentException(
          "Cannot choose how to authenticate: "
              + String.join(" and ", methods)
              + " are both given. Give one; for an API key, 'api_key_id' goes with"
              + " 'api_key_secret' when that is the key's secret alone.");
    }
    if (basic) {
      return basicCredentials();
    }
    if (apiKey) {
      return apiKeyCredentials();
    }
    if (bearer) {
      return Credentials.bearer(secret(BEARER_TOKEN, BEARER_TOKEN_ENV, BEARER_TOKEN_FILE));
    }
    return Credentials.none();
  }

  private Credentials basicCredentials() {
    String username = get(USERNAME);
    String password = secret(PASSWORD, PASSWORD_ENV, PASSWORD_FILE);
    if (username == null) {
      throw new IllegalArgumentException(
          "Cannot authenticate with a password but no user. Set '" + USERNAME.name() + "'.");
    }
    if (password == null) {
      throw new IllegalArgumentException(
          "Cannot authenticate as '"
              + username
              + "': no password. Set '"
              + PASSWORD.name()
              + "', '"
              + PASSWORD_ENV.name()
              + "' or '"
              + PASSWORD_FILE.name()
              + "'.");
    }
    return Credentials.basic(username, password);
  }

  private Credentials apiKeyCredentials() {
    String id = get(API_KEY_ID);
    String secret = secret(API_KEY_SECRET, API_KEY_SECRET_ENV, API_KEY_SECRET_FILE);
    if (secret == null) {
      throw new IllegalArgumentException(
          "Cannot authenticate with the API key '"
              + id
              + "': no secret. Set '"
              + API_KEY_SECRET.name()
              + "', '"
              + API_KEY_SECRET_ENV.name()
              + "' or '"
              + API_KEY_SECRET_FILE.name()
              + "'.");
    }
    if (id != null) {
      return Credentials.apiKey(id, secret);
    }
    try {
      return Credentials.apiKey(secret);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Cannot use '"
              + API_KEY_SECRET.name()
              + "': "
              + e.getMessage()
              + ". If it is the key's secret alone, set '"
              + API_KEY_ID.name()
              + "' too.");
    }
  }

  /** At most one way to trust the cluster's certificate; the JVM's trust store by default. */
  private TlsTrust tlsTrust() {
    String caFile = get(CA_CERTIFICATE_FILE);
    String fingerprint = get(CA_FINGERPRINT);
    boolean insecure = bool(INSECURE_SKIP_TLS_VERIFY);
    if ((caFile != null ? 1 : 0) + (fingerprint != null ? 1 : 0) + (insecure ? 1 : 0) > 1) {
      throw new IllegalArgumentException(
          "Cannot choose how to trust the cluster's certificate: give only one of '"
              + CA_CERTIFICATE_FILE.name()
              + "', '"
              + CA_FINGERPRINT.name()
              + "' and '"
              + INSECURE_SKIP_TLS_VERIFY.name()
              + "'.");
    }
    if (insecure) {
      return TlsTrust.insecure();
    }
    try {
      if (caFile != null) {
        return TlsTrust.caCertificates(readFile(CA_CERTIFICATE_FILE, "the CA certificate"));
      }
      if (fingerprint != null) {
        return TlsTrust.fingerprint(fingerprint);
      }
    } catch (IllegalArgumentException e) {
      Key key = caFile != null ? CA_CERTIFICATE_FILE : CA_FINGERPRINT;
      throw new IllegalArgumentException(
          "Cannot use " + key.name() + "=" + get(key) + ": " + e.getMessage() + ".");
    }
    return TlsTrust.jvmDefault();
  }

  private boolean given(Key... keys) {
    for (Key key : keys) {
      if (values.containsKey(key.name())) {
        return true;
      }
    }
    return false;
  }

  private boolean bool(Key key) {
    String value = get(key).trim().toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(
          "Cannot use " + key.name() + "=" + get(key) + ": give true or false.");
    }
    return value.equals("true");
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  /**
   * A secret given directly, through an environment variable, or in a file: at most one of the
   * three. The file's content is trimmed of surrounding white space.
   */
  private String secret(Key direct, Key env, Key file) {
    if (java.util.stream.Stream.of(direct, env, file).filter(this::given).count() > 1) {
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
    if (given(env)) {
      String value = System.getenv(get(env));
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
      return value;
    }
    return given(file) ? readFile(file, direct.name()).strip() : get(direct);
  }

  /** A file named by an option, read on the driver. The message never shows its content. */
  private String readFile(Key file, String what) {
    Path path = Path.of(get(file));
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read "
              + what
              + " from the file '"
              + path
              + "' named by '"
              + file.name()
              + "': "
              + (e instanceof java.nio.file.NoSuchFileException
                  ? "no such file"
                  : e.getClass().getSimpleName()));
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

  private static int nonNegativeInt(Key key, String value) {
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // Reported below with the key's name.
    }
    throw new IllegalArgumentException(
        "Cannot use " + key.name() + "=" + value + ": give a whole number, 0 or more.");
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

  private static void requirePerRead(String keyName) {
    Key key = ALL.stream().filter(k -> k.name().equals(keyName)).findFirst().orElseThrow();
    if (key.catalogOnly()) {
      String reason;
      if (key == ARRAY_FIELDS || key == ARRAY_SAMPLE_SIZE) {
        reason = "it shapes the table's schema, which is fixed when the table is loaded";
      } else if (LISTING.contains(key)) {
        reason = "it shapes what the catalog lists";
      } else {
        reason = "where and how to connect is set on the catalog";
      }
      throw new IllegalArgumentException(
          "Cannot set '"
              + keyName
              + "' for one read: "
              + reason
              + ". Set it as spark.sql.catalog.<name>."
              + keyName
              + ".");
    }
  }

  /** An option that may also be set for one read. */
  private static Key key(String name, String defaultValue, String meaning) {
    return new Key(name, defaultValue, meaning, false, false);
  }

  /** An option that shapes the table schema: catalog only, since a schema is fixed at load. */
  private static Key schema(String name, String defaultValue, String meaning) {
    return new Key(name, defaultValue, meaning, false, true);
  }

  /** An option that shapes what the catalog lists: catalog only. */
  private static Key listing(String name, String defaultValue, String meaning) {
    return new Key(name, defaultValue, meaning, false, true);
  }

  private static Key connection(String name, String meaning) {
    return new Key(name, null, meaning, false, true);
  }

  private static Key secret(String name, String meaning) {
    return new Key(name, null, meaning, true, true);
  }

  private static Key fromEnv(Key secret) {
    return connection(
        secret.name() + "_env",
        "Environment variable (on the driver) holding " + secret.name() + ".");
  }

  private static Key fromFile(Key secret) {
    return connection(
        secret.name() + "_file", "File (on the driver) holding " + secret.name() + ".");
  }
}

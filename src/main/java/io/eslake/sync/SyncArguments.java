package io.eslake.sync;

import io.eslake.client.ClusterException;
import io.eslake.client.ConnectionSettings;
import io.eslake.spark.ConnectorOptions;
import io.eslake.spark.EditDistance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sync job's command line. Each option may also come from an environment variable; the command
 * line wins. Secrets are never taken as arguments, where process lists and Spark's UI would show
 * them: they come from an environment variable or a file.
 */
public final class SyncArguments {

  /**
   * One command-line option: its flag, the environment variable behind it, its default, its
   * meaning, the catalog option it sets (null when it sets none directly), and whether it is a
   * switch that takes no value.
   */
  record Flag(
      String name,
      String env,
      String defaultValue,
      String meaning,
      String option,
      boolean isSwitch) {

    Flag(String name, String env, String defaultValue, String meaning) {
      this(name, env, defaultValue, meaning, null, false);
    }

    /** A flag whose value goes to a catalog option as it is. */
    static Flag forOption(String name, String env, ConnectorOptions.Key option, String meaning) {
      return new Flag(name, env, null, meaning, option.name(), false);
    }

    /** Whether the option takes several values, comma-separated, in one argument. */
    boolean takesList() {
      return meaning.contains("comma-separated");
    }
  }

  static final Flag URL =
      Flag.forOption(
          "--url",
          "ESLAKE_URL",
          ConnectorOptions.URL,
          "Cluster URL(s), comma-separated; https:// if no scheme.");
  static final Flag CLOUD_ID =
      Flag.forOption(
          "--cloud-id",
          "ESLAKE_CLOUD_ID",
          ConnectorOptions.CLOUD_ID,
          "Elastic Cloud deployment's Cloud ID, instead of --url.");
  static final Flag USERNAME =
      Flag.forOption(
          "--username",
          "ESLAKE_USERNAME",
          ConnectorOptions.USERNAME,
          "User for HTTP basic authentication.");
  static final Flag PASSWORD_ENV =
      new Flag(
          "--password-env",
          null,
          "ESLAKE_PASSWORD",
          "Environment variable that holds the password.");
  static final Flag PASSWORD_FILE =
      new Flag("--password-file", "ESLAKE_PASSWORD_FILE", null, "File that holds the password.");
  static final Flag API_KEY_ID =
      Flag.forOption(
          "--api-key-id",
          "ESLAKE_API_KEY_ID",
          ConnectorOptions.API_KEY_ID,
          "API key id, when the API key variable or file holds the key's secret alone.");
  static final Flag API_KEY_ENV =
      new Flag(
          "--api-key-env",
          null,
          "ESLAKE_API_KEY",
          "Environment variable that holds an API key, encoded as Kibana shows it (instead of a"
              + " user).");
  static final Flag API_KEY_FILE =
      new Flag("--api-key-file", "ESLAKE_API_KEY_FILE", null, "File that holds an API key.");
  static final Flag BEARER_TOKEN_ENV =
      new Flag(
          "--bearer-token-env",
          null,
          "ESLAKE_BEARER_TOKEN",
          "Environment variable that holds a bearer token (a service account token).");
  static final Flag BEARER_TOKEN_FILE =
      new Flag(
          "--bearer-token-file",
          "ESLAKE_BEARER_TOKEN_FILE",
          null,
          "File that holds a bearer token.");
  static final Flag CA_CERTIFICATE_FILE =
      Flag.forOption(
          "--ca-certificate-file",
          "ESLAKE_CA_CERTIFICATE_FILE",
          ConnectorOptions.CA_CERTIFICATE_FILE,
          "PEM file of the CA that signed the cluster's certificate.");
  static final Flag CA_FINGERPRINT =
      Flag.forOption(
          "--ca-fingerprint",
          "ESLAKE_CA_FINGERPRINT",
          ConnectorOptions.CA_FINGERPRINT,
          "SHA-256 fingerprint of the cluster's CA certificate.");
  static final Flag INSECURE_SKIP_TLS_VERIFY =
      new Flag(
          "--insecure-skip-tls-verify",
          "ESLAKE_INSECURE_SKIP_TLS_VERIFY",
          "false",
          "Trust any TLS certificate: for tests only.",
          ConnectorOptions.INSECURE_SKIP_TLS_VERIFY.name(),
          true);
  static final Flag INDICES =
      new Flag(
          "--indices",
          "ESLAKE_INDICES",
          "*",
          "Indices to sync: names or wildcards, comma-separated.");
  static final Flag EXCLUDE =
      new Flag("--exclude", "ESLAKE_EXCLUDE", "", "Indices to leave out: names or wildcards.");
  static final Flag INCLUDE_HIDDEN =
      new Flag(
          "--include-hidden",
          "ESLAKE_INCLUDE_HIDDEN",
          "false",
          "Sync hidden indices and data streams too (never names starting with '.').",
          ConnectorOptions.INCLUDE_HIDDEN.name(),
          true);
  static final Flag INCLUDE_ALIASES =
      new Flag(
          "--include-aliases",
          "ESLAKE_INCLUDE_ALIASES",
          "false",
          "Sync aliases too, each read through the alias (its filter and routing apply).",
          ConnectorOptions.INCLUDE_ALIASES.name(),
          true);
  static final Flag PREFIX =
      new Flag("--prefix", "ESLAKE_TABLE_PREFIX", "", "Prefix for every table name.");
  static final Flag WAREHOUSE =
      new Flag(
          "--warehouse",
          "ESLAKE_WAREHOUSE",
          "warehouse",
          "Folder the Delta tables are written under (when no --database).");
  static final Flag DATABASE =
      new Flag(
          "--database", "ESLAKE_DATABASE", null, "Metastore database to write the tables into.");
  static final Flag PARALLELISM =
      new Flag(
          "--parallelism",
          "ESLAKE_PARALLELISM",
          String.valueOf(SyncConfig.DEFAULT_PARALLELISM),
          "Indices synced at the same time; 1 syncs one after another, each as Spark jobs of"
              + " its own.");
  static final Flag BATCH_MAX_DOCUMENTS =
      new Flag(
          "--batch-max-documents",
          "ESLAKE_BATCH_MAX_DOCUMENTS",
          String.valueOf(SyncConfig.DEFAULT_BATCH_MAX_DOCUMENTS),
          "When several indices sync at once, those of at most this many documents are read and"
              + " written together in shared Spark jobs; 0 syncs each on its own.");

  static final Flag ARRAY_FIELDS =
      Flag.forOption(
          "--array-fields",
          "ESLAKE_ARRAY_FIELDS",
          ConnectorOptions.ARRAY_FIELDS,
          "Fields to read as arrays, by dotted path, comma-separated; * matches any characters.");
  static final Flag ARRAY_SAMPLE_SIZE =
      Flag.forOption(
          "--array-sample-size",
          "ESLAKE_ARRAY_SAMPLE_SIZE",
          ConnectorOptions.ARRAY_SAMPLE_SIZE,
          "Documents sampled per index to find fields that hold arrays; 0 samples none"
              + " (default: 1000).");
  static final Flag ON_MISMATCH =
      Flag.forOption(
          "--on-mismatch",
          "ESLAKE_ON_MISMATCH",
          ConnectorOptions.ON_MISMATCH,
          "A value that cannot fit its column: rescue (kept in _rescued; the default) or fail.");

  static final Flag HISTORY_TABLE =
      new Flag(
          "--history-table",
          "ESLAKE_HISTORY_TABLE",
          null,
          "Delta table each run appends one row per index to; 'none' keeps no history"
              + " (default: <prefix>sync_runs, next to the tables).");
  static final Flag REPORT =
      new Flag(
          "--report",
          "ESLAKE_REPORT",
          null,
          "File to write the run's JSON report to (the run history's rows).");
  static final Flag PROGRESS_INTERVAL =
      new Flag(
          "--progress-interval",
          "ESLAKE_PROGRESS_INTERVAL",
          "5",
          "Seconds between progress log lines when the output is not a terminal.");
  static final Flag CHECK =
      new Flag(
          "--check",
          "ESLAKE_CHECK",
          "false",
          "Check the URL, credentials and privileges, and list the indices that would be synced"
              + " with their document counts and tables; write nothing.",
          null,
          true);
  static final Flag CONFIG =
      new Flag(
          "--config",
          "ESLAKE_CONFIG",
          null,
          "Properties file of options: keys are the option names without '--'.");
  static final Flag MAX_RETRIES =
      Flag.forOption(
          "--max-retries",
          "ESLAKE_MAX_RETRIES",
          ConnectorOptions.MAX_RETRIES,
          "Retries of a request the cluster refused for the moment (429, 503, a restarting node)"
              + " (default: 6).");
  static final Flag RETRY_WAIT_MS =
      Flag.forOption(
          "--retry-wait-ms",
          "ESLAKE_RETRY_WAIT_MS",
          ConnectorOptions.RETRY_WAIT_MS,
          "Longest wait before the first retry, in ms; doubles per retry (default: 500).");
  static final Flag RETRY_MAX_WAIT_MS =
      Flag.forOption(
          "--retry-max-wait-ms",
          "ESLAKE_RETRY_MAX_WAIT_MS",
          ConnectorOptions.RETRY_MAX_WAIT_MS,
          "Longest wait before any retry, in ms (default: 30000).");
  static final Flag CONNECT_TIMEOUT_MS =
      Flag.forOption(
          "--connect-timeout-ms",
          "ESLAKE_CONNECT_TIMEOUT_MS",
          ConnectorOptions.CONNECT_TIMEOUT_MS,
          "How long to wait for a connection to a node, in ms (default: 10000).");
  static final Flag SOCKET_TIMEOUT_MS =
      Flag.forOption(
          "--socket-timeout-ms",
          "ESLAKE_SOCKET_TIMEOUT_MS",
          ConnectorOptions.SOCKET_TIMEOUT_MS,
          "How long an answer may send nothing before the request fails, in ms (default:"
              + " 120000).");
  static final Flag ONLY_FAILED =
      new Flag(
          "--only-failed",
          "ESLAKE_ONLY_FAILED",
          "false",
          "Sync only the indices that failed in the last run into this warehouse (its report"
              + " file "
              + RunReport.FILE_NAME
              + ").",
          null,
          true);

  static final List<Flag> FLAGS =
      List.of(
          URL,
          CLOUD_ID,
          USERNAME,
          PASSWORD_ENV,
          PASSWORD_FILE,
          API_KEY_ID,
          API_KEY_ENV,
          API_KEY_FILE,
          BEARER_TOKEN_ENV,
          BEARER_TOKEN_FILE,
          CA_CERTIFICATE_FILE,
          CA_FINGERPRINT,
          INSECURE_SKIP_TLS_VERIFY,
          INDICES,
          EXCLUDE,
          INCLUDE_HIDDEN,
          INCLUDE_ALIASES,
          PREFIX,
          WAREHOUSE,
          DATABASE,
          PARALLELISM,
          BATCH_MAX_DOCUMENTS,
          ARRAY_FIELDS,
          ARRAY_SAMPLE_SIZE,
          ON_MISMATCH,
          HISTORY_TABLE,
          REPORT,
          PROGRESS_INTERVAL,
          CHECK,
          CONFIG,
          MAX_RETRIES,
          RETRY_WAIT_MS,
          RETRY_MAX_WAIT_MS,
          CONNECT_TIMEOUT_MS,
          SOCKET_TIMEOUT_MS,
          ONLY_FAILED);

  /** The value of --history-table that turns the run history off. */
  static final String NO_HISTORY = "none";

  private SyncArguments() {}

  /**
   * Parses the command line against the environment.
   *
   * @throws UsageException naming the argument that cannot be used
   */
  public static SyncConfig parse(String[] args, Map<String, String> env) {
    Map<Flag, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      Flag flag = flag(arg);
      if (value == null && flag.isSwitch()) {
        value = "true";
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("Option " + arg + " needs a value.");
        }
        value = args[++i];
      }
      if (given.containsKey(flag)) {
        throw new UsageException(
            "Option "
                + flag.name()
                + " is given more than once; give it once"
                + (flag.takesList()
                    ? ", with its values comma-separated: " + flag.name() + " a,b."
                    : "."));
      }
      given.put(flag, value);
    }
    return toConfig(given, withConfigFile(given, env));
  }

  /** The usage text, with every option. */
  public static String help() {
    StringBuilder out =
        new StringBuilder(
            "Usage: spark-submit --class io.eslake.sync.SyncJob eslake.jar [options]\n\n"
                + "Copies Elasticsearch indices into Delta tables, one table per index, each"
                + " replaced in full.\n\nOptions (environment variable in brackets):\n");
    for (Flag flag : FLAGS) {
      out.append(String.format("  %-27s %s", flag.name(), flag.meaning()));
      if (flag.env() != null) {
        out.append(" [").append(flag.env()).append(']');
      }
      if (flag.defaultValue() != null && !flag.defaultValue().isEmpty() && !flag.isSwitch()) {
        out.append(" (default: ").append(flag.defaultValue()).append(')');
      }
      out.append('\n');
    }
    out.append(String.format("  %-27s %s\n", "--help", "print this text and exit"));
    out.append(
        "\nExit codes: 0 all indices synced (closed ones skipped); 1 some index failed; 2 bad"
            + " arguments or"
            + " configuration; 3 the cluster cannot be reached or refused the credentials.\n");
    return out.toString();
  }

  /**
   * A catalog message in the job's terms: each catalog option the job sets from a flag is named by
   * that flag, so the message says what to type.
   */
  static String inFlagTerms(String message) {
    String result = message;
    for (Flag flag : FLAGS) {
      if (flag.option() != null) {
        result = result.replace("'" + flag.option() + "'", flag.name());
      }
    }
    for (Map.Entry<ConnectorOptions.Key, Flag> secret : SECRET_FLAGS.entrySet()) {
      result = result.replace("'" + secret.getKey().name() + "'", secret.getValue().name());
    }
    return result;
  }

  /** The catalog options the secret flags set, as their references to a variable or a file. */
  private static final Map<ConnectorOptions.Key, Flag> SECRET_FLAGS =
      Map.of(
          ConnectorOptions.PASSWORD_ENV, PASSWORD_ENV,
          ConnectorOptions.PASSWORD_FILE, PASSWORD_FILE,
          ConnectorOptions.API_KEY_SECRET_ENV, API_KEY_ENV,
          ConnectorOptions.API_KEY_SECRET_FILE, API_KEY_FILE,
          ConnectorOptions.BEARER_TOKEN_ENV, BEARER_TOKEN_ENV,
          ConnectorOptions.BEARER_TOKEN_FILE, BEARER_TOKEN_FILE);

  private static Flag flag(String arg) {
    if (arg.equals("--password") || arg.equals("--api-key") || arg.equals("--bearer-token")) {
      throw new UsageException(
          "Secrets are not taken on the command line, where process lists and Spark's UI show"
              + " them. Use "
              + arg
              + "-env or "
              + arg
              + "-file.");
    }
    for (Flag flag : FLAGS) {
      if (flag.name().equals(arg)) {
        return flag;
      }
    }
    if (!arg.startsWith("--")) {
      throw new UsageException(
          "Unexpected argument '"
              + arg
              + "': each argument is an option starting with -- followed by its value, and a"
              + " switch such as --check takes none (or --check=true).");
    }
    String nearest = nearest(arg);
    if (EditDistance.between(nearest, arg) > Math.max(2, arg.length() / 3)) {
      throw new UsageException("Unknown option " + arg + ". Run with --help to see every option.");
    }
    throw new UsageException("Unknown option " + arg + ". Did you mean " + nearest + "?");
  }

  /** The known flag name nearest to an unknown one. */
  static String nearest(String arg) {
    return FLAGS.stream()
        .map(Flag::name)
        .min(Comparator.comparingInt(name -> EditDistance.between(name, arg)))
        .orElseThrow();
  }

  private static SyncConfig toConfig(Map<Flag, String> given, Map<String, String> env) {
    Map<String, String> catalog = new LinkedHashMap<>();
    putWhere(catalog, given, env);
    putCredentials(catalog, given, env);
    putOption(catalog, given, env, CA_CERTIFICATE_FILE);
    putOption(catalog, given, env, CA_FINGERPRINT);
    for (Flag flag : List.of(INSECURE_SKIP_TLS_VERIFY, INCLUDE_HIDDEN, INCLUDE_ALIASES)) {
      if (Boolean.parseBoolean(value(flag, given, env))) {
        catalog.put(flag.option(), "true");
      }
    }
    for (Flag typeFlag : List.of(ARRAY_FIELDS, ARRAY_SAMPLE_SIZE, ON_MISMATCH)) {
      putOption(catalog, given, env, typeFlag);
      checkOption(catalog, List.of(typeFlag));
    }
    List<Flag> retryFlags = List.of(MAX_RETRIES, RETRY_WAIT_MS, RETRY_MAX_WAIT_MS);
    retryFlags.forEach(flag -> putOption(catalog, given, env, flag));
    checkOption(catalog, retryFlags);
    String database = value(DATABASE, given, env);
    String prefix = value(PREFIX, given, env);
    return new SyncConfig(
        catalog,
        list(value(INDICES, given, env)),
        list(value(EXCLUDE, given, env)),
        prefix,
        warehouse(value(WAREHOUSE, given, env)),
        isBlank(database) ? null : database,
        historyTable(value(HISTORY_TABLE, given, env), prefix),
        blankToNull(value(REPORT, given, env)),
        Boolean.parseBoolean(value(CHECK, given, env)),
        seconds(value(PROGRESS_INTERVAL, given, env)),
        Boolean.parseBoolean(value(ONLY_FAILED, given, env)),
        (int)
            wholeNumber(
                PARALLELISM,
                value(PARALLELISM, given, env),
                1,
                Integer.MAX_VALUE,
                "give a whole number of 1 or more."),
        wholeNumber(
            BATCH_MAX_DOCUMENTS,
            value(BATCH_MAX_DOCUMENTS, given, env),
            0,
            Long.MAX_VALUE,
            "give a whole number of documents, or 0 to sync each index on its own."));
  }

  /**
   * A flag's whole-number value, at least {@code least} and at most {@code most}.
   *
   * @param advice what to give instead, said after the value refused
   */
  private static long wholeNumber(Flag flag, String value, long least, long most, String advice) {
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed >= least && parsed <= most) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // Reported below with the flag's name.
    }
    throw new UsageException("Cannot use " + flag.name() + " " + value + ": " + advice);
  }

  private static String historyTable(String value, String prefix) {
    if (isBlank(value)) {
      return (prefix == null ? "" : prefix) + "sync_runs";
    }
    String name = value.trim();
    if (name.equalsIgnoreCase(NO_HISTORY)) {
      return null;
    }
    if (!name.matches("[A-Za-z0-9_]{1," + TableNames.MAX_LENGTH + "}")) {
      throw new UsageException(
          "Cannot use "
              + HISTORY_TABLE.name()
              + " '"
              + name
              + "': give a table name of letters, digits and underscores (the table is a folder"
              + " under --warehouse, or a table in --database), or none to keep no history.");
    }
    return name;
  }

  private static String warehouse(String value) {
    if (isBlank(value)) {
      throw new UsageException("No warehouse. Give --warehouse, the folder the tables go under.");
    }
    return value.trim();
  }

  private static double seconds(String value) {
    try {
      double seconds = Double.parseDouble(value.trim());
      if (seconds > 0 && seconds <= 3600) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // Reported below with the flag's name.
    }
    throw new UsageException(
        PROGRESS_INTERVAL.name()
            + " must be a number of seconds above 0 and at most 3600, not '"
            + value
            + "'.");
  }

  private static String blankToNull(String value) {
    return isBlank(value) ? null : value.trim();
  }

  /** The keys that say how to authenticate, taken from a config file as one group. */
  private static final List<Flag> AUTHENTICATION_FLAGS =
      List.of(
          USERNAME,
          PASSWORD_ENV,
          PASSWORD_FILE,
          API_KEY_ID,
          API_KEY_ENV,
          API_KEY_FILE,
          BEARER_TOKEN_ENV,
          BEARER_TOKEN_FILE);

  /**
   * Whether the command line or the environment chooses how to authenticate: a user (also an empty
   * one, which clears the file's), or an API key or a bearer token, named by a flag, by its
   * variable or by a secret in the default variable. The config file's authentication keys then
   * count for nothing, so a shared file naming a user does not clash with an API key given for one
   * run. A password alone chooses nothing: it is the secret of the user the file may name.
   */
  private static boolean choosesAuthentication(Map<Flag, String> given, Map<String, String> env) {
    for (Flag flag : AUTHENTICATION_FLAGS) {
      if (flag == PASSWORD_ENV || flag == PASSWORD_FILE) {
        continue;
      }
      if (given.containsKey(flag) || (flag.env() != null && env.get(flag.env()) != null)) {
        return true;
      }
    }
    return env.get(API_KEY_ENV.defaultValue()) != null
        || env.get(BEARER_TOKEN_ENV.defaultValue()) != null;
  }

  /**
   * The environment with the config file's values behind it: a key of the file counts only where
   * neither the command line nor the environment gives the option. Options that have no variable go
   * to the given options, unless the command line gave them.
   */
  private static Map<String, String> withConfigFile(
      Map<Flag, String> given, Map<String, String> env) {
    String file = value(CONFIG, given, env);
    if (isBlank(file)) {
      return env;
    }
    Map<String, String> merged = new LinkedHashMap<>(env);
    boolean authenticationChosen = choosesAuthentication(given, env);
    // A password in the environment (ESLAKE_PASSWORD) wins over a password file or variable the
    // config file names, as the environment wins over the file for every option.
    boolean passwordChosen =
        !given.containsKey(PASSWORD_ENV)
            && !given.containsKey(PASSWORD_FILE)
            && env.get(PASSWORD_FILE.env()) == null
            && env.get(PASSWORD_ENV.defaultValue()) != null;
    ConfigFile.read(Path.of(file.trim()))
        .forEach(
            (flag, value) -> {
              if (authenticationChosen && AUTHENTICATION_FLAGS.contains(flag)) {
                return;
              }
              if (passwordChosen && (flag == PASSWORD_FILE || flag == PASSWORD_ENV)) {
                return;
              }
              if (flag.env() == null) {
                given.putIfAbsent(flag, value);
              } else if (!given.containsKey(flag)) {
                merged.putIfAbsent(flag.env(), value);
              }
            });
    return merged;
  }

  private static void putWhere(
      Map<String, String> catalog, Map<Flag, String> given, Map<String, String> env) {
    String url = value(URL, given, env);
    String cloudId = value(CLOUD_ID, given, env);
    if (isBlank(url) && isBlank(cloudId)) {
      throw new UsageException(
          "No cluster URL. Give --url (or --cloud-id), or set ESLAKE_URL (or ESLAKE_CLOUD_ID).");
    }
    if (!isBlank(url) && !isBlank(cloudId)) {
      throw new UsageException("Give only one of --url and --cloud-id.");
    }
    if (!isBlank(url)) {
      try {
        ConnectionSettings.checkUrls(url);
      } catch (ClusterException e) {
        // A URL that cannot work is a usage error, found before anything connects.
        throw new UsageException(e.getMessage());
      }
    }
    putOption(catalog, given, env, isBlank(url) ? CLOUD_ID : URL);
  }

  /**
   * Passes the one way to authenticate to the catalog: the secret as a reference to a variable or a
   * file, never as a value.
   */
  private static void putCredentials(
      Map<String, String> catalog, Map<Flag, String> given, Map<String, String> env) {
    List<String> methods = new ArrayList<>();
    String username = blankToNull(value(USERNAME, given, env));
    if (username != null) {
      methods.add(USERNAME.name());
    } else if (given.containsKey(PASSWORD_ENV) || given.containsKey(PASSWORD_FILE)) {
      throw new UsageException("A password was given without a user. Give --username too.");
    }
    boolean apiKey =
        putSecret(catalog, given, env, API_KEY_ENV, API_KEY_FILE, ConnectorOptions.API_KEY_SECRET);
    if (value(API_KEY_ID, given, env) != null) {
      if (!apiKey) {
        throw new UsageException(
            "An API key id was given without the key's secret. Set ESLAKE_API_KEY, or give"
                + " --api-key-env or --api-key-file.");
      }
      putOption(catalog, given, env, API_KEY_ID);
    }
    if (apiKey) {
      methods.add("an API key");
    }
    if (putSecret(
        catalog, given, env, BEARER_TOKEN_ENV, BEARER_TOKEN_FILE, ConnectorOptions.BEARER_TOKEN)) {
      methods.add("a bearer token");
    }
    if (methods.size() > 1) {
      throw new UsageException(
          "Cannot choose how to authenticate: "
              + String.join(" and ", methods)
              + " are both given (as options, in the environment or in the config file)."
              + " Give one: --username with"
              + " a password, an API key (--api-key-env or --api-key-file), or a bearer token"
              + " (--bearer-token-env or --bearer-token-file).");
    }
    if (username != null) {
      catalog.put(USERNAME.option(), username.trim());
      putSecret(catalog, given, env, PASSWORD_ENV, PASSWORD_FILE, ConnectorOptions.PASSWORD);
    }
  }

  /** Rejects values the catalog would refuse, naming the flags to change. */
  private static void checkOption(Map<String, String> catalog, List<Flag> flags) {
    Map<String, String> values = new LinkedHashMap<>();
    flags.stream()
        .filter(flag -> catalog.containsKey(flag.option()))
        .forEach(flag -> values.put(flag.option(), catalog.get(flag.option())));
    try {
      ConnectorOptions.of(values);
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      for (Flag flag : flags) {
        message = message.replace(flag.option(), flag.name());
      }
      throw new UsageException(message);
    }
  }

  private static void putOption(
      Map<String, String> catalog, Map<Flag, String> given, Map<String, String> env, Flag flag) {
    String value = value(flag, given, env);
    if (!isBlank(value)) {
      catalog.put(flag.option(), value.trim());
    }
  }

  /**
   * Adds a secret reference to the catalog options: a file if one is named, else an environment
   * variable if it is set. The password is required once a user is given; other secrets are
   * optional.
   *
   * @return whether a secret was found
   */
  private static boolean putSecret(
      Map<String, String> catalog,
      Map<Flag, String> given,
      Map<String, String> env,
      Flag envFlag,
      Flag fileFlag,
      ConnectorOptions.Key option) {
    String file = value(fileFlag, given, env);
    String variable = value(envFlag, given, env);
    if (file != null && given.containsKey(fileFlag) && given.containsKey(envFlag)) {
      throw new UsageException(
          "Give only one of " + envFlag.name() + " and " + fileFlag.name() + ".");
    }
    if (file != null) {
      catalog.put(option.name() + "_file", file);
      return true;
    }
    if (env.get(variable) != null) {
      catalog.put(option.name() + "_env", variable);
      return true;
    }
    if (given.containsKey(envFlag)) {
      throw new UsageException(
          "The environment variable " + variable + " named by " + envFlag.name() + " is not set.");
    }
    if (option == ConnectorOptions.PASSWORD) {
      throw new UsageException(
          "No password for the user. Set ESLAKE_PASSWORD, or give --password-env or"
              + " --password-file.");
    }
    return false;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private static String value(Flag flag, Map<Flag, String> given, Map<String, String> env) {
    if (given.containsKey(flag)) {
      return given.get(flag);
    }
    if (flag.env() != null && env.get(flag.env()) != null) {
      return env.get(flag.env());
    }
    return flag.defaultValue();
  }

  private static List<String> list(String value) {
    List<String> items = new ArrayList<>();
    if (value == null) {
      return items;
    }
    Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(items::add);
    return items;
  }
}

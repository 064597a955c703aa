package io.eslake.sync;

import io.eslake.spark.ConnectorOptions;
import io.eslake.spark.EditDistance;
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

  /** One command-line option: its flag, the environment variable behind it, and its meaning. */
  record Flag(String name, String env, String defaultValue, String meaning) {}

  static final Flag URL =
      new Flag(
          "--url", "ESLAKE_URL", null, "Cluster URL(s), comma-separated; https:// if no scheme.");
  static final Flag USERNAME =
      new Flag("--username", "ESLAKE_USERNAME", null, "User for HTTP basic authentication.");
  static final Flag PASSWORD_ENV =
      new Flag(
          "--password-env",
          null,
          "ESLAKE_PASSWORD",
          "Environment variable that holds the password.");
  static final Flag PASSWORD_FILE =
      new Flag("--password-file", "ESLAKE_PASSWORD_FILE", null, "File that holds the password.");
  static final Flag API_KEY_ENV =
      new Flag(
          "--api-key-env",
          null,
          "ESLAKE_API_KEY",
          "Environment variable that holds an encoded API key (instead of a user).");
  static final Flag API_KEY_FILE =
      new Flag("--api-key-file", "ESLAKE_API_KEY_FILE", null, "File that holds an API key.");
  static final Flag INDICES =
      new Flag(
          "--indices",
          "ESLAKE_INDICES",
          "*",
          "Indices to sync: names or wildcards, comma-separated.");
  static final Flag EXCLUDE =
      new Flag("--exclude", "ESLAKE_EXCLUDE", "", "Indices to leave out: names or wildcards.");
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

  static final List<Flag> FLAGS =
      List.of(
          URL,
          USERNAME,
          PASSWORD_ENV,
          PASSWORD_FILE,
          API_KEY_ENV,
          API_KEY_FILE,
          INDICES,
          EXCLUDE,
          PREFIX,
          WAREHOUSE,
          DATABASE);

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
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("Option " + arg + " needs a value.");
        }
        value = args[++i];
      }
      given.put(flag, value);
    }
    return toConfig(given, env);
  }

  /** The usage text, with every option. */
  public static String help() {
    StringBuilder out =
        new StringBuilder(
            "Usage: spark-submit --class io.eslake.sync.SyncJob eslake.jar [options]\n\n"
                + "Copies Elasticsearch indices into Delta tables, one table per index, each"
                + " replaced in full.\n\nOptions (environment variable in brackets):\n");
    for (Flag flag : FLAGS) {
      out.append(String.format("  %-16s %s", flag.name(), flag.meaning()));
      if (flag.env() != null) {
        out.append(" [").append(flag.env()).append(']');
      }
      if (flag.defaultValue() != null && !flag.defaultValue().isEmpty()) {
        out.append(" (default: ").append(flag.defaultValue()).append(')');
      }
      out.append('\n');
    }
    out.append(
        "\nExit codes: 0 all indices synced; 1 some index failed; 2 bad arguments or"
            + " configuration; 3 the cluster cannot be reached or refused the credentials.\n");
    return out.toString();
  }

  private static Flag flag(String arg) {
    if (arg.equals("--password") || arg.equals("--api-key")) {
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
    String nearest =
        FLAGS.stream()
            .map(Flag::name)
            .min(Comparator.comparingInt(name -> EditDistance.between(name, arg)))
            .orElseThrow();
    throw new UsageException("Unknown option " + arg + ". Did you mean " + nearest + "?");
  }

  private static SyncConfig toConfig(Map<Flag, String> given, Map<String, String> env) {
    String url = value(URL, given, env);
    if (url == null || url.isBlank()) {
      throw new UsageException("No cluster URL. Give --url or set ESLAKE_URL.");
    }
    Map<String, String> catalog = new LinkedHashMap<>();
    catalog.put(ConnectorOptions.URL.name(), url);
    String username = value(USERNAME, given, env);
    if (username != null) {
      catalog.put(ConnectorOptions.USERNAME.name(), username);
      putSecret(catalog, given, env, PASSWORD_ENV, PASSWORD_FILE, "password", "--password");
    } else if (!putSecret(catalog, given, env, API_KEY_ENV, API_KEY_FILE, "api_key", "--api-key")) {
      if (given.containsKey(PASSWORD_ENV) || given.containsKey(PASSWORD_FILE)) {
        throw new UsageException("A password was given without a user. Give --username too.");
      }
    }
    String database = value(DATABASE, given, env);
    return new SyncConfig(
        catalog,
        list(value(INDICES, given, env)),
        list(value(EXCLUDE, given, env)),
        value(PREFIX, given, env),
        value(WAREHOUSE, given, env),
        database == null || database.isBlank() ? null : database);
  }

  /**
   * Adds a secret reference to the catalog options: a file if one is named, else an environment
   * variable if it is set.
   *
   * @return whether a secret was found
   */
  private static boolean putSecret(
      Map<String, String> catalog,
      Map<Flag, String> given,
      Map<String, String> env,
      Flag envFlag,
      Flag fileFlag,
      String option,
      String secretFlag) {
    String file = value(fileFlag, given, env);
    String variable = value(envFlag, given, env);
    if (file != null && given.containsKey(fileFlag) && given.containsKey(envFlag)) {
      throw new UsageException(
          "Give only one of " + envFlag.name() + " and " + fileFlag.name() + ".");
    }
    if (file != null) {
      catalog.put(option + "_file", file);
      return true;
    }
    if (env.get(variable) != null) {
      catalog.put(option + "_env", variable);
      return true;
    }
    if (given.containsKey(envFlag)) {
      throw new UsageException(
          "The environment variable " + variable + " named by " + envFlag.name() + " is not set.");
    }
    if (secretFlag.equals("--password")) {
      throw new UsageException(
          "No password for the user. Set ESLAKE_PASSWORD, or give --password-env or"
              + " --password-file.");
    }
    return false;
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

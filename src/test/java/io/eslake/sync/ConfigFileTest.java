package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

  @TempDir Path dir;

  private Path file(String text) throws IOException {
    Path file = Files.createTempFile(dir, "sync", ".properties");
    Files.writeString(file, text);
    return file;
  }

  private static String failure(Map<String, String> env, String... args) {
    return assertThrows(UsageException.class, () -> SyncArguments.parse(args, env)).getMessage();
  }

  @Test
  void theCommandLineWinsOverTheEnvironmentWhichWinsOverTheFile() throws IOException {
    Path config = file("url = http://from-file:9200\nindices = file-*\nprefix = f_\n");
    String[] withFile = {"--config", config.toString()};
    Map<String, String> env = Map.of("ESLAKE_INDICES", "env-*");

    SyncConfig fromAll =
        SyncArguments.parse(
            new String[] {"--config", config.toString(), "--indices", "cli-*"}, env);
    assertEquals(List.of("cli-*"), fromAll.include());
    assertEquals(List.of("env-*"), SyncArguments.parse(withFile, env).include());
    SyncConfig fileOnly = SyncArguments.parse(withFile, Map.of());
    assertEquals(List.of("file-*"), fileOnly.include());
    assertEquals("http://from-file:9200", fileOnly.catalogOptions().get("url"));
    assertEquals("f_", fileOnly.tablePrefix());
    assertEquals("f_sync_runs", fileOnly.historyTable(), "the history table takes the prefix");
    SyncConfig defaults = SyncArguments.parse(new String[] {"--url", "es"}, Map.of());
    assertEquals(List.of("*"), defaults.include());
    assertEquals("sync_runs", defaults.historyTable());
    assertEquals(5.0, defaults.progressSeconds());
    assertFalse(defaults.check());
    assertNull(defaults.reportFile());
  }

  /**
   * ESLAKE_PASSWORD in the environment wins over the password file the config file names, as the
   * environment wins over the file for every option (an operator rotating the secret through the
   * environment had the file's password used without a word).
   */
  @Test
  void aPasswordInTheEnvironmentWinsOverTheFilesPasswordFile() throws IOException {
    Path config = file("url = es\nusername = u\npassword-file = /etc/eslake/pw\n");
    String[] withFile = {"--config", config.toString()};

    SyncConfig fromEnv = SyncArguments.parse(withFile, Map.of("ESLAKE_PASSWORD", "p"));
    SyncConfig fromFile = SyncArguments.parse(withFile, Map.of());
    SyncConfig fromCommandLine =
        SyncArguments.parse(
            new String[] {"--config", config.toString(), "--password-file", "/run/pw"},
            Map.of("ESLAKE_PASSWORD", "p"));

    assertEquals("ESLAKE_PASSWORD", fromEnv.catalogOptions().get("password_env"));
    assertNull(fromEnv.catalogOptions().get("password_file"));
    assertEquals("/etc/eslake/pw", fromFile.catalogOptions().get("password_file"));
    assertEquals("/run/pw", fromCommandLine.catalogOptions().get("password_file"));
  }

  @Test
  void theFileCanBeNamedInTheEnvironment() throws IOException {
    Path config = file("url = es\ncheck = true\nhistory-table = none\nreport = r.json\n");
    SyncConfig parsed =
        SyncArguments.parse(new String[0], Map.of("ESLAKE_CONFIG", config.toString()));
    assertTrue(parsed.check());
    assertNull(parsed.historyTable(), "'none' keeps no history");
    assertEquals("r.json", parsed.reportFile());
  }

  @Test
  void anUnknownKeyNamesTheNearestOne() throws IOException {
    Path config = file("url = es\nindexes = logs-*\n");
    String message = failure(Map.of(), "--config", config.toString());
    assertEquals(
        "Unknown key 'indexes' in the config file " + config + ". Did you mean 'indices'?",
        message);
    assertTrue(
        failure(Map.of(), "--url", "es", "--histroy-table", "x")
            .contains("Did you mean --history-table?"));
  }

  @Test
  void secretsAreRefusedInTheFileAndNeverEchoed() throws IOException {
    Path config = file("url = es\nusername = u\npassword = S3cret-value\n");
    String message = failure(Map.of(), "--config", config.toString());
    assertTrue(message.contains("password-env or password-file"), message);
    assertFalse(message.contains("S3cret-value"), message);
  }

  /**
   * The shipped script always passes the example file, which names a user: an API key or a token
   * given for one run replaces the file's way to authenticate instead of clashing with it.
   */
  @Test
  void authenticationChosenOutsideTheFileReplacesTheFilesAsAWhole() throws IOException {
    Path config = file("url = es\nusername = reader\npassword-file = /etc/pw\n");
    String[] withFile = {"--config", config.toString()};

    Map<String, String> apiKeyOnly =
        SyncArguments.parse(withFile, Map.of("ESLAKE_API_KEY", "a2V5OnNlY3JldA=="))
            .catalogOptions();
    assertEquals("ESLAKE_API_KEY", apiKeyOnly.get("api_key_secret_env"), apiKeyOnly.toString());
    assertNull(apiKeyOnly.get("username"), apiKeyOnly.toString());
    assertNull(apiKeyOnly.get("password_file"), apiKeyOnly.toString());

    Map<String, String> token =
        SyncArguments.parse(
                new String[] {
                  "--config", config.toString(), "--username", "", "--bearer-token-env", "TOKEN"
                },
                Map.of("TOKEN", "t"))
            .catalogOptions();
    assertEquals("TOKEN", token.get("bearer_token_env"), token.toString());
    assertNull(token.get("username"), "an empty --username clears the file's user");

    Map<String, String> filesUser =
        SyncArguments.parse(withFile, Map.of("ESLAKE_PASSWORD", "p")).catalogOptions();
    assertEquals("reader", filesUser.get("username"), "a password alone keeps the file's user");
    assertEquals("ESLAKE_PASSWORD", filesUser.get("password_env"), "and replaces its password");
    assertNull(filesUser.get("password_file"), filesUser.toString());

    String both =
        failure(
            Map.of("ESLAKE_API_KEY", "a2V5OnNlY3JldA=="), "--url", "es", "--username", "elastic");
    assertTrue(
        both.startsWith("Cannot choose how to authenticate: --username and an API key"),
        "two ways are named before the missing password: " + both);
  }

  /** The history table is a folder under the warehouse: a path cannot lead it anywhere else. */
  @Test
  void aHistoryTableIsATableNameNotAPath() {
    for (String name : new String[] {"../../escape", "a/b", "..", "/tmp/x", "runs.v2"}) {
      String message = failure(Map.of(), "--url", "es", "--history-table", name);
      assertTrue(
          message.startsWith("Cannot use --history-table '" + name + "': give a table name"),
          message);
    }
    assertEquals(
        "Sync_Runs_2",
        SyncArguments.parse(
                new String[] {"--url", "es", "--history-table", "Sync_Runs_2"}, Map.of())
            .historyTable());
  }

  @Test
  void aMissingFileAndABadIntervalAreOneLineErrors() {
    assertEquals(
        "The config file /no/such.properties does not exist.",
        failure(Map.of(), "--config", "/no/such.properties"));
    assertTrue(
        failure(Map.of(), "--url", "es", "--progress-interval", "soon")
            .startsWith("--progress-interval must be a number of seconds"));
  }

  /** The example in conf/ gives every key, and the parser takes it as it is shipped. */
  @Test
  void theExampleConfigHasEveryKeyAndParses() throws IOException {
    Path example = Path.of("conf", "eslake-sync.properties");
    String text = Files.readString(example);
    Set<String> keys =
        text.lines()
            .map(line -> line.startsWith("# ") ? line.substring(2) : line)
            .filter(line -> line.matches("[a-z-]+ =.*"))
            .map(line -> line.substring(0, line.indexOf(' ')))
            .collect(Collectors.toSet());
    Set<String> flags =
        SyncArguments.FLAGS.stream()
            .filter(flag -> flag != SyncArguments.CONFIG)
            .map(flag -> flag.name().substring(2))
            .collect(Collectors.toSet());
    assertEquals(flags, keys);

    SyncConfig parsed =
        SyncArguments.parse(
            new String[] {"--config", example.toString()}, Map.of("ESLAKE_PASSWORD", "p"));
    Properties active = new Properties();
    active.load(Files.newBufferedReader(example));
    assertEquals(active.getProperty("url"), parsed.catalogOptions().get("url"));
    assertEquals(active.getProperty("warehouse"), parsed.warehouse());
  }

  /** The README documents every option, in the table and in --help. */
  @Test
  void everyOptionIsDocumented() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    String help = SyncArguments.help();
    for (SyncArguments.Flag flag : SyncArguments.FLAGS) {
      assertTrue(readme.contains("| `" + flag.name() + "`"), flag.name() + " in README");
      assertTrue(help.contains("  " + flag.name() + " "), flag.name() + " in --help");
    }
  }
}

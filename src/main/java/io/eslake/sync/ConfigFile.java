package io.eslake.sync;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sync job's configuration file: Java properties (UTF-8) whose keys are the command-line
 * options without their leading dashes ({@code indices = logs-*}). Read once on the driver, before
 * anything connects. Unknown keys are errors naming the nearest known key; secrets are refused, as
 * on the command line: the file names the variable or file that holds them.
 */
final class ConfigFile {

  private static final Set<String> SECRETS = Set.of("password", "api-key", "bearer-token");

  private ConfigFile() {}

  /**
   * Reads a configuration file.
   *
   * @return each option the file gives, in key order
   * @throws UsageException naming the file and the key that cannot be used
   */
  static Map<SyncArguments.Flag, String> read(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw new UsageException("The config file " + file + " does not exist.");
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("Cannot read the config file " + file + ": " + e.getMessage());
    }
    Map<SyncArguments.Flag, String> values = new LinkedHashMap<>();
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      values.put(flag(file, key), properties.getProperty(key).trim());
    }
    return values;
  }

  private static SyncArguments.Flag flag(Path file, String key) {
    String name = "--" + key.trim();
    if (SECRETS.contains(key.trim())) {
      throw new UsageException(
          "The config file "
              + file
              + " gives '"
              + key
              + "': secrets are not kept in the config file. Use "
              + key
              + "-env or "
              + key
              + "-file.");
    }
    for (SyncArguments.Flag flag : SyncArguments.FLAGS) {
      if (flag.name().equals(name) && flag != SyncArguments.CONFIG) {
        return flag;
      }
    }
    throw new UsageException(
        "Unknown key '"
            + key
            + "' in the config file "
            + file
            + ". Did you mean '"
            + SyncArguments.nearest(name).substring(2)
            + "'?");
  }
}

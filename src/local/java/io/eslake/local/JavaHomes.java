package io.eslake.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Picks the Java that runs a given server version: 9.x and OpenSearch 3.x need Java 21. */
final class JavaHomes {

  private JavaHomes() {}

  static String forElasticsearch(String serverVersion) {
    int needed = Integer.parseInt(serverVersion.split("\\.")[0]) >= 9 ? 21 : 17;
    return find(needed);
  }

  static String forOpenSearch(String serverVersion) {
    int needed = Integer.parseInt(serverVersion.split("\\.")[0]) >= 3 ? 21 : 17;
    return find(needed);
  }

  /**
   * The Java home for a server: {@code ESLAKE_SERVER_JAVA_HOME} if set, else this JVM when it is
   * new enough, else the newest JDK under /usr/lib/jvm that is.
   */
  private static String find(int neededMajor) {
    String configured = System.getenv("ESLAKE_SERVER_JAVA_HOME");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    if (Runtime.version().feature() >= neededMajor) {
      return System.getProperty("java.home");
    }
    return newestUnder(Path.of("/usr/lib/jvm"), neededMajor)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "This server version needs Java "
                        + neededMajor
                        + " or later. Set ESLAKE_SERVER_JAVA_HOME to such a JDK."));
  }

  private static Optional<String> newestUnder(Path root, int neededMajor) {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(root)) {
      return homes
          .filter(home -> Files.isExecutable(home.resolve("bin/java")))
          .filter(home -> major(home) >= neededMajor)
          .max(Comparator.comparingInt(JavaHomes::major))
          .map(Path::toString);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int major(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          String version = line.substring(line.indexOf('"') + 1);
          return Integer.parseInt(version.split("[.\"]")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}

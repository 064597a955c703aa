package io.eslake.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1: a master and two workers of one core each, every one a
 * JVM of its own started from the build's classpath. The product's classes are left off that
 * classpath: a driver gets them from a jar built here, and its executors through {@code
 * spark.jars}, as on a real cluster. Close it to stop every process it started.
 */
final class StandaloneCluster implements AutoCloseable {

  private static final Duration START_LIMIT = Duration.ofSeconds(90);

  private final Path folder;
  private final List<String> dependencies;
  private final Path productJar;
  private final List<Process> processes = new ArrayList<>();
  private final int masterPort;

  private StandaloneCluster(Path folder) throws IOException {
    this.folder = Files.createDirectories(folder);
    Path classes = codeSource(SyncJob.class);
    this.dependencies = dependencies(classes);
    this.productJar = jar(classes, folder.resolve("eslake-job.jar"));
    this.masterPort = freePort();
  }

  /** Starts the master and both workers and waits until the workers have registered. */
  static StandaloneCluster start(Path folder) throws IOException {
    StandaloneCluster cluster = new StandaloneCluster(folder);
    try {
      cluster.startAll();
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The work folder of worker 1 or 2, where it keeps each executor's folder and output. */
  Path workerFolder(int worker) {
    return folder.resolve("worker-" + worker);
  }

  /**
   * Runs a class's main method as a driver JVM of this cluster with executors of 512 MB and one
   * core each, and returns its exit code; its output goes to driver.log in the cluster's folder.
   */
  int runDriver(String mainClass, List<String> args, Duration limit) throws IOException {
    Path log = folder.resolve("driver.log");
    List<String> command = java("1g", classpath(productJar));
    command.addAll(
        List.of(
            "-Dspark.master=" + masterUrl(),
            "-Dspark.app.name=eslake-standalone-test",
            "-Dspark.jars=" + productJar,
            "-Dspark.driver.host=127.0.0.1",
            "-Dspark.driver.bindAddress=127.0.0.1",
            "-Dspark.ui.enabled=false",
            "-Dspark.executor.memory=512m",
            "-Dspark.executor.cores=1",
            "-Dspark.cores.max=2",
            "-Dspark.sql.shuffle.partitions=4",
            "-Dspark.executor.extraClassPath="
                + String.join(java.io.File.pathSeparator, dependencies),
            "-Dspark.executor.extraJavaOptions="
                + System.getProperty("eslake.spark.opens", "")
                + " -Dlog4j2.configurationFile="
                + executorLogging(),
            mainClass));
    command.addAll(args);
    Process driver = launch(command, log);
    try {
      if (!driver.waitFor(limit.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "The driver did not finish in " + limit + ":\n" + tail(log));
      }
      return driver.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What the driver printed. */
  String driverOutput() throws IOException {
    return Files.readString(folder.resolve("driver.log"));
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process process = processes.get(i);
      List<ProcessHandle> children = process.descendants().toList();
      process.destroy();
      children.forEach(ProcessHandle::destroy);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    for (Process process : processes) {
      List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
      all.add(process.toHandle());
      for (ProcessHandle handle : all) {
        while (handle.isAlive() && System.nanoTime() < deadline) {
          sleep(100);
        }
        handle.destroyForcibly();
      }
    }
  }

  private void startAll() throws IOException {
    List<String> master = java("256m", classpath(null));
    master.addAll(
        List.of(
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(masterPort),
            "--webui-port",
            "0"));
    Process started = launch(master, folder.resolve("master.log"));
    await(() -> accepts(masterPort), started, "the Spark master to listen");
    for (int worker = 1; worker <= 2; worker++) {
      Path work = Files.createDirectories(workerFolder(worker));
      Path log = folder.resolve("worker-" + worker + ".log");
      List<String> command = java("256m", classpath(null));
      command.addAll(
          List.of(
              "org.apache.spark.deploy.worker.Worker",
              "--host",
              "127.0.0.1",
              "--cores",
              "1",
              "--memory",
              "640m",
              "--webui-port",
              "0",
              "--work-dir",
              work.toString(),
              masterUrl()));
      Process process = launch(command, log);
      await(
          () -> contains(log, "Successfully registered with master"),
          process,
          "worker " + worker + " to register");
    }
  }

  private Process launch(List<String> command, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.directory(folder.toFile());
    Path sparkHome = Files.createDirectories(folder.resolve("spark-home/jars"));
    builder.environment().put("SPARK_HOME", sparkHome.getParent().toString());
    builder.environment().put("SPARK_SCALA_VERSION", scalaVersion());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().remove("SPARK_CONF_DIR");
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private List<String> java(String heap, String classpath) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    String opens = System.getProperty("eslake.spark.opens", "");
    if (!opens.isBlank()) {
      command.addAll(Arrays.asList(opens.trim().split("\\s+")));
    }
    command.add("-Dlog4j2.configurationFile=" + executorLogging());
    command.add("-cp");
    command.add(classpath);
    return command;
  }

  /** The dependencies, with the product jar when given. */
  private String classpath(Path jar) {
    List<String> entries = new ArrayList<>(dependencies);
    if (jar != null) {
      entries.add(0, jar.toString());
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  /** Spark's own lines at INFO (they show tasks running on executors), to each JVM's output. */
  private String executorLogging() {
    Path file = folder.resolve("log4j2.properties");
    if (!Files.exists(file)) {
      try {
        Files.writeString(
            file,
            String.join(
                "\n",
                "rootLogger.level = warn",
                "rootLogger.appenderRef.stderr.ref = console",
                "appender.console.type = Console",
                "appender.console.name = console",
                "appender.console.target = SYSTEM_ERR",
                "appender.console.layout.type = PatternLayout",
                "appender.console.layout.pattern = %d{HH:mm:ss} %-5p %c{1}: %m%n%ex",
                "logger.executor.name = org.apache.spark.executor.Executor",
                "logger.executor.level = info",
                "logger.worker.name = org.apache.spark.deploy.worker.Worker",
                "logger.worker.level = info",
                "logger.eslake.name = io.eslake",
                "logger.eslake.level = info",
                ""));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return file.toString();
  }

  /** The test classpath without the product's classes and the tests' own. */
  private static List<String> dependencies(Path productClasses) {
    String all =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path testClasses = codeSource(StandaloneCluster.class);
    return Stream.of(all.split(java.io.File.pathSeparator))
        .filter(entry -> !entry.isBlank())
        .filter(entry -> !Path.of(entry).toAbsolutePath().equals(productClasses))
        .filter(entry -> !Path.of(entry).toAbsolutePath().equals(testClasses))
        .toList();
  }

  private static Path codeSource(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toAbsolutePath();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Packs a classes folder into a jar, as the build's package phase would. */
  private static Path jar(Path classes, Path target) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target));
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        try (InputStream in = Files.newInputStream(file)) {
          in.transferTo(out);
        }
        out.closeEntry();
      }
    }
    return target;
  }

  /** The Scala version of the Spark on the classpath, which the worker's launcher asks for. */
  private String scalaVersion() {
    return dependencies.stream()
        .map(entry -> Path.of(entry).getFileName().toString())
        .filter(name -> name.startsWith("spark-core_"))
        .map(name -> name.substring("spark-core_".length(), "spark-core_".length() + 4))
        .findFirst()
        .orElse("2.12");
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean contains(Path log, String text) {
    try {
      return Files.exists(log) && Files.readString(log).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  private void await(java.util.function.BooleanSupplier done, Process process, String what)
      throws IOException {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (!done.getAsBoolean()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("Timed out waiting for " + what + ":\n" + tail(folder));
      }
      sleep(250);
    }
  }

  private static String tail(Path logOrFolder) throws IOException {
    List<Path> logs;
    if (Files.isDirectory(logOrFolder)) {
      try (Stream<Path> files = Files.list(logOrFolder)) {
        logs = files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
      }
    } else {
      logs = List.of(logOrFolder);
    }
    StringBuilder out = new StringBuilder();
    for (Path log : logs) {
      List<String> lines = Files.readAllLines(log);
      out.append("== ").append(log.getFileName()).append('\n');
      lines
          .subList(Math.max(0, lines.size() - 20), lines.size())
          .forEach(line -> out.append(line).append('\n'));
    }
    return out.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

package io.eslake.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.net.ssl.SSLContext;

/**
 * A real Elasticsearch for the tests, the quickstart and the benchmarks, with security on and basic
 * authentication, as most clusters run. Three ways to get one, in order:
 *
 * <ol>
 *   <li>a cluster named by the environment variable {@code ESLAKE_TEST_URL} (with {@code
 *       ESLAKE_TEST_USERNAME} and {@code ESLAKE_TEST_PASSWORD});
 *   <li>a Testcontainers container, when a Docker engine answers;
 *   <li>the distribution Maven downloads, unpacked and started on 127.0.0.1 on free ports. When the
 *       build runs as root, Elasticsearch (which refuses root) runs as the user nobody.
 * </ol>
 *
 * <p>Close it to stop what it started; a JVM shutdown hook does the same.
 */
public final class LocalElasticsearch implements AutoCloseable {

  public static final String URL_ENV = "ESLAKE_TEST_URL";
  public static final String USERNAME_ENV = "ESLAKE_TEST_USERNAME";
  public static final String PASSWORD_ENV = "ESLAKE_TEST_PASSWORD";

  /** The bootstrap password of the elastic user on clusters started here. */
  public static final String ELASTIC_PASSWORD = "eslake-local-pw";

  private static final int NOBODY = 65534;

  /** The file in a node folder that holds the process id of the JVM that started the node. */
  private static final String OWNER_FILE = "owner";

  private static LocalElasticsearch shared;

  private final String url;
  private final String username;
  private final String password;
  private final Launch launch;
  private final SSLContext sslContext;

  /** What was started and how to stop it, or nothing for an external cluster. */
  private interface Launch {
    void stop();

    /** Stops the node, keeping its data, configuration and port; false where it cannot. */
    default boolean halt() {
      return false;
    }

    /** Adds a file-realm user with roles; false where the cluster cannot take one. */
    boolean addFileUser(String user, String password, List<String> roles);

    /** Adds role definitions (roles.yml syntax); false where the cluster cannot take them. */
    boolean addRoles(String yaml);

    /** Creates a file-based service account token; empty where the cluster cannot take one. */
    Optional<String> addServiceToken(String account, String tokenName);

    /**
     * The shell command, up to the tool's own arguments, that runs one of the distribution's tools
     * (elasticsearch-users) on this node's configuration as the node's user; empty where the node
     * is not one this process unpacked.
     */
    default Optional<String> toolCommand(String tool) {
      return Optional.empty();
    }

    /** The node's roles.yml, for file-based roles; empty where there is none to edit. */
    default Optional<Path> rolesFile() {
      return Optional.empty();
    }
  }

  private LocalElasticsearch(String url, String username, String password, Launch launch) {
    this(url, username, password, launch, null);
  }

  private LocalElasticsearch(
      String url, String username, String password, Launch launch, SSLContext sslContext) {
    this.url = url;
    this.username = username;
    this.password = password;
    this.launch = launch;
    this.sslContext = sslContext;
  }

  /** The instance the whole JVM shares, started on first use. */
  public static synchronized LocalElasticsearch shared() {
    if (shared == null) {
      shared = start(Settings.defaults());
      LocalElasticsearch started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "eslake-es-stop"));
    }
    return shared;
  }

  /** Starts (or connects to) a cluster as the class comment describes. */
  public static LocalElasticsearch start(Settings settings) {
    String external = System.getenv(URL_ENV);
    if (external != null && !external.isBlank()) {
      String user = System.getenv().getOrDefault(USERNAME_ENV, "elastic");
      String pw = System.getenv().getOrDefault(PASSWORD_ENV, "");
      return new LocalElasticsearch(external, user, pw, new External());
    }
    if (settings.product() == Product.ELASTICSEARCH && ContainerLaunch.dockerAvailable()) {
      return ContainerLaunch.start(settings);
    }
    return startDistribution(settings, null);
  }

  /**
   * Starts a node of its own from the distribution with HTTPS on, serving a certificate chain and
   * key in PEM form (see {@link LocalCertificates}). Its own helpers ({@link #admin()}) trust the
   * chain's CA; close it when done.
   */
  public static LocalElasticsearch startHttps(Settings settings, LocalCertificates certificates) {
    return startDistribution(settings, certificates);
  }

  public String url() {
    return url;
  }

  /** The administrator's name, or null on a server that asks for no login. */
  public String username() {
    return username;
  }

  /** The administrator's password, or null on a server that asks for no login. */
  public String password() {
    return password;
  }

  /** Whether the server asks for a login; OpenSearch from its test distribution does not. */
  public boolean secured() {
    return username != null;
  }

  /** A client that sends requests as the administrator, for setting up test data. */
  public AdminClient admin() {
    return new AdminClient(url, username, password, sslContext);
  }

  /**
   * Adds a file-realm user. The cluster picks up the change within a few seconds; this waits until
   * the user can authenticate.
   *
   * @return false when this cluster cannot take file-realm users (an external cluster)
   */
  public boolean addFileUser(String user, String userPassword, List<String> roles) {
    if (!launch.addFileUser(user, userPassword, roles)) {
      return false;
    }
    waitUntil(
        () -> status("/_security/_authenticate", user, userPassword) == 200,
        Duration.ofSeconds(30),
        "user " + user + " to become able to authenticate");
    return true;
  }

  /** Adds file-based role definitions in roles.yml syntax; false where not possible. */
  public boolean addRoles(String yaml) {
    return launch.addRoles(yaml);
  }

  /**
   * How a user adds file-realm users and roles to this node by hand: its roles.yml and the command
   * that runs elasticsearch-users on it; empty for a node this process did not unpack.
   */
  public Optional<String> fileRealmHelp() {
    Optional<String> users = launch.toolCommand("elasticsearch-users");
    Optional<Path> roles = launch.rolesFile();
    if (users.isEmpty() || roles.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "File-realm roles: append to "
            + roles.get()
            + "\nFile-realm users: "
            + users.get()
            + " useradd <user> -p <password> -r <role>");
  }

  /**
   * Creates a file-based token for a built-in service account (such as {@code elastic/kibana}) and
   * waits until it authenticates.
   *
   * @return the token, or empty when this cluster cannot take one (an external cluster)
   */
  public Optional<String> addServiceToken(String account, String tokenName) {
    Optional<String> token = launch.addServiceToken(account, tokenName);
    token.ifPresent(
        value ->
            waitUntil(
                () -> status("/_security/_authenticate", "Bearer " + value) == 200,
                Duration.ofSeconds(30),
                "the token of " + account + " to become able to authenticate"));
    return token;
  }

  @Override
  public void close() {
    launch.stop();
  }

  /** The servers the launcher starts: Elasticsearch with security on, OpenSearch without. */
  public enum Product {
    ELASTICSEARCH("elasticsearch", "org/elasticsearch/distribution/integ-test-zip/elasticsearch"),
    /** The integration-test distribution carries no security plugin: plain HTTP, no login. */
    OPENSEARCH("opensearch", "org/opensearch/distribution/integ-test-zip/opensearch");

    private final String name;
    private final String repositoryPath;

    Product(String name, String repositoryPath) {
      this.name = name;
      this.repositoryPath = repositoryPath;
    }

    /** The distribution's name, as in its file and its scripts. */
    public String distributionName() {
      return name;
    }
  }

  /**
   * Stops a node started from the distribution, keeping its data folder and port, for tests of a
   * cluster that goes away; {@link #startAgain()} brings it back with its indices.
   *
   * @throws UnsupportedOperationException for a container or an external cluster
   */
  public void halt() {
    if (!launch.halt()) {
      throw new UnsupportedOperationException("Only a node started from the distribution halts");
    }
  }

  /** Starts a halted node again on the same data folder and port, and waits until it is healthy. */
  public void startAgain() {
    if (!(launch instanceof DistributionLaunch distribution)) {
      throw new UnsupportedOperationException("Only a node started from the distribution halts");
    }
    try {
      distribution.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the local Elasticsearch again", e);
    }
    awaitHealthy(distribution);
  }

  /** How to start a cluster from the distribution. */
  public record Settings(
      Product product, String version, String heap, Path workRoot, Path distributions) {
    /** The version and paths the build passes in system properties, or sensible defaults. */
    public static Settings defaults() {
      return server(Product.ELASTICSEARCH, System.getProperty("eslake.server.version", "8.19.3"));
    }

    /** A given server version, with the heap and paths the build passes in. */
    public static Settings server(Product product, String version) {
      Path work = Path.of(System.getProperty("eslake.work", "target"));
      return new Settings(
          product,
          version,
          System.getProperty("eslake.es.heap", "512m"),
          work,
          Path.of(
              System.getProperty(
                  "eslake.distributions", work.resolve("distributions").toString())));
    }

    public Settings withHeap(String newHeap) {
      return new Settings(product, version, newHeap, workRoot, distributions);
    }

    /** "elasticsearch-8.19.3": the distribution's file name without extension. */
    String distribution() {
      return product.distributionName() + "-" + version;
    }

    boolean secured() {
      return product == Product.ELASTICSEARCH;
    }

    /** The Java home the server's scripts are given. */
    String javaHome() {
      return product == Product.OPENSEARCH
          ? JavaHomes.forOpenSearch(version)
          : JavaHomes.forElasticsearch(version);
    }
  }

  // ---- the distribution ---------------------------------------------------------------------

  /**
   * Starts a node on free ports. A port found free can be taken by another process before the node
   * binds it; the start is then tried again on other ports, up to three times. A node that stopped
   * itself while starting for another reason is started once more, its output printed first: one
   * such stop was seen in CI with no cause in the node's output, and a failure that repeats still
   * fails the start with the node's words.
   */
  private static LocalElasticsearch startDistribution(
      Settings settings, LocalCertificates certificates) {
    boolean startedAgain = false;
    for (int attempt = 1; ; attempt++) {
      try {
        return startDistributionOnce(settings, certificates);
      } catch (PortTakenException e) {
        if (attempt == 3) {
          throw new IllegalStateException(e.getMessage(), e);
        }
      } catch (StoppedWhileStartingException e) {
        if (startedAgain) {
          throw new IllegalStateException(e.getMessage(), e);
        }
        startedAgain = true;
        System.err.println(e.getMessage() + "\nStarting it once more on other ports.");
      }
    }
  }

  /** A node that exited while starting, for a reason other than a taken port. */
  private static final class StoppedWhileStartingException extends RuntimeException {
    StoppedWhileStartingException(String message) {
      super(message);
    }
  }

  /** A node that exited because a port it was given was taken meanwhile. */
  private static final class PortTakenException extends RuntimeException {
    PortTakenException(String message) {
      super(message);
    }
  }

  private static LocalElasticsearch startDistributionOnce(
      Settings settings, LocalCertificates certificates) {
    try {
      boolean root = isRoot();
      Path base = nodesBase(settings).resolve(settings.product().distributionName());
      Path home = unpack(settings, base, root);
      stopLeftovers(base);
      int httpPort = freePort();
      int transportPort = freePort();
      Path instance = base.resolve("node-" + httpPort);
      DistributionLaunch launch = new DistributionLaunch(home, instance, root, settings);
      launch.configure(httpPort, transportPort, certificates);
      String scheme = certificates == null ? "http" : "https";
      String url = scheme + "://127.0.0.1:" + httpPort;
      launch.start();
      SSLContext trust = certificates == null ? null : certificates.trustingCa();
      LocalElasticsearch es =
          settings.secured()
              ? new LocalElasticsearch(url, "elastic", ELASTIC_PASSWORD, launch, trust)
              : new LocalElasticsearch(url, null, null, launch, trust);
      es.awaitHealthy(launch);
      return es;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the local Elasticsearch", e);
    }
  }

  /** The unpacked distribution, for its command-line tools; unpacks it on first use. */
  static Path distributionHome(Settings settings) throws IOException {
    return unpack(
        settings, nodesBase(settings).resolve(settings.product().distributionName()), isRoot());
  }

  private static Path nodesBase(Settings settings) throws IOException {
    return isRoot() ? rootSafeBase(settings.workRoot()) : settings.workRoot().toAbsolutePath();
  }

  private void awaitHealthy(DistributionLaunch launch) {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      if (!launch.isAlive()) {
        String tail = launch.tail();
        String message = "The local server exited while starting. Its last output:\n" + tail;
        launch.stop();
        if (tail.contains("Address already in use")) {
          throw new PortTakenException(message);
        }
        throw new StoppedWhileStartingException(message);
      }
      if (status("/_cluster/health?wait_for_status=yellow&timeout=1s", username, password) == 200) {
        return;
      }
      sleep(500);
    }
    launch.stop();
    throw new IllegalStateException(
        "The local Elasticsearch did not become healthy in 180 s. Its last output:\n"
            + launch.tail());
  }

  /** The HTTP status of a GET, or -1 when nothing answered. */
  public int status(String path, String user, String userPassword) {
    if (user == null) {
      return status(path, (String) null);
    }
    String auth =
        Base64.getEncoder()
            .encodeToString((user + ":" + userPassword).getBytes(StandardCharsets.UTF_8));
    return status(path, "Basic " + auth);
  }

  private int status(String path, String authorization) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    if (sslContext != null) {
      builder.sslContext(sslContext);
    }
    HttpClient http = builder.build();
    HttpRequest request =
        (authorization == null
                ? HttpRequest.newBuilder(URI.create(url + path))
                : HttpRequest.newBuilder(URI.create(url + path))
                    .header("Authorization", authorization))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * Where to put Elasticsearch when running as root: the work folder if the user nobody can reach
   * it, else the system temporary folder, which everyone can.
   */
  private static Path rootSafeBase(Path workRoot) throws IOException {
    Path work = workRoot.toAbsolutePath();
    Files.createDirectories(work);
    if (nobodyCanEnter(work)) {
      return work;
    }
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "eslake-" + NOBODY);
    Files.createDirectories(tmp);
    return tmp;
  }

  private static boolean nobodyCanEnter(Path dir) {
    for (Path p = dir; p != null; p = p.getParent()) {
      try {
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        if (perms.charAt(8) != 'x') {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private static Path unpack(Settings settings, Path root, boolean forNobody) throws IOException {
    Path home = root.resolve("dist-" + settings.version());
    Path marker = home.resolve(".unpacked");
    if (Files.exists(marker)) {
      return home;
    }
    Path zip = findDistribution(settings);
    Path staging = root.resolve("dist-" + settings.version() + ".partial");
    deleteTree(staging);
    Files.createDirectories(staging);
    try (ZipFile archive = new ZipFile(zip.toFile())) {
      for (ZipEntry entry : java.util.Collections.list(archive.entries())) {
        String name = entry.getName();
        int slash = name.indexOf('/');
        String relative = slash < 0 ? "" : name.substring(slash + 1);
        if (relative.isEmpty()) {
          continue;
        }
        Path target = staging.resolve(relative).normalize();
        if (!target.startsWith(staging)) {
          throw new IOException("Unsafe path in the distribution: " + name);
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          try (InputStream in = archive.getInputStream(entry)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    }
    try (Stream<Path> scripts = Files.list(staging.resolve("bin"))) {
      scripts.forEach(p -> p.toFile().setExecutable(true, false));
    }
    makeReadableByAll(staging);
    deleteTree(home);
    Files.move(staging, home);
    Files.writeString(marker, settings.version());
    return home;
  }

  private static Path findDistribution(Settings settings) throws IOException {
    String file = settings.distribution() + ".zip";
    List<Path> candidates =
        List.of(
            settings.distributions().resolve(file),
            Path.of(
                System.getProperty("user.home"),
                ".m2/repository",
                settings.product().repositoryPath,
                settings.version(),
                file));
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IOException(
        "Cannot find the distribution "
            + file
            + " in "
            + candidates
            + ". Run 'mvn generate-test-resources' (with -Pmatrix for the versions other than the"
            + " default) to download it.");
  }

  private static void makeReadableByAll(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        p.toFile().setReadable(true, false);
        if (Files.isDirectory(p)) {
          p.toFile().setExecutable(true, false);
        }
      }
    }
  }

  /**
   * Stops nodes a previous JVM started here and could not stop (it was killed): each node folder
   * records the JVM that owns it and its process ids; a node whose owner still runs (this JVM, or
   * another test run) is left alone, and a process is ended only if it is still an Elasticsearch of
   * that folder.
   */
  private static void stopLeftovers(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> nodes = Files.list(root)) {
      for (Path node : nodes.filter(p -> p.getFileName().toString().startsWith("node-")).toList()) {
        if (ownerIsAlive(node)) {
          continue;
        }
        Path pids = node.resolve("pids");
        if (Files.exists(pids)) {
          for (String line : Files.readAllLines(pids)) {
            ProcessHandle.of(Long.parseLong(line.trim()))
                .filter(h -> h.info().commandLine().orElse("").contains(node.toString()))
                .ifPresent(ProcessHandle::destroyForcibly);
          }
        }
        deleteTree(node);
      }
    }
  }

  private static boolean ownerIsAlive(Path node) {
    try {
      long owner = Long.parseLong(Files.readString(node.resolve(OWNER_FILE)).strip());
      return ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The token in the output of elasticsearch-service-tokens: "SERVICE_TOKEN name = value". */
  private static String serviceToken(String output) {
    for (String line : output.split("\n")) {
      if (line.startsWith("SERVICE_TOKEN ") && line.contains(" = ")) {
        return line.substring(line.indexOf(" = ") + 3).strip();
      }
    }
    throw new IllegalStateException(
        "No token in the output of elasticsearch-service-tokens: " + output);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Elasticsearch", e);
    }
  }

  public static void waitUntil(
      java.util.function.BooleanSupplier done, Duration limit, String what) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Timed out waiting for " + what);
      }
      sleep(250);
    }
  }

  /** A node started from the unpacked distribution. */
  private static final class DistributionLaunch implements Launch {
    private final Path home;
    private final Path instance;
    private final boolean asNobody;
    private final Settings settings;
    private Process process;

    DistributionLaunch(Path home, Path instance, boolean asNobody, Settings settings) {
      this.home = home;
      this.instance = instance;
      this.asNobody = asNobody;
      this.settings = settings;
    }

    void configure(int httpPort, int transportPort, LocalCertificates certificates)
        throws IOException {
      Path config = instance.resolve("config");
      Files.createDirectories(config.resolve("jvm.options.d"));
      Files.writeString(instance.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
      try (Stream<Path> files = Files.list(home.resolve("config"))) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          Files.copy(file, config.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.createDirectories(instance.resolve("data"));
      Files.createDirectories(instance.resolve("logs"));
      Files.createDirectories(instance.resolve("tmp"));
      pointJvmFilesAtInstance(config.resolve("jvm.options"));
      String yml =
          String.join(
              "\n",
              "cluster.name: eslake-local",
              "node.name: eslake-local",
              "network.host: 127.0.0.1",
              "http.port: " + httpPort,
              "transport.port: " + transportPort,
              "discovery.type: single-node",
              "path.data: " + instance.resolve("data"),
              "path.logs: " + instance.resolve("logs"),
              settings.secured() ? security(config, certificates) : "",
              "action.destructive_requires_name: false",
              "cluster.routing.allocation.disk.threshold_enabled: false",
              "");
      Files.writeString(config.resolve(settings.product().distributionName() + ".yml"), yml);
      Files.writeString(
          config.resolve("jvm.options.d").resolve("heap.options"),
          "-Xms" + settings.heap() + "\n-Xmx" + settings.heap() + "\n");
      if (asNobody) {
        chownToNobody(instance);
      }
      if (!settings.secured()) {
        return;
      }
      tool(List.of("elasticsearch-keystore", "create"), null);
      tool(
          List.of("elasticsearch-keystore", "add", "-x", "-f", "bootstrap.password"),
          ELASTIC_PASSWORD);
    }

    /**
     * Older distributions name the GC log, error file and heap dumps relative to the folder the
     * node starts in, which is the distribution's (read-only to the user nobody): names them in
     * this node's folder instead.
     */
    private void pointJvmFilesAtInstance(Path jvmOptions) throws IOException {
      String logs = instance.resolve("logs") + "/";
      String options =
          Files.readString(jvmOptions)
              .replace("file=logs/", "file=" + logs)
              .replace("-Xloggc:logs/", "-Xloggc:" + logs)
              .replace("ErrorFile=logs/", "ErrorFile=" + logs)
              .replace("HeapDumpPath=data", "HeapDumpPath=" + instance.resolve("data"));
      Files.writeString(jvmOptions, options);
    }

    /**
     * Security on with the bootstrap password, transport TLS off (one node), and HTTPS when
     * certificates are given.
     */
    private static String security(Path config, LocalCertificates certificates) throws IOException {
      return String.join(
          "\n",
          "xpack.security.enabled: true",
          httpTls(config, certificates),
          "xpack.security.transport.ssl.enabled: false");
    }

    /** The settings that turn HTTPS on with the given certificates, copied into the config. */
    private static String httpTls(Path config, LocalCertificates certificates) throws IOException {
      if (certificates == null) {
        return "xpack.security.http.ssl.enabled: false";
      }
      Files.copy(certificates.nodeChain(), config.resolve("http-chain.crt"));
      Files.copy(certificates.nodeKey(), config.resolve("http.key"));
      return String.join(
          "\n",
          "xpack.security.http.ssl.enabled: true",
          "xpack.security.http.ssl.certificate: http-chain.crt",
          "xpack.security.http.ssl.key: http.key");
    }

    void start() throws IOException {
      String script = "bin/" + settings.product().distributionName();
      ProcessBuilder builder = command(List.of(home.resolve(script).toString()));
      builder.redirectErrorStream(true);
      builder.redirectOutput(instance.resolve("logs/console.log").toFile());
      process = builder.start();
      recordPids();
    }

    boolean isAlive() {
      if (process.isAlive()) {
        recordPids();
      }
      return process.isAlive();
    }

    String tail() {
      try {
        List<String> lines = Files.readAllLines(instance.resolve("logs/console.log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
      } catch (IOException e) {
        return "(no output: " + e.getMessage() + ")";
      }
    }

    @Override
    public synchronized boolean halt() {
      if (process == null) {
        return false;
      }
      terminate();
      return true;
    }

    @Override
    public synchronized void stop() {
      if (process == null) {
        return;
      }
      terminate();
      try {
        deleteTree(instance);
      } catch (IOException e) {
        // A node folder left behind is removed by the next start in this work folder.
      }
    }

    private void terminate() {
      List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
      all.forEach(ProcessHandle::destroy);
      process.destroy();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      for (ProcessHandle handle : all) {
        while (handle.isAlive() && System.nanoTime() < deadline) {
          sleep(100);
        }
        handle.destroyForcibly();
      }
      process.destroyForcibly();
      process = null;
    }

    @Override
    public boolean addFileUser(String user, String userPassword, List<String> roles) {
      if (!settings.secured()) {
        return false;
      }
      List<String> args = new ArrayList<>(List.of("elasticsearch-users", "useradd", user));
      args.addAll(List.of("-p", userPassword));
      if (!roles.isEmpty()) {
        args.addAll(List.of("-r", String.join(",", roles)));
      }
      tool(args, null);
      return true;
    }

    @Override
    public Optional<String> addServiceToken(String account, String tokenName) {
      if (!settings.secured()) {
        return Optional.empty();
      }
      String output =
          tool(List.of("elasticsearch-service-tokens", "create", account, tokenName), null);
      return Optional.of(serviceToken(output));
    }

    @Override
    public Optional<String> toolCommand(String tool) {
      if (!settings.secured()) {
        return Optional.empty();
      }
      String user =
          asNobody ? "setpriv --reuid=" + NOBODY + " --regid=" + NOBODY + " --clear-groups " : "";
      String prefix = settings.product() == Product.OPENSEARCH ? "OPENSEARCH_" : "ES_";
      return Optional.of(
          user
              + "env "
              + prefix
              + "JAVA_HOME="
              + settings.javaHome()
              + " "
              + prefix
              + "PATH_CONF="
              + instance.resolve("config")
              + " "
              + home.resolve("bin").resolve(tool));
    }

    @Override
    public Optional<Path> rolesFile() {
      return settings.secured()
          ? Optional.of(instance.resolve("config/roles.yml"))
          : Optional.empty();
    }

    @Override
    public boolean addRoles(String yaml) {
      if (!settings.secured()) {
        return false;
      }
      try {
        Path roles = instance.resolve("config/roles.yml");
        Files.writeString(roles, "\n" + yaml + "\n", java.nio.file.StandardOpenOption.APPEND);
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void recordPids() {
      if (process == null) {
        return;
      }
      List<String> pids = new ArrayList<>();
      pids.add(Long.toString(process.pid()));
      process.descendants().forEach(h -> pids.add(Long.toString(h.pid())));
      try {
        Files.write(instance.resolve("pids"), pids);
      } catch (IOException e) {
        // Only used to clean up after a killed JVM.
      }
    }

    private String tool(List<String> args, String stdin) {
      List<String> command = new ArrayList<>(args);
      command.set(0, home.resolve("bin").resolve(args.get(0)).toString());
      ProcessBuilder builder = command(command);
      builder.redirectErrorStream(true);
      try {
        Process tool = builder.start();
        if (stdin != null) {
          tool.getOutputStream().write((stdin + "\n").getBytes(StandardCharsets.UTF_8));
        }
        tool.getOutputStream().close();
        String output = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (tool.waitFor() != 0) {
          throw new IllegalStateException(
              "Elasticsearch tool " + args.get(0) + " failed: " + output.strip());
        }
        return output;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private ProcessBuilder command(List<String> command) {
      List<String> full = new ArrayList<>();
      if (asNobody) {
        full.addAll(
            List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
      }
      full.addAll(command);
      ProcessBuilder builder = new ProcessBuilder(full);
      Map<String, String> env = builder.environment();
      String prefix = settings.product() == Product.OPENSEARCH ? "OPENSEARCH_" : "ES_";
      env.put(prefix + "JAVA_HOME", settings.javaHome());
      env.put(prefix + "PATH_CONF", instance.resolve("config").toString());
      env.put(prefix + "TMPDIR", instance.resolve("tmp").toString());
      env.put("HOME", instance.toString());
      env.remove("JAVA_HOME");
      env.remove(prefix + "JAVA_OPTS");
      env.remove("JAVA_TOOL_OPTIONS");
      builder.directory(instance.toFile());
      return builder;
    }

    private static void chownToNobody(Path dir) throws IOException {
      try {
        Process chown =
            new ProcessBuilder("chown", "-R", NOBODY + ":" + NOBODY, dir.toString())
                .redirectErrorStream(true)
                .start();
        if (chown.waitFor() != 0) {
          throw new IOException(
              "chown failed: " + new String(chown.getInputStream().readAllBytes()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }

  /** A cluster someone else runs: nothing to start or stop. */
  private static final class External implements Launch {
    @Override
    public void stop() {}

    @Override
    public boolean addFileUser(String user, String password, List<String> roles) {
      return false;
    }

    @Override
    public boolean addRoles(String yaml) {
      return false;
    }

    @Override
    public Optional<String> addServiceToken(String account, String tokenName) {
      return Optional.empty();
    }
  }

  /** Testcontainers, when a Docker engine is there. */
  private static final class ContainerLaunch implements Launch {
    private final org.testcontainers.elasticsearch.ElasticsearchContainer container;

    private ContainerLaunch(org.testcontainers.elasticsearch.ElasticsearchContainer container) {
      this.container = container;
    }

    static boolean dockerAvailable() {
      boolean socket = Files.exists(Path.of("/var/run/docker.sock"));
      if (!socket && System.getenv("DOCKER_HOST") == null) {
        return false;
      }
      try {
        return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
      } catch (RuntimeException | LinkageError e) {
        return false;
      }
    }

    static LocalElasticsearch start(Settings settings) {
      var image =
          org.testcontainers.utility.DockerImageName.parse(
                  "docker.elastic.co/elasticsearch/elasticsearch")
              .withTag(settings.version());
      var container =
          new org.testcontainers.elasticsearch.ElasticsearchContainer(image)
              .withPassword(ELASTIC_PASSWORD)
              .withEnv("xpack.security.http.ssl.enabled", "false")
              .withEnv("ES_JAVA_OPTS", "-Xms" + settings.heap() + " -Xmx" + settings.heap());
      container.start();
      String url = "http://" + container.getHttpHostAddress();
      return new LocalElasticsearch(
          url, "elastic", ELASTIC_PASSWORD, new ContainerLaunch(container));
    }

    @Override
    public void stop() {
      container.stop();
    }

    @Override
    public boolean addFileUser(String user, String password, List<String> roles) {
      try {
        var result =
            container.execInContainer(
                "bin/elasticsearch-users",
                "useradd",
                user,
                "-p",
                password,
                "-r",
                String.join(",", roles));
        return result.getExitCode() == 0;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    @Override
    public Optional<String> addServiceToken(String account, String tokenName) {
      try {
        var result =
            container.execInContainer(
                "bin/elasticsearch-service-tokens", "create", account, tokenName);
        return result.getExitCode() == 0
            ? Optional.of(serviceToken(result.getStdout()))
            : Optional.empty();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }

    @Override
    public boolean addRoles(String yaml) {
      try {
        var result =
            container.execInContainer(
                "bash", "-c", "cat >> config/roles.yml <<'EOF'\n" + yaml + "\nEOF");
        return result.getExitCode() == 0;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}

package io.eslake.local;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Real public data for the quickstart, the tests and the benchmarks: the vega-datasets npm package
 * (flights, movies, airports), fetched with {@code npm pack} on first use.
 */
public final class SampleData {

  public static final String PACKAGE = "vega-datasets@3.2.1";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BULK_BYTES = 4 * 1024 * 1024;

  private final Path dataDir;

  private SampleData(Path dataDir) {
    this.dataDir = dataDir;
  }

  /**
   * The data sets, fetched into the folder named by {@code ESLAKE_DATASETS} (or the system property
   * {@code eslake.datasets}, else target/datasets) if not there yet.
   */
  public static SampleData fetch() {
    String configured =
        System.getenv().getOrDefault("ESLAKE_DATASETS", System.getProperty("eslake.datasets"));
    Path root =
        configured != null
            ? Path.of(configured)
            : Path.of(System.getProperty("eslake.work", "target"), "datasets");
    Path data = root.resolve("package").resolve("data");
    if (!Files.exists(data.resolve("flights-3m.parquet"))) {
      download(root);
    }
    return new SampleData(data);
  }

  public Path file(String name) {
    return dataDir.resolve(name);
  }

  /** Loads flights (20,000 rows), movies and airports; returns each index's document count. */
  public Map<String, Long> loadQuickstartIndices(AdminClient admin) {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("flights", loadFlights(admin, "flights", "flights-20k.json", 3));
    counts.put("movies", loadMovies(admin, "movies"));
    counts.put("airports", loadAirports(admin, "airports"));
    return counts;
  }

  /** The mapping of a flights index: the date has the data set's own format. */
  public static String flightsIndexBody(int shards) {
    return "{\"settings\":{\"number_of_shards\":"
        + shards
        + ",\"number_of_replicas\":0},\"mappings\":{\"properties\":{"
        + "\"date\":{\"type\":\"date\",\"format\":\"yyyy/MM/dd HH:mm||strict_date_optional_time\"},"
        + "\"delay\":{\"type\":\"integer\"},\"distance\":{\"type\":\"integer\"},"
        + "\"origin\":{\"type\":\"keyword\"},\"destination\":{\"type\":\"keyword\"}}}}";
  }

  /** Loads a flights JSON file with ids 0, 1, 2, ... in file order. */
  public long loadFlights(AdminClient admin, String index, String fileName, int shards) {
    admin.recreateIndex(index, flightsIndexBody(shards));
    return loadJsonArray(admin, index, file(fileName), null);
  }

  /** The mapping of a movies index: field names with spaces, a custom date format. */
  public static String moviesIndexBody() {
    return "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
        + "\"mappings\":{\"properties\":{"
        + "\"Title\":{\"type\":\"text\",\"fields\":{\"raw\":{\"type\":\"keyword\"}}},"
        + "\"US Gross\":{\"type\":\"long\"},\"Worldwide Gross\":{\"type\":\"long\"},"
        + "\"US DVD Sales\":{\"type\":\"long\"},\"Production Budget\":{\"type\":\"long\"},"
        + "\"Release Date\":{\"type\":\"date\",\"format\":\"MMM dd yyyy\"},"
        + "\"MPAA Rating\":{\"type\":\"keyword\"},\"Running Time min\":{\"type\":\"integer\"},"
        + "\"Distributor\":{\"type\":\"keyword\"},\"Source\":{\"type\":\"keyword\"},"
        + "\"Major Genre\":{\"type\":\"keyword\"},\"Creative Type\":{\"type\":\"keyword\"},"
        + "\"Director\":{\"type\":\"keyword\"},\"Rotten Tomatoes Rating\":{\"type\":\"integer\"},"
        + "\"IMDB Rating\":{\"type\":\"float\"},\"IMDB Votes\":{\"type\":\"integer\"}}}}";
  }

  /** Loads movies: field names with spaces, a custom date format, numbers in a text field. */
  public long loadMovies(AdminClient admin, String index) {
    admin.recreateIndex(index, moviesIndexBody());
    return loadJsonArray(admin, index, file("movies.json"), null);
  }

  /** Loads airports from CSV, keyed by IATA code. */
  public long loadAirports(AdminClient admin, String index) {
    String mapping =
        "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
            + "\"mappings\":{\"properties\":{"
            + "\"iata\":{\"type\":\"keyword\"},\"name\":{\"type\":\"text\"},"
            + "\"city\":{\"type\":\"keyword\"},\"state\":{\"type\":\"keyword\"},"
            + "\"country\":{\"type\":\"keyword\"},"
            + "\"latitude\":{\"type\":\"double\"},\"longitude\":{\"type\":\"double\"}}}}";
    admin.recreateIndex(index, mapping);
    StringBuilder bulk = new StringBuilder();
    long count = 0;
    try (BufferedReader reader = Files.newBufferedReader(file("airports.csv"))) {
      String[] header = reader.readLine().split(",");
      String line;
      while ((line = reader.readLine()) != null) {
        List<String> cells = Csv.split(line);
        ObjectNode doc = JSON.createObjectNode();
        for (int i = 0; i < header.length && i < cells.size(); i++) {
          String cell = cells.get(i);
          if (cell.isEmpty() || cell.equals("NA")) {
            doc.putNull(header[i]);
          } else if (header[i].equals("latitude") || header[i].equals("longitude")) {
            doc.put(header[i], Double.parseDouble(cell));
          } else {
            doc.put(header[i], cell);
          }
        }
        appendIndexAction(bulk, index, doc.path("iata").asText(), doc.toString());
        count++;
        if (bulk.length() > BULK_BYTES) {
          admin.bulk(bulk.toString());
          bulk.setLength(0);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (bulk.length() > 0) {
      admin.bulk(bulk.toString());
    }
    admin.refresh(index);
    return count;
  }

  /**
   * Streams a JSON array of objects into an index in bulk requests.
   *
   * @param idField the field whose value is the document id, or null for the position in the file
   * @return the number of documents loaded
   */
  public static long loadJsonArray(AdminClient admin, String index, Path file, String idField) {
    StringBuilder bulk = new StringBuilder();
    long count = 0;
    try (JsonParser parser = JSON.getFactory().createParser(file.toFile())) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new IOException(file + " is not a JSON array");
      }
      while (parser.nextToken() == JsonToken.START_OBJECT) {
        JsonNode doc = JSON.readTree(parser);
        String id = idField == null ? Long.toString(count) : doc.path(idField).asText();
        appendIndexAction(bulk, index, id, doc.toString());
        count++;
        if (bulk.length() > BULK_BYTES) {
          admin.bulk(bulk.toString());
          bulk.setLength(0);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (bulk.length() > 0) {
      admin.bulk(bulk.toString());
    }
    admin.refresh(index);
    return count;
  }

  public static void appendIndexAction(StringBuilder bulk, String index, String id, String source) {
    ObjectNode action = JSON.createObjectNode();
    action.putObject("index").put("_index", index).put("_id", id);
    bulk.append(action).append('\n').append(source).append('\n');
  }

  private static void download(Path root) {
    try {
      Files.createDirectories(root);
      run(root, List.of("npm", "pack", PACKAGE, "--silent"));
      Path tarball;
      try (var files = Files.list(root)) {
        tarball =
            files
                .filter(p -> p.getFileName().toString().matches("vega-datasets-.*\\.tgz"))
                .findFirst()
                .orElseThrow(() -> new IOException("npm pack left no tarball in " + root));
      }
      run(root, List.of("tar", "xzf", tarball.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot fetch " + PACKAGE + " with npm (is npm installed and the registry reachable?)",
          e);
    }
  }

  private static void run(Path dir, List<String> command) throws IOException {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Splits one line of simple CSV: commas, with double-quoted cells. */
  static final class Csv {
    private Csv() {}

    static List<String> split(String line) {
      List<String> cells = new java.util.ArrayList<>();
      StringBuilder cell = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted) {
          if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cell.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            cell.append(c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          cells.add(cell.toString());
          cell.setLength(0);
        } else {
          cell.append(c);
        }
      }
      cells.add(cell.toString());
      return cells;
    }
  }
}

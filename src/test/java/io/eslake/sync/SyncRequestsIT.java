package io.eslake.sync;

import static java.util.stream.Collectors.counting;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eslake.IntegrationTest;
import io.eslake.local.RecordingProxy;
import io.eslake.local.SampleData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The requests one sync of one index sends, counted on a recording proxy. */
class SyncRequestsIT extends IntegrationTest {

  @TempDir Path warehouse;

  @BeforeAll
  static void loadRealData() {
    SampleData.fetch().loadMovies(admin(), "requests-movies");
  }

  @Test
  void oneSyncOfOneIndexSendsEachPlanningRequestOnce() throws IOException {
    Path password = Files.writeString(warehouse.resolve("password"), es().password());
    try (RecordingProxy proxy = new RecordingProxy(es().url())) {
      SyncJobIT.Run run =
          SyncJobIT.run(
              "--url", proxy.url(),
              "--username", es().username(),
              "--password-file", password.toString(),
              "--warehouse", warehouse.toString(),
              "--indices", "requests-movies");

      assertEquals(0, run.code(), run.err() + run.out());
      List<String> sent =
          proxy.exchanges().stream().map(e -> e.method() + " " + e.pathAndQuery()).toList();
      Map<String, Long> counts =
          sent.stream()
              .map(SyncRequestsIT::withoutParameters)
              .collect(Collectors.groupingBy(request -> request, TreeMap::new, counting()));

      Map<String, Long> expected = new TreeMap<>();
      // The listing: names, then which of them the account may read.
      expected.put("GET /_resolve/index/*", 1L);
      expected.put("POST /_security/user/_has_privileges", 1L);
      // Loading the table: its mapping and a sample for arrays, once.
      expected.put("GET /requests-movies/_mapping", 1L);
      expected.put("POST /requests-movies/_search", 1L);
      // Planning the read, once: the shard layout and the count that sizes the slices.
      expected.put(
          "GET /requests-movies/_settings/index.number_of_shards," + "index.max_slices_per_scroll",
          1L);
      // The count check before and after the read, and the plan's count.
      expected.put("GET /requests-movies/_count", 3L);
      // The read: one slice of one page (the scroll's first search), then the empty page that ends
      // it, then the clear.
      expected.put("POST /requests-movies/_search?scroll", 1L);
      expected.put("POST /_search/scroll", 1L);
      expected.put("DELETE /_search/scroll", 1L);
      assertEquals(expected, counts, String.join("\n", sent));
    }
  }

  /** A request without its parameters, except that a scroll's search is told from a search. */
  private static String withoutParameters(String request) {
    int query = request.indexOf('?');
    if (query < 0) {
      return request;
    }
    boolean scroll = request.indexOf("scroll=", query) > 0;
    return request.substring(0, query) + (scroll ? "?scroll" : "");
  }
}

package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The name mapping table of the README, row by row. */
class TableNamesTest {

  @Test
  void theMappingTable() {
    String longName = "a".repeat(200);
    String[][] table = {
      // prefix, index, table
      {"", "orders", "orders"},
      {"es_", "web-logs", "es_web_logs"},
      {"", "Web.Logs-2024.01", "web_logs_2024_01"},
      {"ES_", "a b+c", "es_a_b_c"},
      {"", "logs-été", "logs__t__72e45d22"},
      {"", "日志", "___7dbac1c2"},
      {"", "事件", "___c560201b"},
      {"es_", "日志", "es____93614061"},
      {"", "x".repeat(128), "x".repeat(128)},
      {"es_", longName, "es_" + "a".repeat(116) + "_aa9a434b"},
    };
    for (String[] row : table) {
      assertEquals(row[2], TableNames.of(row[0], row[1]), row[0] + row[1]);
      assertTrue(TableNames.of(row[0], row[1]).length() <= TableNames.MAX_LENGTH);
    }
  }

  @Test
  void theSameNameGivesTheSameTableEveryTime() {
    assertEquals(
        TableNames.of("p_", "Long-" + "z".repeat(300)),
        TableNames.of("p_", "Long-" + "z".repeat(300)));
  }

  @Test
  void namesLongerThanTheLimitThatShareTheirStartStillDiffer() {
    String start = "b".repeat(140);
    Map<String, String> tables = TableNames.assign("", List.of(start + "1", start + "2"));

    assertEquals(2, tables.values().stream().distinct().count(), tables.toString());
  }

  @Test
  void twoIndicesOnOneTableAreAnErrorNamingBoth() {
    String message =
        assertThrows(
                UsageException.class,
                () -> TableNames.assign("es_", List.of("web-logs", "ok", "web.logs")))
            .getMessage();

    assertEquals(
        "Cannot sync: 'web-logs' and 'web.logs' both map to table 'es_web_logs'. Exclude one of"
            + " each pair with --exclude.",
        message);
  }
}

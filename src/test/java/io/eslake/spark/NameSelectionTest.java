package io.eslake.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class NameSelectionTest {

  private static final List<String> LISTED =
      List.of("logs-app", "logs-debug", "logs-web", "metrics", "orders", "orders-2024");

  @Test
  void includeThenExcludeWithWildcards() {
    NameSelection selection =
        NameSelection.of(List.of("logs-*", "orders?2024"), List.of("*-debug"));

    assertEquals(List.of("logs-app", "logs-web"), selection.select(LISTED, "index").subList(0, 2));
    assertEquals(List.of("logs-app", "logs-web", "orders-2024"), selection.select(LISTED, "index"));
  }

  @Test
  void aNameWithoutWildcardsThatIsNotListedNamesTheClosest() {
    NameSelection selection = NameSelection.of(List.of("order", "metrics", "logz-*"), List.of());

    String message =
        assertThrows(IllegalArgumentException.class, () -> selection.select(LISTED, "index"))
            .getMessage();

    assertEquals("No index named 'order' (closest: orders, logs-web, metrics).", message);
  }

  @Test
  void anEmptyListingSaysSo() {
    String message =
        assertThrows(
                IllegalArgumentException.class,
                () -> NameSelection.of(List.of("x"), List.of()).select(List.of(), "table"))
            .getMessage();

    assertEquals("No table named 'x' (the cluster lists no table).", message);
  }
}

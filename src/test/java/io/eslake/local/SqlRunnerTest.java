package io.eslake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How the SQL runner words a failed statement. */
class SqlRunnerTest {

  @Test
  void aTaskFailureShowsTheCauseThatNamesTheDocument() {
    Exception cause =
        new IllegalStateException(
            "Index 'logs', document 'd7', field 'n': it holds 2 values but its column holds one."
                + "\nat position 3");
    Exception wrapped =
        new RuntimeException(
            "[TASK_WRITE_FAILED] Task failed while writing rows to file:/tmp/x.",
            new RuntimeException("Job aborted", cause));
    assertEquals(
        "[TASK_WRITE_FAILED] Task failed while writing rows to file:/tmp/x. (cause: Index 'logs',"
            + " document 'd7', field 'n': it holds 2 values but its column holds one.)",
        SqlRunner.described(wrapped));
  }

  @Test
  void aMessageThatStartsOnANewLineIsNotShownEmpty() {
    assertEquals(
        "Table not found: delta.x",
        SqlRunner.described(new IllegalArgumentException("\n  Table not found: delta.x\nmore")));
    assertEquals("IllegalStateException", SqlRunner.described(new IllegalStateException()));
  }

  @Test
  void aCauseTheMessageAlreadyHoldsIsNotRepeated() {
    Exception cause = new IllegalStateException("no such index [x]");
    assertEquals(
        "Cannot read: no such index [x]",
        SqlRunner.described(new RuntimeException("Cannot read: no such index [x]", cause)));
  }
}

package io.eslake.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalLineTest {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TerminalLine line =
      new TerminalLine(new PrintStream(bytes, true, StandardCharsets.UTF_8));

  private String written() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void eachDrawReturnsToTheStartAndCoversALongerEarlierText() {
    line.draw("10 of 300 documents, 5 s left");
    line.draw("290 of 300 documents");
    line.draw("300 of 300 documents, done");
    line.finish();

    assertEquals(
        "\r10 of 300 documents, 5 s left"
            + "\r290 of 300 documents         "
            + "\r300 of 300 documents, done"
            + System.lineSeparator(),
        written());
  }

  @Test
  void aTerminalShowsOnlyTheLastTextOnALineOfItsOwn() {
    line.draw("a long first progress line");
    line.draw("short");
    line.draw("medium text");
    line.finish();

    assertEquals("medium text", screen(written()).strip());
    assertTrue(written().endsWith(System.lineSeparator()), "ends the line");
    assertFalse(written().contains("\u001b"), "no escape sequences");
  }

  /** Index names in CJK take two columns a character; a combining accent takes none. */
  @Test
  void wideCharactersCountTwoColumnsAndCombiningMarksNone() {
    assertEquals(4, TerminalLine.width("日志"));
    assertEquals(8, TerminalLine.width("logs-été"));
    assertEquals(8, TerminalLine.width("logs-e\u0301te\u0301"));
    assertEquals(2, TerminalLine.width("\uD83D\uDE00"), "an emoji outside the BMP");
    assertEquals("日志      |", TerminalLine.padded("日志", 10) + "|");
    assertEquals("orders    |", TerminalLine.padded("orders", 10) + "|");

    line.draw("sync 1/2: 日志日志日志");
    line.draw("sync 2/2: ab");
    assertEquals("\rsync 1/2: 日志日志日志\rsync 2/2: ab" + " ".repeat(10), written());
  }

  @Test
  void nothingDrawnWritesNothingAndANewlineInTheTextStaysOnTheLine() {
    line.finish();
    assertEquals("", written());

    line.draw("two\nlines");
    assertEquals("\rtwo lines", written());
    assertTrue(line.drawn());
    line.finish();
    assertFalse(line.drawn());
  }

  /** What a terminal shows on the line: each carriage return writes over from the start. */
  private static String screen(String output) {
    StringBuilder shown = new StringBuilder();
    int column = 0;
    for (char c : output.toCharArray()) {
      if (c == '\r') {
        column = 0;
      } else if (c != '\n') {
        if (column < shown.length()) {
          shown.setCharAt(column, c);
        } else {
          shown.append(c);
        }
        column++;
      }
    }
    return shown.toString();
  }
}

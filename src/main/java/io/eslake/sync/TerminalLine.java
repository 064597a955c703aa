package io.eslake.sync;

import java.io.PrintStream;

/**
 * One line of a terminal, redrawn in place: each draw returns to the start of the line with a
 * carriage return and writes the new text, padded with spaces over what a longer earlier text left,
 * so no escape sequences are needed. {@link #finish()} ends the line, leaving the last text shown.
 * Used by one thread at a time.
 */
final class TerminalLine {

  private final PrintStream out;
  private int shown;

  TerminalLine(PrintStream out) {
    this.out = out;
  }

  /** Replaces what the line shows with the text. */
  void draw(String text) {
    String line = text.replace('\n', ' ').replace('\r', ' ');
    int leftover = Math.max(0, shown - line.length());
    out.print("\r" + line + " ".repeat(leftover));
    out.flush();
    shown = line.length();
  }

  /** Whether anything was drawn since the line was started or finished. */
  boolean drawn() {
    return shown > 0;
  }

  /** Ends the line with a newline, when anything was drawn, so that later output starts afresh. */
  void finish() {
    if (shown > 0) {
      out.println();
      out.flush();
      shown = 0;
    }
  }
}

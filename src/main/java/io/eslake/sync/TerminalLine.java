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
    int width = width(line);
    int leftover = Math.max(0, shown - width);
    out.print("\r" + line + " ".repeat(leftover));
    out.flush();
    shown = width;
  }

  /**
   * The columns a text takes on a terminal: two for a wide character (CJK ideographs, kana, Hangul,
   * fullwidth forms, most emoji), none for a combining mark or a format character, one otherwise.
   * Index names may hold any of these, and a table of them is aligned by this, not by length.
   */
  static int width(String text) {
    int columns = 0;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      int type = Character.getType(c);
      if (type == Character.NON_SPACING_MARK
          || type == Character.ENCLOSING_MARK
          || type == Character.FORMAT) {
        continue;
      }
      columns += isWide(c) ? 2 : 1;
    }
    return columns;
  }

  /** The text followed by spaces up to the given number of columns. */
  static String padded(String text, int columns) {
    return text + " ".repeat(Math.max(0, columns - width(text)));
  }

  private static boolean isWide(int c) {
    return (c >= 0x1100 && c <= 0x115F)
        || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F)
        || (c >= 0xAC00 && c <= 0xD7A3)
        || (c >= 0xF900 && c <= 0xFAFF)
        || (c >= 0xFE30 && c <= 0xFE4F)
        || (c >= 0xFF00 && c <= 0xFF60)
        || (c >= 0xFFE0 && c <= 0xFFE6)
        || (c >= 0x1F300 && c <= 0x1F64F)
        || (c >= 0x1F900 && c <= 0x1F9FF)
        || (c >= 0x20000 && c <= 0x3FFFD);
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

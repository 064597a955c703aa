package io.eslake.types;

import java.time.LocalDate;

/**
 * A hand-written reader for ISO 8601 dates as Elasticsearch's ISO family of named formats accepts
 * them: {@code yyyy[-MM[-dd]]} optionally followed by {@code T} and {@code
 * HH[:mm[:ss[.fraction]]]}, then optionally {@code Z} or an offset {@code ±HH[[:]mm]}. Each named
 * format allows a range of parts (year, month, day, hour, minute, second, fraction): {@code
 * strict_date} exactly the first three, {@code strict_date_optional_time} one to seven. The {@code
 * strict_} names take a year of four digits and two digits for every other part; the lenient names
 * a year of one to nine digits and one or two digits for the others. A year may be negative ({@code
 * -0001}), not signed with a plus, as Elasticsearch reads it. It is the hot path of most date
 * columns.
 */
final class IsoDates {

  /** The number of parts of a value down to the year, month, ... and fraction of a second. */
  static final int YEAR = 1;

  static final int DAY = 3;
  static final int SECOND = 6;
  static final int FRACTION = 7;

  private static final long MICROS_PER_SECOND = 1_000_000L;

  /** The text being read and the position reached. */
  private static final class Cursor {
    final String text;
    final boolean strict;
    int at;

    Cursor(String text, boolean strict) {
      this.text = text;
      this.strict = strict;
    }

    boolean more() {
      return at < text.length();
    }

    boolean skip(char c) {
      if (more() && text.charAt(at) == c) {
        at++;
        return true;
      }
      return false;
    }

    /** Reads exactly two digits, or returns -1. */
    int twoDigits() {
      if (at + 2 > text.length() || !isDigit(at) || !isDigit(at + 1)) {
        return -1;
      }
      int value = (text.charAt(at) - '0') * 10 + text.charAt(at + 1) - '0';
      at += 2;
      return value;
    }

    /** Reads a part: two digits when strict, else one or two; or returns -1. */
    int part() {
      if (strict || (at + 1 < text.length() && isDigit(at + 1))) {
        return twoDigits();
      }
      if (!more() || !isDigit(at)) {
        return -1;
      }
      return text.charAt(at++) - '0';
    }

    boolean isDigit(int index) {
      char c = text.charAt(index);
      return c >= '0' && c <= '9';
    }
  }

  private IsoDates() {}

  /**
   * Microseconds since the epoch, or null when the text is not of this shape or has fewer or more
   * parts than allowed.
   *
   * @throws ArithmeticException when the instant is beyond what a Spark timestamp holds
   */
  static Long parse(String text, int fewestParts, int mostParts, boolean strict) {
    Cursor cursor = new Cursor(text, strict);
    long[] fields = new long[8];
    int parts = date(cursor, fields);
    if (parts > 0 && parts == DAY && cursor.skip('T')) {
      int timeParts = time(cursor, fields);
      parts = timeParts < 0 ? -1 : parts + timeParts;
    }
    if (parts < fewestParts || parts > mostParts) {
      return null;
    }
    Long offsetSeconds = offset(cursor);
    if (offsetSeconds == null || cursor.more()) {
      return null;
    }
    long epochDay = LocalDate.of((int) fields[0], (int) fields[1], (int) fields[2]).toEpochDay();
    long seconds = epochDay * 86_400L + fields[3] * 3600 + fields[4] * 60 + fields[5];
    long micros = Math.multiplyExact(seconds - offsetSeconds, MICROS_PER_SECOND);
    return Math.addExact(micros, fields[6]);
  }

  /**
   * Reads {@code yyyy[-MM[-dd]]} into year, month and day; the year may have a minus sign.
   *
   * @return the number of parts read, or -1 when the text is not a date
   */
  private static int date(Cursor cursor, long[] fields) {
    boolean negative = cursor.skip('-');
    int start = cursor.at;
    long year = 0;
    while (cursor.more() && cursor.isDigit(cursor.at)) {
      year = year * 10 + cursor.text.charAt(cursor.at++) - '0';
    }
    int digits = cursor.at - start;
    if (cursor.strict ? digits != 4 : digits < 1 || digits > 9) {
      return -1;
    }
    fields[0] = negative ? -year : year;
    fields[1] = 1;
    fields[2] = 1;
    int parts = 1;
    if (cursor.skip('-')) {
      fields[1] = cursor.part();
      parts = 2;
      if (fields[1] >= 0 && cursor.skip('-')) {
        fields[2] = cursor.part();
        parts = 3;
      }
    }
    boolean valid =
        fields[1] >= 1
            && fields[1] <= 12
            && fields[2] >= 1
            && fields[2] <= daysInMonth(fields[0], (int) fields[1]);
    return valid ? parts : -1;
  }

  /**
   * Reads {@code HH[:mm[:ss[.fraction]]]} into hour, minute, second and microseconds; digits of the
   * fraction below a microsecond are cut.
   *
   * @return the number of parts read, or -1 when the text is not a time
   */
  private static int time(Cursor cursor, long[] fields) {
    fields[3] = cursor.part();
    int parts = 1;
    if (fields[3] >= 0 && cursor.skip(':')) {
      fields[4] = cursor.part();
      parts = 2;
      if (fields[4] >= 0 && cursor.skip(':')) {
        fields[5] = cursor.part();
        parts = 3;
        if (fields[5] >= 0 && (cursor.skip('.') || cursor.skip(','))) {
          parts = fraction(cursor, fields) ? 4 : -1;
        }
      }
    }
    boolean valid =
        fields[3] >= 0
            && fields[3] <= 23
            && fields[4] >= 0
            && fields[4] <= 59
            && fields[5] >= 0
            && fields[5] <= 59;
    return valid ? parts : -1;
  }

  private static boolean fraction(Cursor cursor, long[] fields) {
    int start = cursor.at;
    long scale = 100_000;
    while (cursor.more() && cursor.isDigit(cursor.at)) {
      fields[6] += (cursor.text.charAt(cursor.at++) - '0') * scale;
      scale /= 10;
    }
    int digits = cursor.at - start;
    return digits >= 1 && digits <= 9;
  }

  /** Reads an optional {@code Z} or {@code ±HH[[:]mm]}: seconds east of UTC, or null. */
  private static Long offset(Cursor cursor) {
    if (!cursor.more() || cursor.skip('Z') || cursor.skip('z')) {
      return 0L;
    }
    int sign = cursor.skip('-') ? -1 : cursor.skip('+') ? 1 : 0;
    int hours = cursor.twoDigits();
    if (sign == 0 || hours < 0 || hours > 18) {
      return null;
    }
    cursor.skip(':');
    int minutes = cursor.more() ? cursor.twoDigits() : 0;
    if (minutes < 0 || minutes > 59) {
      return null;
    }
    return (long) sign * (hours * 3600L + minutes * 60L);
  }

  private static int daysInMonth(long year, int month) {
    return switch (month) {
      case 2 -> isLeap(year) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  private static boolean isLeap(long year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  }
}

package io.eslake.types;

/**
 * A hand-written reader for ISO 8601 dates as Elasticsearch's {@code strict_date_optional_time}
 * accepts them: {@code yyyy[-MM[-dd]]} optionally followed by {@code T} and {@code
 * HH[:mm[:ss[.fraction]]]}, then optionally {@code Z} or an offset {@code ±HH[[:]mm]}. It is the
 * hot path for most date columns, so it allocates nothing.
 */
final class IsoDates {

  private static final long MICROS_PER_SECOND = 1_000_000L;

  private IsoDates() {}

  /** Microseconds since the epoch, or null when the text is not of this shape. */
  static Long parse(String s) {
    int n = s.length();
    int i = 0;
    boolean negativeYear = false;
    if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      negativeYear = s.charAt(i) == '-';
      i++;
    }
    int yearStart = i;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
    }
    int yearDigits = i - yearStart;
    if (yearDigits < 4 || yearDigits > 9) {
      return null;
    }
    long year = digits(s, yearStart, i);
    if (negativeYear) {
      year = -year;
    }
    int month = 1;
    int day = 1;
    if (i < n && s.charAt(i) == '-') {
      if (i + 3 > n || !twoDigits(s, i + 1)) {
        return null;
      }
      month = (int) digits(s, i + 1, i + 3);
      i += 3;
      if (i < n && s.charAt(i) == '-') {
        if (i + 3 > n || !twoDigits(s, i + 1)) {
          return null;
        }
        day = (int) digits(s, i + 1, i + 3);
        i += 3;
      }
    }
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      return null;
    }
    long seconds = 0;
    long micros = 0;
    if (i < n && s.charAt(i) == 'T') {
      i++;
      if (i + 2 > n || !twoDigits(s, i)) {
        return null;
      }
      int hour = (int) digits(s, i, i + 2);
      i += 2;
      int minute = 0;
      int second = 0;
      if (i < n && s.charAt(i) == ':') {
        if (i + 3 > n || !twoDigits(s, i + 1)) {
          return null;
        }
        minute = (int) digits(s, i + 1, i + 3);
        i += 3;
        if (i < n && s.charAt(i) == ':') {
          if (i + 3 > n || !twoDigits(s, i + 1)) {
            return null;
          }
          second = (int) digits(s, i + 1, i + 3);
          i += 3;
          if (i < n && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
            i++;
            int fractionStart = i;
            long scale = 100_000;
            while (i < n && isDigit(s.charAt(i))) {
              if (scale > 0) {
                micros += (s.charAt(i) - '0') * scale;
                scale /= 10;
              }
              i++;
            }
            if (i == fractionStart || i - fractionStart > 9) {
              return null;
            }
          }
        }
      }
      if (hour > 23 || minute > 59 || second > 59) {
        return null;
      }
      seconds = hour * 3600L + minute * 60L + second;
    }
    long offsetSeconds = 0;
    if (i < n) {
      char c = s.charAt(i);
      if (c == 'Z' || c == 'z') {
        i++;
      } else if (c == '+' || c == '-') {
        int sign = c == '-' ? -1 : 1;
        i++;
        if (i + 2 > n || !twoDigits(s, i)) {
          return null;
        }
        int offsetHours = (int) digits(s, i, i + 2);
        i += 2;
        int offsetMinutes = 0;
        if (i < n && s.charAt(i) == ':') {
          i++;
        }
        if (i < n) {
          if (i + 2 > n || !twoDigits(s, i)) {
            return null;
          }
          offsetMinutes = (int) digits(s, i, i + 2);
          i += 2;
        }
        if (offsetHours > 18 || offsetMinutes > 59) {
          return null;
        }
        offsetSeconds = sign * (offsetHours * 3600L + offsetMinutes * 60L);
      } else {
        return null;
      }
    }
    if (i != n) {
      return null;
    }
    long epochDay = epochDay(year, month, day);
    return (epochDay * 86_400L + seconds - offsetSeconds) * MICROS_PER_SECOND + micros;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean twoDigits(String s, int at) {
    return at + 2 <= s.length() && isDigit(s.charAt(at)) && isDigit(s.charAt(at + 1));
  }

  private static long digits(String s, int from, int to) {
    long value = 0;
    for (int i = from; i < to; i++) {
      value = value * 10 + (s.charAt(i) - '0');
    }
    return value;
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

  /** Days since 1970-01-01 in the proleptic Gregorian calendar, as LocalDate counts them. */
  private static long epochDay(long year, int month, int day) {
    return java.time.LocalDate.of((int) year, month, day).toEpochDay();
  }
}

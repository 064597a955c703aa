package io.eslake.types;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads date values as Elasticsearch does for a field's {@code format}: the alternatives joined
 * with {@code ||} are tried in order, named formats mean what they mean to Elasticsearch, and
 * anything else is a java.time pattern. Results are microseconds since the epoch, in UTC; a value
 * without an offset is UTC, as Elasticsearch reads it. Digits finer than a microsecond are cut.
 */
public final class DateParser {

  /** The format of a date field whose mapping names none. */
  public static final String DEFAULT_FORMAT = "strict_date_optional_time||epoch_millis";

  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;

  /** One way to read a value: returns microseconds, or null when the text does not fit. */
  private interface Alternative {
    Long parse(String text);
  }

  private final String format;
  private final List<Alternative> alternatives;
  private final boolean numbersAreSeconds;

  private DateParser(String format, List<Alternative> alternatives, boolean numbersAreSeconds) {
    this.format = format;
    this.alternatives = alternatives;
    this.numbersAreSeconds = numbersAreSeconds;
  }

  /** A parser for a mapping's format, or for the default format when the mapping names none. */
  public static DateParser forFormat(String format) {
    String effective = format == null || format.isBlank() ? DEFAULT_FORMAT : format;
    List<Alternative> alternatives = new ArrayList<>();
    Boolean secondsFirst = null;
    for (String part : effective.split("\\|\\|")) {
      String name = part.trim();
      if (name.startsWith("8")) {
        name = name.substring(1);
      }
      if (secondsFirst == null && (name.equals("epoch_second") || name.equals("epoch_millis"))) {
        secondsFirst = name.equals("epoch_second");
      }
      alternatives.add(alternative(name));
    }
    return new DateParser(effective, List.copyOf(alternatives), Boolean.TRUE.equals(secondsFirst));
  }

  /** The format this parser reads. */
  public String format() {
    return format;
  }

  /**
   * Parses a text value.
   *
   * @return microseconds since the epoch, or null when no alternative of the format fits
   */
  public Long parseText(String text) {
    String trimmed = text.trim();
    for (Alternative alternative : alternatives) {
      Long micros = alternative.parse(trimmed);
      if (micros != null) {
        return micros;
      }
    }
    return null;
  }

  /**
   * Reads a JSON number: epoch seconds when {@code epoch_second} comes first in the format, else
   * epoch milliseconds, as Elasticsearch does.
   */
  public long parseNumber(BigDecimal number) {
    BigDecimal micros = numbersAreSeconds ? number.movePointRight(6) : number.movePointRight(3);
    return micros.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
  }

  private static Alternative alternative(String name) {
    return switch (name) {
      case "epoch_millis" -> text -> epoch(text, 3);
      case "epoch_second" -> text -> epoch(text, 6);
      case "strict_date_optional_time",
          "date_optional_time",
          "strict_date_optional_time_nanos",
          "iso8601",
          "strict_date_time",
          "date_time",
          "strict_date_time_no_millis",
          "date_time_no_millis",
          "strict_date",
          "date",
          "strict_year_month_day",
          "year_month_day",
          "strict_year_month",
          "year_month",
          "strict_year",
          "year",
          "strict_date_hour",
          "date_hour",
          "strict_date_hour_minute",
          "date_hour_minute",
          "strict_date_hour_minute_second",
          "date_hour_minute_second",
          "strict_date_hour_minute_second_fraction",
          "date_hour_minute_second_fraction",
          "strict_date_hour_minute_second_millis",
          "date_hour_minute_second_millis" ->
          IsoDates::parse;
      default -> pattern(NAMED_PATTERNS.getOrDefault(name, name));
    };
  }

  private static Long epoch(String text, int digitsToMicros) {
    if (text.isEmpty()) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean allowed = (c >= '0' && c <= '9') || c == '.' || (i == 0 && (c == '-' || c == '+'));
      if (!allowed) {
        return null;
      }
    }
    try {
      BigDecimal value = new BigDecimal(text).movePointRight(digitsToMicros);
      return value.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  private static Alternative pattern(String pattern) {
    DateTimeFormatter formatter;
    try {
      formatter = new DateTimeFormatterBuilder().appendPattern(pattern).toFormatter(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Cannot read date format '" + pattern + "': " + e.getMessage(), e);
    }
    return text -> {
      try {
        return toMicros(formatter.parse(text));
      } catch (DateTimeParseException | ArithmeticException e) {
        return null;
      }
    };
  }

  /**
   * Turns whatever a pattern parsed into an instant, filling what it lacks as Elasticsearch does.
   */
  private static Long toMicros(TemporalAccessor parsed) {
    LocalDate date = parsed.query(TemporalQueries.localDate());
    if (date == null) {
      date = partialDate(parsed);
    }
    LocalTime time = parsed.query(TemporalQueries.localTime());
    if (time == null) {
      time = partialTime(parsed);
    }
    ZoneId zone = parsed.query(TemporalQueries.zone());
    long offsetSeconds = 0;
    if (zone != null) {
      ZoneOffset offset =
          zone instanceof ZoneOffset fixed ? fixed : zone.getRules().getOffset(date.atTime(time));
      offsetSeconds = offset.getTotalSeconds();
    }
    return date.toEpochDay() * MICROS_PER_DAY
        + time.toNanoOfDay() / 1000
        - offsetSeconds * MICROS_PER_SECOND;
  }

  private static LocalDate partialDate(TemporalAccessor parsed) {
    if (parsed.isSupported(IsoFields.WEEK_BASED_YEAR)) {
      int weekYear = parsed.get(IsoFields.WEEK_BASED_YEAR);
      long week =
          parsed.isSupported(IsoFields.WEEK_OF_WEEK_BASED_YEAR)
              ? parsed.getLong(IsoFields.WEEK_OF_WEEK_BASED_YEAR)
              : 1;
      long day =
          parsed.isSupported(ChronoField.DAY_OF_WEEK) ? parsed.getLong(ChronoField.DAY_OF_WEEK) : 1;
      return LocalDate.of(weekYear, 6, 1)
          .with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, week)
          .with(ChronoField.DAY_OF_WEEK, day);
    }
    int year = parsed.isSupported(ChronoField.YEAR) ? parsed.get(ChronoField.YEAR) : 1970;
    if (parsed.isSupported(ChronoField.DAY_OF_YEAR)) {
      return LocalDate.ofYearDay(year, parsed.get(ChronoField.DAY_OF_YEAR));
    }
    int month =
        parsed.isSupported(ChronoField.MONTH_OF_YEAR) ? parsed.get(ChronoField.MONTH_OF_YEAR) : 1;
    int day =
        parsed.isSupported(ChronoField.DAY_OF_MONTH) ? parsed.get(ChronoField.DAY_OF_MONTH) : 1;
    return LocalDate.of(year, month, day);
  }

  private static LocalTime partialTime(TemporalAccessor parsed) {
    int hour = 0;
    if (parsed.isSupported(ChronoField.HOUR_OF_DAY)) {
      hour = parsed.get(ChronoField.HOUR_OF_DAY);
    } else if (parsed.isSupported(ChronoField.HOUR_OF_AMPM)) {
      int ampm =
          parsed.isSupported(ChronoField.AMPM_OF_DAY) ? parsed.get(ChronoField.AMPM_OF_DAY) : 0;
      hour = ampm * 12 + parsed.get(ChronoField.HOUR_OF_AMPM);
    }
    int minute =
        parsed.isSupported(ChronoField.MINUTE_OF_HOUR) ? parsed.get(ChronoField.MINUTE_OF_HOUR) : 0;
    int second =
        parsed.isSupported(ChronoField.SECOND_OF_MINUTE)
            ? parsed.get(ChronoField.SECOND_OF_MINUTE)
            : 0;
    int nano =
        parsed.isSupported(ChronoField.NANO_OF_SECOND) ? parsed.get(ChronoField.NANO_OF_SECOND) : 0;
    return LocalTime.of(hour, minute, second, nano);
  }

  /**
   * The named formats that are not plain ISO dates, as java.time patterns. The ISO family is read
   * by {@link IsoDates}, which accepts every shape those names allow.
   */
  private static final Map<String, String> NAMED_PATTERNS =
      Map.ofEntries(
          Map.entry("basic_date", "yyyyMMdd"),
          Map.entry("basic_date_time", "yyyyMMdd'T'HHmmss.SSS[XXX][XX][X]"),
          Map.entry("basic_date_time_no_millis", "yyyyMMdd'T'HHmmss[XXX][XX][X]"),
          Map.entry("basic_ordinal_date", "yyyyDDD"),
          Map.entry("basic_ordinal_date_time", "yyyyDDD'T'HHmmss.SSS[XXX][XX][X]"),
          Map.entry("basic_ordinal_date_time_no_millis", "yyyyDDD'T'HHmmss[XXX][XX][X]"),
          Map.entry("basic_time", "HHmmss.SSS[XXX][XX][X]"),
          Map.entry("basic_time_no_millis", "HHmmss[XXX][XX][X]"),
          Map.entry("basic_t_time", "'T'HHmmss.SSS[XXX][XX][X]"),
          Map.entry("basic_t_time_no_millis", "'T'HHmmss[XXX][XX][X]"),
          Map.entry("basic_week_date", "YYYY'W'wwe"),
          Map.entry("strict_basic_week_date", "YYYY'W'wwe"),
          Map.entry("basic_week_date_time", "YYYY'W'wwe'T'HHmmss.SSS[XXX][XX][X]"),
          Map.entry("strict_basic_week_date_time", "YYYY'W'wwe'T'HHmmss.SSS[XXX][XX][X]"),
          Map.entry("basic_week_date_time_no_millis", "YYYY'W'wwe'T'HHmmss[XXX][XX][X]"),
          Map.entry("strict_basic_week_date_time_no_millis", "YYYY'W'wwe'T'HHmmss[XXX][XX][X]"),
          Map.entry("ordinal_date", "yyyy-DDD"),
          Map.entry("strict_ordinal_date", "yyyy-DDD"),
          Map.entry("ordinal_date_time", "yyyy-DDD'T'HH:mm:ss.SSS[XXX][XX][X]"),
          Map.entry("strict_ordinal_date_time", "yyyy-DDD'T'HH:mm:ss.SSS[XXX][XX][X]"),
          Map.entry("ordinal_date_time_no_millis", "yyyy-DDD'T'HH:mm:ss[XXX][XX][X]"),
          Map.entry("strict_ordinal_date_time_no_millis", "yyyy-DDD'T'HH:mm:ss[XXX][XX][X]"),
          Map.entry("hour", "HH"),
          Map.entry("strict_hour", "HH"),
          Map.entry("hour_minute", "HH:mm"),
          Map.entry("strict_hour_minute", "HH:mm"),
          Map.entry("hour_minute_second", "HH:mm:ss"),
          Map.entry("strict_hour_minute_second", "HH:mm:ss"),
          Map.entry("hour_minute_second_fraction", "HH:mm:ss.[SSSSSSSSS][SSSSSS][SSS]"),
          Map.entry("strict_hour_minute_second_fraction", "HH:mm:ss.[SSSSSSSSS][SSSSSS][SSS]"),
          Map.entry("hour_minute_second_millis", "HH:mm:ss.SSS"),
          Map.entry("strict_hour_minute_second_millis", "HH:mm:ss.SSS"),
          Map.entry("time", "HH:mm:ss.SSS[XXX][XX][X]"),
          Map.entry("strict_time", "HH:mm:ss.SSS[XXX][XX][X]"),
          Map.entry("time_no_millis", "HH:mm:ss[XXX][XX][X]"),
          Map.entry("strict_time_no_millis", "HH:mm:ss[XXX][XX][X]"),
          Map.entry("t_time", "'T'HH:mm:ss.SSS[XXX][XX][X]"),
          Map.entry("strict_t_time", "'T'HH:mm:ss.SSS[XXX][XX][X]"),
          Map.entry("t_time_no_millis", "'T'HH:mm:ss[XXX][XX][X]"),
          Map.entry("strict_t_time_no_millis", "'T'HH:mm:ss[XXX][XX][X]"),
          Map.entry("week_date", "YYYY-'W'ww-e"),
          Map.entry("strict_week_date", "YYYY-'W'ww-e"),
          Map.entry("week_date_time", "YYYY-'W'ww-e'T'HH:mm:ss.SSS[XXX][XX][X]"),
          Map.entry("strict_week_date_time", "YYYY-'W'ww-e'T'HH:mm:ss.SSS[XXX][XX][X]"),
          Map.entry("week_date_time_no_millis", "YYYY-'W'ww-e'T'HH:mm:ss[XXX][XX][X]"),
          Map.entry("strict_week_date_time_no_millis", "YYYY-'W'ww-e'T'HH:mm:ss[XXX][XX][X]"),
          Map.entry("weekyear", "YYYY"),
          Map.entry("strict_weekyear", "YYYY"),
          Map.entry("weekyear_week", "YYYY-'W'ww"),
          Map.entry("strict_weekyear_week", "YYYY-'W'ww"),
          Map.entry("weekyear_week_day", "YYYY-'W'ww-e"),
          Map.entry("strict_weekyear_week_day", "YYYY-'W'ww-e"));
}

package io.eslake.types;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalField;
import java.time.temporal.TemporalQueries;
import java.time.temporal.WeekFields;
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

  /** A bound on the microseconds a Spark timestamp holds: values at or beyond it are refused. */
  private static final BigDecimal MICROS_LIMIT = BigDecimal.valueOf(Long.MAX_VALUE);

  /** One way to read a value: returns microseconds, or null when the text does not fit. */
  private interface Alternative {
    Long parse(String text);
  }

  /**
   * The locale patterns are read in: the root locale's texts (English month and day names), with
   * ISO 8601 week rules (weeks start on Monday; week 1 holds January 4th), as Elasticsearch 8 reads
   * week-based fields.
   */
  private static final Locale PATTERN_LOCALE = Locale.forLanguageTag("und-u-rg-gbzzzz");

  /**
   * The week rules of {@link #PATTERN_LOCALE}, looked up once: the lookup is slow, and the JDK's is
   * not safe to run on several threads at once.
   */
  private static final WeekFields WEEKS = WeekFields.of(PATTERN_LOCALE);

  /** Marks where a named pattern takes a fraction of a second of one to nine digits. */
  private static final String FRACTION = "%f";

  private final String format;
  private final List<Alternative> alternatives;

  private DateParser(String format, List<Alternative> alternatives) {
    this.format = format;
    this.alternatives = alternatives;
  }

  /** A parser for a mapping's format, or for the default format when the mapping names none. */
  public static DateParser forFormat(String format) {
    return forFormat(format, null);
  }

  /**
   * A parser for a mapping's format and locale: the mapping's {@code locale} (a language tag such
   * as {@code de}) gives the names of months and days its patterns read; the week rules stay the
   * ones described at {@link #PATTERN_LOCALE}. No locale, or an empty one, reads the root locale's
   * (English) names.
   */
  public static DateParser forFormat(String format, String locale) {
    Locale names = locale == null || locale.isBlank() ? PATTERN_LOCALE : namesLocale(locale);
    String effective = format == null || format.isBlank() ? DEFAULT_FORMAT : format;
    List<Alternative> alternatives = new ArrayList<>();
    for (String part : effective.split("\\|\\|")) {
      String name = part.trim();
      if (name.startsWith("8")) {
        name = name.substring(1);
      }
      alternatives.add(alternative(name, names));
    }
    return new DateParser(effective, List.copyOf(alternatives));
  }

  /**
   * A mapping's locale ({@code de}, {@code de_DE} or {@code de-DE}) with the pattern week rules.
   */
  private static Locale namesLocale(String locale) {
    try {
      return new Locale.Builder()
          .setLanguageTag(locale.trim().replace('_', '-'))
          .setExtension(Locale.UNICODE_LOCALE_EXTENSION, "rg-gbzzzz")
          .build();
    } catch (java.util.IllformedLocaleException e) {
      throw new IllegalArgumentException("Cannot read date locale '" + locale + "'", e);
    }
  }

  /**
   * Whether every alternative of a format is epoch milliseconds, epoch seconds or one of the ISO
   * family, which this parser and Elasticsearch read alike to the millisecond; custom patterns and
   * week- or ordinal-based names are not counted.
   */
  public static boolean isIsoOrEpoch(String format) {
    String effective = format == null || format.isBlank() ? DEFAULT_FORMAT : format;
    for (String part : effective.split("\\|\\|")) {
      String name = part.trim().startsWith("8") ? part.trim().substring(1) : part.trim();
      boolean epoch = name.equals("epoch_millis") || name.equals("epoch_second");
      if (!epoch && !ISO_PARTS.containsKey(name)) {
        return false;
      }
    }
    return true;
  }

  /** The format this parser reads. */
  public String format() {
    return format;
  }

  /**
   * Parses a value. A JSON number is read as its text, through the same alternatives, as
   * Elasticsearch reads it: {@code 1500800000000} is epoch milliseconds under the default format,
   * and {@code 2020} is the year 2020 under a format that starts with a year. The first alternative
   * that reads the text gives the instant, as in Elasticsearch, even when a Spark timestamp cannot
   * hold it.
   *
   * @return microseconds since the epoch, or null when no alternative of the format fits
   * @throws ArithmeticException when the first alternative that reads the text gives an instant
   *     beyond what a Spark timestamp holds (about 290,000 years either side of 1970)
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

  private static Alternative alternative(String name, Locale names) {
    return switch (name) {
      case "epoch_millis" -> text -> epoch(text, 3);
      case "epoch_second" -> text -> epoch(text, 6);
      default -> {
        int[] parts = ISO_PARTS.get(name);
        if (parts != null) {
          boolean strict = name.startsWith("strict_");
          yield text -> IsoDates.parse(text, parts[0], parts[1], strict);
        }
        yield pattern(NAMED_PATTERNS.getOrDefault(name, name), names);
      }
    };
  }

  /**
   * Reads epoch seconds or milliseconds, with a fraction or in exponent form: a _source filtered by
   * the cluster (a read of some columns) comes back with such numbers as doubles, written {@code
   * 1.5008000000001235E12}.
   *
   * @throws ArithmeticException when the instant is beyond what a Spark timestamp holds
   */
  private static Long epoch(String text, int digitsToMicros) {
    if (text.isEmpty()) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      if ("0123456789.-+eE".indexOf(text.charAt(i)) < 0) {
        return null;
      }
    }
    BigDecimal value;
    try {
      value = new BigDecimal(text).movePointRight(digitsToMicros);
    } catch (NumberFormatException e) {
      return null;
    }
    if (value.abs().compareTo(MICROS_LIMIT) >= 0) {
      throw new ArithmeticException("beyond a Spark timestamp");
    }
    if (value.abs().compareTo(BigDecimal.ONE) < 0) {
      return value.signum() < 0 ? -1L : 0L;
    }
    return value.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
  }

  private static Alternative pattern(String pattern, Locale names) {
    DateTimeFormatter formatter;
    try {
      DateTimeFormatterBuilder builder = new DateTimeFormatterBuilder();
      String[] pieces = pattern.split(FRACTION, -1);
      builder.appendPattern(pieces[0]);
      for (int i = 1; i < pieces.length; i++) {
        builder.appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).appendPattern(pieces[i]);
      }
      formatter = builder.toFormatter(names).withResolverStyle(ResolverStyle.STRICT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Cannot read date format '" + pattern + "': " + e.getMessage(), e);
    }
    return text -> {
      TemporalAccessor parsed;
      try {
        parsed = formatter.parse(text);
      } catch (DateTimeException e) {
        return null;
      }
      return toMicros(parsed);
    };
  }

  /**
   * Turns whatever a pattern parsed into an instant, filling what it lacks as Elasticsearch does.
   * Patterns are resolved strictly, so a year of era ({@code yyyy}) without an era is left to this
   * method; a day its month does not have ({@code 31/02/2021}) is no date.
   *
   * @return microseconds, or null when the parsed fields make no date
   * @throws ArithmeticException when the instant is beyond what a Spark timestamp holds
   */
  private static Long toMicros(TemporalAccessor parsed) {
    LocalDate date = parsed.query(TemporalQueries.localDate());
    LocalTime time = parsed.query(TemporalQueries.localTime());
    try {
      date = date == null ? partialDate(parsed) : date;
      time = time == null ? partialTime(parsed) : time;
    } catch (DateTimeException e) {
      return null;
    }
    ZoneId zone = parsed.query(TemporalQueries.zone());
    long offsetSeconds = 0;
    if (zone != null) {
      ZoneOffset offset =
          zone instanceof ZoneOffset fixed ? fixed : zone.getRules().getOffset(date.atTime(time));
      offsetSeconds = offset.getTotalSeconds();
    }
    long dayMicros = Math.multiplyExact(date.toEpochDay(), MICROS_PER_DAY);
    return Math.addExact(dayMicros, time.toNanoOfDay() / 1000 - offsetSeconds * MICROS_PER_SECOND);
  }

  private static LocalDate partialDate(TemporalAccessor parsed) {
    WeekFields weeks = WEEKS;
    if (parsed.isSupported(weeks.weekBasedYear())) {
      int weekYear = parsed.get(weeks.weekBasedYear());
      long week = valueOr(parsed, weeks.weekOfWeekBasedYear(), 1);
      long day = valueOr(parsed, weeks.dayOfWeek(), 1);
      return LocalDate.of(weekYear, 6, 1)
          .with(weeks.weekOfWeekBasedYear(), week)
          .with(weeks.dayOfWeek(), day);
    }
    int year = 1970;
    if (parsed.isSupported(ChronoField.YEAR)) {
      year = parsed.get(ChronoField.YEAR);
    } else if (parsed.isSupported(ChronoField.YEAR_OF_ERA)) {
      year = parsed.get(ChronoField.YEAR_OF_ERA);
    }
    if (parsed.isSupported(ChronoField.DAY_OF_YEAR)) {
      return LocalDate.ofYearDay(year, parsed.get(ChronoField.DAY_OF_YEAR));
    }
    int month =
        parsed.isSupported(ChronoField.MONTH_OF_YEAR) ? parsed.get(ChronoField.MONTH_OF_YEAR) : 1;
    int day =
        parsed.isSupported(ChronoField.DAY_OF_MONTH) ? parsed.get(ChronoField.DAY_OF_MONTH) : 1;
    return LocalDate.of(year, month, day);
  }

  private static long valueOr(TemporalAccessor parsed, TemporalField field, long absent) {
    return parsed.isSupported(field) ? parsed.getLong(field) : absent;
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
   * The named formats of the ISO family, read by {@link IsoDates}, with the fewest and most parts
   * (year, month, day, hour, minute, second, fraction) each allows. A strict and a lenient name
   * read alike.
   */
  private static final Map<String, int[]> ISO_PARTS = isoParts();

  private static Map<String, int[]> isoParts() {
    Map<String, int[]> parts = new java.util.HashMap<>();
    for (String name : List.of("date_optional_time", "date_optional_time_nanos", "iso8601")) {
      parts.put(name, new int[] {IsoDates.YEAR, IsoDates.FRACTION});
    }
    parts.put("date_time", new int[] {IsoDates.SECOND, IsoDates.FRACTION});
    parts.put("date_time_no_millis", new int[] {IsoDates.SECOND, IsoDates.SECOND});
    parts.put("date", new int[] {IsoDates.DAY, IsoDates.DAY});
    parts.put("year_month_day", new int[] {3, 3});
    parts.put("year_month", new int[] {2, 2});
    parts.put("year", new int[] {1, 1});
    parts.put("date_hour", new int[] {4, 4});
    parts.put("date_hour_minute", new int[] {5, 5});
    parts.put("date_hour_minute_second", new int[] {6, 6});
    parts.put("date_hour_minute_second_fraction", new int[] {7, 7});
    parts.put("date_hour_minute_second_millis", new int[] {7, 7});
    Map<String, int[]> withStrict = new java.util.HashMap<>(parts);
    parts.forEach((name, range) -> withStrict.put("strict_" + name, range));
    return Map.copyOf(withStrict);
  }

  /**
   * The named formats that are not plain ISO dates, as java.time patterns. The ISO family is read
   * by {@link IsoDates}, which accepts every shape those names allow.
   */
  private static final Map<String, String> NAMED_PATTERNS =
      Map.ofEntries(
          Map.entry("basic_date", "yyyyMMdd"),
          Map.entry("basic_date_time", "yyyyMMdd'T'HHmmss%f[XXX][XX][X]"),
          Map.entry("basic_date_time_no_millis", "yyyyMMdd'T'HHmmss[XXX][XX][X]"),
          Map.entry("basic_ordinal_date", "yyyyDDD"),
          Map.entry("basic_ordinal_date_time", "yyyyDDD'T'HHmmss%f[XXX][XX][X]"),
          Map.entry("basic_ordinal_date_time_no_millis", "yyyyDDD'T'HHmmss[XXX][XX][X]"),
          Map.entry("basic_time", "HHmmss%f[XXX][XX][X]"),
          Map.entry("basic_time_no_millis", "HHmmss[XXX][XX][X]"),
          Map.entry("basic_t_time", "'T'HHmmss%f[XXX][XX][X]"),
          Map.entry("basic_t_time_no_millis", "'T'HHmmss[XXX][XX][X]"),
          Map.entry("basic_week_date", "YYYY'W'wwe"),
          Map.entry("strict_basic_week_date", "YYYY'W'wwe"),
          Map.entry("basic_week_date_time", "YYYY'W'wwe'T'HHmmss%f[XXX][XX][X]"),
          Map.entry("strict_basic_week_date_time", "YYYY'W'wwe'T'HHmmss%f[XXX][XX][X]"),
          Map.entry("basic_week_date_time_no_millis", "YYYY'W'wwe'T'HHmmss[XXX][XX][X]"),
          Map.entry("strict_basic_week_date_time_no_millis", "YYYY'W'wwe'T'HHmmss[XXX][XX][X]"),
          Map.entry("ordinal_date", "yyyy-DDD"),
          Map.entry("strict_ordinal_date", "yyyy-DDD"),
          Map.entry("ordinal_date_time", "yyyy-DDD'T'HH:mm:ss%f[XXX][XX][X]"),
          Map.entry("strict_ordinal_date_time", "yyyy-DDD'T'HH:mm:ss%f[XXX][XX][X]"),
          Map.entry("ordinal_date_time_no_millis", "yyyy-DDD'T'HH:mm:ss[XXX][XX][X]"),
          Map.entry("strict_ordinal_date_time_no_millis", "yyyy-DDD'T'HH:mm:ss[XXX][XX][X]"),
          Map.entry("hour", "HH"),
          Map.entry("strict_hour", "HH"),
          Map.entry("hour_minute", "HH:mm"),
          Map.entry("strict_hour_minute", "HH:mm"),
          Map.entry("hour_minute_second", "HH:mm:ss"),
          Map.entry("strict_hour_minute_second", "HH:mm:ss"),
          Map.entry("hour_minute_second_fraction", "HH:mm:ss%f"),
          Map.entry("strict_hour_minute_second_fraction", "HH:mm:ss%f"),
          Map.entry("hour_minute_second_millis", "HH:mm:ss%f"),
          Map.entry("strict_hour_minute_second_millis", "HH:mm:ss%f"),
          Map.entry("time", "HH:mm:ss%f[XXX][XX][X]"),
          Map.entry("strict_time", "HH:mm:ss%f[XXX][XX][X]"),
          Map.entry("time_no_millis", "HH:mm:ss[XXX][XX][X]"),
          Map.entry("strict_time_no_millis", "HH:mm:ss[XXX][XX][X]"),
          Map.entry("t_time", "'T'HH:mm:ss%f[XXX][XX][X]"),
          Map.entry("strict_t_time", "'T'HH:mm:ss%f[XXX][XX][X]"),
          Map.entry("t_time_no_millis", "'T'HH:mm:ss[XXX][XX][X]"),
          Map.entry("strict_t_time_no_millis", "'T'HH:mm:ss[XXX][XX][X]"),
          Map.entry("week_date", "YYYY-'W'ww-e"),
          Map.entry("strict_week_date", "YYYY-'W'ww-e"),
          Map.entry("week_date_time", "YYYY-'W'ww-e'T'HH:mm:ss%f[XXX][XX][X]"),
          Map.entry("strict_week_date_time", "YYYY-'W'ww-e'T'HH:mm:ss%f[XXX][XX][X]"),
          Map.entry("week_date_time_no_millis", "YYYY-'W'ww-e'T'HH:mm:ss[XXX][XX][X]"),
          Map.entry("strict_week_date_time_no_millis", "YYYY-'W'ww-e'T'HH:mm:ss[XXX][XX][X]"),
          Map.entry("weekyear", "YYYY"),
          Map.entry("strict_weekyear", "YYYY"),
          Map.entry("weekyear_week", "YYYY-'W'ww"),
          Map.entry("strict_weekyear_week", "YYYY-'W'ww"),
          Map.entry("weekyear_week_day", "YYYY-'W'ww-e"),
          Map.entry("strict_weekyear_week_day", "YYYY-'W'ww-e"));
}

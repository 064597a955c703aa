package io.eslake.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DateParserTest {

  private static long micros(String instant) {
    Instant i = Instant.parse(instant);
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }

  @Test
  void theDefaultFormatReadsIsoTextAndEpochMillis() {
    DateParser parser = DateParser.forFormat(null);
    assertEquals(micros("2020-03-01T00:00:00Z"), parser.parseText("2020-03-01"));
    assertEquals(micros("2020-03-01T12:00:00Z"), parser.parseText("2020-03-01T12"));
    assertEquals(micros("2020-03-01T12:34:56.789Z"), parser.parseText("2020-03-01T12:34:56.789Z"));
    assertEquals(micros("2020-03-01T10:34:56Z"), parser.parseText("2020-03-01T12:34:56+02:00"));
    assertEquals(micros("2020-03-01T10:34:56Z"), parser.parseText("2020-03-01T12:34:56+0200"));
    assertEquals(micros("2020-03-01T14:04:56Z"), parser.parseText("2020-03-01T12:34:56-01:30"));
    assertEquals(micros("2017-07-23T08:53:20Z"), parser.parseText("1500800000000"));

    assertNull(parser.parseText("not a date"));
  }

  @Test
  void valuesBefore1970AreExact() {
    DateParser parser = DateParser.forFormat(null);
    assertEquals(micros("1969-12-31T23:59:59.999Z"), parser.parseText("1969-12-31T23:59:59.999Z"));
    assertEquals(micros("1901-05-02T00:00:00Z"), parser.parseText("1901-05-02"));
    assertEquals(micros("1969-12-31T23:59:59.999Z"), parser.parseText("-1"));
  }

  @Test
  void customPatternsAndAlternativesAreTriedInOrder() {
    DateParser t1 = DateParser.forFormat("yyyy-MM-dd HH:mm:ss");
    assertEquals(micros("2018-10-26T11:30:03Z"), t1.parseText("2018-10-26 11:30:03"));
    DateParser t2 = DateParser.forFormat("yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis");
    assertEquals(micros("2017-07-23T00:00:00Z"), t2.parseText("2017/07/23"));
    assertEquals(micros("2017-07-23T08:15:00Z"), t2.parseText("2017/07/23 08:15:00"));
    assertEquals(micros("2017-07-23T08:53:20Z"), t2.parseText("1500800000000"));
  }

  @Test
  void epochSecondFirstMakesNumbersSeconds() {
    DateParser parser = DateParser.forFormat("epoch_second||epoch_millis");
    assertEquals(micros("2017-07-23T08:53:20Z"), parser.parseText("1500800000"));
  }

  @Test
  void namedFormatsMeanWhatTheyMeanToElasticsearch() {
    assertEquals(
        micros("2020-03-01T00:00:00Z"), DateParser.forFormat("basic_date").parseText("20200301"));
    assertEquals(
        micros("2020-03-01T12:34:56Z"),
        DateParser.forFormat("date_hour_minute_second").parseText("2020-03-01T12:34:56"));
    assertEquals(
        micros("1998-06-12T00:00:00Z"),
        DateParser.forFormat("MMM dd yyyy").parseText("Jun 12 1998"));
  }

  /**
   * A value of each built-in named format, all meaning 2017-07-23T08:53:20.123Z or a part of it.
   */
  private static final Map<String, String[]> NAMED =
      Map.ofEntries(
          named("epoch_millis", "1500799999999", "2017-07-23T08:53:19.999Z"),
          named("epoch_second", "1500800000.5", "2017-07-23T08:53:20.500Z"),
          named("date_optional_time", "2017-07-23T08:53:20.123Z", "2017-07-23T08:53:20.123Z"),
          named(
              "strict_date_optional_time_nanos",
              "2017-07-23T08:53:20.123456789Z",
              "2017-07-23T08:53:20.123456Z"),
          named("iso8601", "2017-07-23T08:53:20Z", "2017-07-23T08:53:20Z"),
          named("basic_date", "20170723", "2017-07-23T00:00:00Z"),
          named("basic_date_time", "20170723T085320.123Z", "2017-07-23T08:53:20.123Z"),
          named("basic_date_time_no_millis", "20170723T085320+0100", "2017-07-23T07:53:20Z"),
          named("basic_ordinal_date", "2017204", "2017-07-23T00:00:00Z"),
          named("basic_ordinal_date_time", "2017204T085320.123Z", "2017-07-23T08:53:20.123Z"),
          named("basic_ordinal_date_time_no_millis", "2017204T085320Z", "2017-07-23T08:53:20Z"),
          named("basic_time", "085320.123Z", "1970-01-01T08:53:20.123Z"),
          named("basic_time_no_millis", "085320Z", "1970-01-01T08:53:20Z"),
          named("basic_t_time", "T085320.123Z", "1970-01-01T08:53:20.123Z"),
          named("basic_t_time_no_millis", "T085320Z", "1970-01-01T08:53:20Z"),
          named("basic_week_date", "2017W297", "2017-07-23T00:00:00Z"),
          named("basic_week_date_time", "2017W297T085320.123Z", "2017-07-23T08:53:20.123Z"),
          named("basic_week_date_time_no_millis", "2017W297T085320Z", "2017-07-23T08:53:20Z"),
          named("date", "2017-07-23", "2017-07-23T00:00:00Z"),
          named("date_hour", "2017-07-23T08", "2017-07-23T08:00:00Z"),
          named("date_hour_minute", "2017-07-23T08:53", "2017-07-23T08:53:00Z"),
          named("date_hour_minute_second", "2017-07-23T08:53:20", "2017-07-23T08:53:20Z"),
          named(
              "date_hour_minute_second_fraction",
              "2017-07-23T08:53:20.123",
              "2017-07-23T08:53:20.123Z"),
          named(
              "date_hour_minute_second_millis",
              "2017-07-23T08:53:20.123",
              "2017-07-23T08:53:20.123Z"),
          named("date_time", "2017-07-23T08:53:20.123+02:00", "2017-07-23T06:53:20.123Z"),
          named("date_time_no_millis", "2017-07-23T08:53:20-0130", "2017-07-23T10:23:20Z"),
          named("hour", "08", "1970-01-01T08:00:00Z"),
          named("hour_minute", "08:53", "1970-01-01T08:53:00Z"),
          named("hour_minute_second", "08:53:20", "1970-01-01T08:53:20Z"),
          named("hour_minute_second_fraction", "08:53:20.1", "1970-01-01T08:53:20.100Z"),
          named("hour_minute_second_millis", "08:53:20.123", "1970-01-01T08:53:20.123Z"),
          named("ordinal_date", "2017-204", "2017-07-23T00:00:00Z"),
          named("ordinal_date_time", "2017-204T08:53:20.123Z", "2017-07-23T08:53:20.123Z"),
          named("ordinal_date_time_no_millis", "2017-204T08:53:20Z", "2017-07-23T08:53:20Z"),
          named("time", "08:53:20.123Z", "1970-01-01T08:53:20.123Z"),
          named("time_no_millis", "08:53:20+01:00", "1970-01-01T07:53:20Z"),
          named("t_time", "T08:53:20.123Z", "1970-01-01T08:53:20.123Z"),
          named("t_time_no_millis", "T08:53:20Z", "1970-01-01T08:53:20Z"),
          named("week_date", "2017-W29-7", "2017-07-23T00:00:00Z"),
          named("week_date_time", "2017-W29-7T08:53:20.123Z", "2017-07-23T08:53:20.123Z"),
          named("week_date_time_no_millis", "2017-W29-7T08:53:20Z", "2017-07-23T08:53:20Z"),
          named("weekyear", "2017", "2017-01-02T00:00:00Z"),
          named("weekyear_week", "2017-W29", "2017-07-17T00:00:00Z"),
          named("weekyear_week_day", "2017-W29-7", "2017-07-23T00:00:00Z"),
          named("year", "2017", "2017-01-01T00:00:00Z"),
          named("year_month", "2017-07", "2017-07-01T00:00:00Z"),
          named("year_month_day", "2017-07-23", "2017-07-23T00:00:00Z"));

  /** The names that Elasticsearch also has in a strict_ form, read the same way. */
  private static final List<String> WITHOUT_STRICT_FORM =
      List.of(
          "epoch_millis",
          "epoch_second",
          "iso8601",
          "strict_date_optional_time_nanos",
          "basic_date",
          "basic_date_time",
          "basic_date_time_no_millis",
          "basic_ordinal_date",
          "basic_ordinal_date_time",
          "basic_ordinal_date_time_no_millis",
          "basic_time",
          "basic_time_no_millis",
          "basic_t_time",
          "basic_t_time_no_millis");

  @Test
  void everyNamedFormatReadsItsValuesInItsStrictFormToo() {
    NAMED.forEach(
        (name, valueAndInstant) -> {
          long expected = micros(valueAndInstant[1]);
          assertEquals(expected, DateParser.forFormat(name).parseText(valueAndInstant[0]), name);
          if (!WITHOUT_STRICT_FORM.contains(name)) {
            assertEquals(
                expected,
                DateParser.forFormat("strict_" + name).parseText(valueAndInstant[0]),
                "strict_" + name);
          }
        });
  }

  @Test
  void namedIsoFormatsRejectValuesWithMoreOrFewerParts() {
    assertNull(DateParser.forFormat("strict_date").parseText("2017-07-23T08:53:20Z"));
    assertNull(DateParser.forFormat("year_month").parseText("2017"));
    assertNull(DateParser.forFormat("date_time_no_millis").parseText("2017-07-23"));
    assertNull(DateParser.forFormat("date_hour").parseText("2017-07-23T08:53"));
    assertEquals(
        micros("2017-07-23T08:53:20Z"),
        DateParser.forFormat("year_month_day||yyyyMMddHHmmss").parseText("20170723085320"),
        "an eight-digit text is not a year when the format needs a month");
  }

  @Test
  void weekBasedFieldsFollowIsoRulesInPatternsToo() {
    assertEquals(
        micros("2019-12-30T00:00:00Z"), DateParser.forFormat("week_date").parseText("2020-W01-1"));
    assertEquals(
        micros("2019-12-30T00:00:00Z"),
        DateParser.forFormat("YYYY-'W'ww-e").parseText("2020-W01-1"));
    assertEquals(micros("2021-01-04T00:00:00Z"), DateParser.forFormat("YYYY").parseText("2021"));
  }

  @Test
  void numbersAndTextsWithExponentsAreEpochValues() {
    DateParser parser = DateParser.forFormat(null);
    assertEquals(micros("2017-07-23T08:53:20.000123Z"), parser.parseText("1.500800000000123E12"));
    assertEquals(micros("2020-01-01T00:00:00Z"), parser.parseText("2020"));
  }

  private static Map.Entry<String, String[]> named(String name, String value, String instant) {
    return Map.entry(name, new String[] {value, instant});
  }
}

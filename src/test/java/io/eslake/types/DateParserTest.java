package io.eslake.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
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
}

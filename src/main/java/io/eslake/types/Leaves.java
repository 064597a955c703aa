package io.eslake.types;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The leaves of scalar types. Values are read the way Elasticsearch reads them when it indexes:
 * numbers in strings are numbers, decimals in integer fields are truncated, an empty string in a
 * number field is no value, and numbers and booleans in text fields are their text.
 */
final class Leaves {

  private static final BigDecimal UNSIGNED_LONG_MAX = new BigDecimal("18446744073709551615");

  /** Text, keyword and every other type whose value is a string. */
  static final Leaf STRING =
      (parser, decoding) -> {
        if (!parser.currentToken().isScalarValue()) {
          throw notA("a string", parser);
        }
        return JsonValues.utf8(parser);
      };

  /** geo_shape and shape: WKT text as given, GeoJSON as its JSON text. */
  static final Leaf SHAPE =
      (parser, decoding) ->
          switch (parser.currentToken()) {
            case VALUE_STRING -> JsonValues.utf8(parser);
            case START_OBJECT -> JsonValues.text(parser);
            default -> throw notA("a shape", parser);
          };

  static final Leaf LONG = (parser, decoding) -> integral(parser, Long.MIN_VALUE, Long.MAX_VALUE);

  static final Leaf INTEGER =
      (parser, decoding) -> {
        Long value = integral(parser, Integer.MIN_VALUE, Integer.MAX_VALUE);
        return value == null ? null : value.intValue();
      };

  static final Leaf SHORT =
      (parser, decoding) -> {
        Long value = integral(parser, Short.MIN_VALUE, Short.MAX_VALUE);
        return value == null ? null : value.shortValue();
      };

  static final Leaf BYTE =
      (parser, decoding) -> {
        Long value = integral(parser, Byte.MIN_VALUE, Byte.MAX_VALUE);
        return value == null ? null : value.byteValue();
      };

  static final Leaf DOUBLE = (parser, decoding) -> floating(parser);

  static final Leaf FLOAT =
      (parser, decoding) -> {
        Double value = floating(parser);
        return value == null ? null : value.floatValue();
      };

  /** unsigned_long: exact up to 2^64-1, as a decimal of 20 digits. */
  static final Leaf UNSIGNED_LONG =
      (parser, decoding) -> {
        BigDecimal value = number(parser);
        if (value == null) {
          return null;
        }
        BigDecimal whole = value.setScale(0, RoundingMode.DOWN);
        if (whole.signum() < 0 || whole.compareTo(UNSIGNED_LONG_MAX) > 0) {
          throw new Mismatch("the value " + value + " is out of range");
        }
        return Decimal.apply(whole, 20, 0);
      };

  /** Booleans as Elasticsearch reads them: true, false, "true", "false", and "" as false. */
  static final Leaf BOOLEAN =
      (parser, decoding) ->
          switch (parser.currentToken()) {
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_STRING ->
                switch (parser.getText()) {
                  case "true" -> Boolean.TRUE;
                  case "false", "" -> Boolean.FALSE;
                  default -> throw notA("a boolean", parser);
                };
            default -> throw notA("a boolean", parser);
          };

  /**
   * binary: base64 text, decoded as Elasticsearch decodes it (Jackson's default base64 variant).
   * The text is read whole first, so a value that is not base64 can still be kept as it was.
   */
  static final Leaf BINARY =
      (parser, decoding) -> {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
          throw notA("a base64 string", parser);
        }
        try {
          return Base64Variants.getDefaultVariant().decode(parser.getText());
        } catch (IllegalArgumentException e) {
          throw notA("a base64 string", parser);
        }
      };

  private Leaves() {}

  /**
   * semantic_text: the text. Before Elasticsearch 8.18 the source could hold an object of the text
   * and the inference results derived from it; the text is taken from it, and the rest is kept as
   * values without a column are, under {@code <path>.<key>}.
   */
  static Leaf semanticText(String path) {
    return (parser, decoding) -> {
      if (parser.currentToken() != JsonToken.START_OBJECT) {
        return STRING.read(parser, decoding);
      }
      UTF8String text = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        parser.nextToken();
        if (key.equals("text") && parser.currentToken().isScalarValue()) {
          text = JsonValues.utf8(parser);
        } else {
          decoding.keepChild(path, key, parser);
        }
      }
      return text;
    };
  }

  /** A date or date_nanos field read with a parser for its format. */
  static Leaf timestamp(DateParser dates) {
    return (parser, decoding) -> {
      JsonToken token = parser.currentToken();
      if (token != JsonToken.VALUE_STRING && !token.isNumeric()) {
        throw notA("a date", parser);
      }
      Long micros = dates.parseText(parser.getText());
      if (micros == null) {
        throw new Mismatch(
            "the value '" + parser.getText() + "' does not match the format " + dates.format());
      }
      return micros;
    };
  }

  /**
   * Reads a whole number within [min, max]; decimals are truncated toward zero as Elasticsearch
   * does, and an empty string is no value.
   */
  private static Long integral(JsonParser parser, long min, long max) throws IOException, Mismatch {
    if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT
        && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      long value = parser.getLongValue();
      if (value < min || value > max) {
        throw new Mismatch("the value " + value + " is out of range");
      }
      return value;
    }
    BigDecimal value = number(parser);
    if (value == null) {
      return null;
    }
    BigDecimal truncated = value.setScale(0, RoundingMode.DOWN);
    if (truncated.compareTo(BigDecimal.valueOf(min)) < 0
        || truncated.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new Mismatch("the value " + value + " is out of range");
    }
    return truncated.longValue();
  }

  private static Double floating(JsonParser parser) throws IOException, Mismatch {
    if (parser.currentToken().isNumeric()) {
      return parser.getDoubleValue();
    }
    BigDecimal value = number(parser);
    return value == null ? null : value.doubleValue();
  }

  /** A JSON number, or a number in a string; null for a blank string. */
  private static BigDecimal number(JsonParser parser) throws IOException, Mismatch {
    JsonToken token = parser.currentToken();
    if (token.isNumeric()) {
      return parser.getDecimalValue();
    }
    if (token != JsonToken.VALUE_STRING) {
      throw notA("a number", parser);
    }
    String text = parser.getText().trim();
    if (text.isEmpty()) {
      return null;
    }
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw notA("a number", parser);
    }
  }

  /** The mismatch of a value that is not of the expected kind. */
  static Mismatch notA(String what, JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    String found =
        token == JsonToken.START_OBJECT
            ? "an object"
            : token == JsonToken.START_ARRAY ? "an array" : "the value '" + parser.getText() + "'";
    return new Mismatch(found + " is not " + what);
  }
}

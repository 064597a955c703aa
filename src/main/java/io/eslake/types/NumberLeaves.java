package io.eslake.types;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Reads numbers as Elasticsearch's number fields read them when they index, so that a value the
 * index holds is the value of its column and a value the index refuses (or ignores under {@code
 * ignore_malformed}) does not fit:
 *
 * <ul>
 *   <li>long: a whole JSON number exactly; a JSON number with a fraction or exponent as a double,
 *       within [-2^63, 2^63] and cut toward zero (2^63 saturates to the largest long); a string
 *       exactly, without white space, within the bounds of a long once its fraction is cut.
 *   <li>integer, short and byte: a JSON number within the bounds of an integer, its fraction cut,
 *       then within the column's bounds; a string parsed as a double (white space around it and a
 *       {@code d} or {@code f} suffix allowed), within the bounds of an integer (of a short for a
 *       short), its fraction cut, then within the column's bounds.
 *   <li>double, float and half_float: finite values only, after rounding to the column's precision.
 * </ul>
 *
 * <p>An empty string is no value. Elasticsearch indexes {@code "NaN"} in an integer field as 0; it
 * does not fit here, so it is kept in the rescue column rather than turned into a number.
 */
final class NumberLeaves {

  /** The bounds a whole-number field checks a value against, by how the value is written. */
  record Bounds(String name, long min, long max, long textMin, long textMax) {}

  static final Bounds INTEGER =
      new Bounds(
          "integer", Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE);
  static final Bounds SHORT =
      new Bounds("short", Short.MIN_VALUE, Short.MAX_VALUE, Short.MIN_VALUE, Short.MAX_VALUE);
  static final Bounds BYTE =
      new Bounds("byte", Byte.MIN_VALUE, Byte.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE);

  /** The smallest float whose half-precision rounding is infinite. */
  static final float HALF_FLOAT_OVERFLOW = 65520f;

  /** 2^63, the bound a long written as a double is checked against. */
  private static final double LONG_BOUND = 0x1p63;

  private static final BigDecimal ABOVE_LONG =
      BigDecimal.valueOf(Long.MAX_VALUE).add(BigDecimal.ONE);
  private static final BigDecimal BELOW_LONG =
      BigDecimal.valueOf(Long.MIN_VALUE).subtract(BigDecimal.ONE);

  private NumberLeaves() {}

  static Long longValue(JsonParser parser) throws IOException, Mismatch {
    switch (parser.currentToken()) {
      case VALUE_NUMBER_INT -> {
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw outOfRange(parser, "long");
        }
        return parser.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        double value = parser.getDoubleValue();
        if (value < -LONG_BOUND || value > LONG_BOUND) {
          throw outOfRange(parser, "long");
        }
        return (long) value;
      }
      case VALUE_STRING -> {
        String text = parser.getText();
        return text.isEmpty() ? null : longOfText(text, parser);
      }
      default -> throw Leaves.notA("a number", parser);
    }
  }

  /** A long from a string, exactly: no white space, a fraction cut toward zero. */
  private static long longOfText(String text, JsonParser parser) throws IOException, Mismatch {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      // Not a plain whole number: read as a decimal below.
    }
    BigDecimal value;
    try {
      value = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw Leaves.notA("a number", parser);
    }
    if (value.compareTo(ABOVE_LONG) >= 0 || value.compareTo(BELOW_LONG) <= 0) {
      throw outOfRange(parser, "long");
    }
    return wholePart(value).longValueExact();
  }

  /**
   * The whole part of a decimal, cut toward zero. A value within (-1, 1) is checked first, so that
   * an exponent such as {@code 1e-1000000000} costs nothing.
   */
  static BigDecimal wholePart(BigDecimal value) {
    if (value.abs().compareTo(BigDecimal.ONE) < 0) {
      return BigDecimal.ZERO;
    }
    return value.setScale(0, RoundingMode.DOWN);
  }

  /** An integer, short or byte. */
  static Long whole(JsonParser parser, Bounds bounds) throws IOException, Mismatch {
    long value;
    switch (parser.currentToken()) {
      case VALUE_NUMBER_INT -> {
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw outOfRange(parser, bounds.name());
        }
        value = parser.getLongValue();
      }
      case VALUE_NUMBER_FLOAT ->
          value =
              cut(parser.getDoubleValue(), Integer.MIN_VALUE, Integer.MAX_VALUE, parser, bounds);
      case VALUE_STRING -> {
        String text = parser.getText();
        if (text.isEmpty()) {
          return null;
        }
        value = cut(doubleOfText(text, parser), bounds.textMin(), bounds.textMax(), parser, bounds);
      }
      default -> throw Leaves.notA("a number", parser);
    }
    if (value < bounds.min() || value > bounds.max()) {
      throw outOfRange(parser, bounds.name());
    }
    return value;
  }

  private static long cut(double value, long min, long max, JsonParser parser, Bounds bounds)
      throws IOException, Mismatch {
    if (value < min || value > max) {
      throw outOfRange(parser, bounds.name());
    }
    return (long) value;
  }

  /** A double; a number too large for one, "NaN" and "Infinity" do not fit. */
  static Double finite(JsonParser parser, String type) throws IOException, Mismatch {
    double value;
    JsonToken token = parser.currentToken();
    if (token.isNumeric()) {
      value = parser.getDoubleValue();
    } else if (token == JsonToken.VALUE_STRING) {
      String text = parser.getText();
      if (text.isEmpty()) {
        return null;
      }
      value = doubleOfText(text, parser);
    } else {
      throw Leaves.notA("a number", parser);
    }
    if (!Double.isFinite(value)) {
      throw outOfRange(parser, type);
    }
    return value;
  }

  /** A float; a value whose float is infinite does not fit. */
  static Float toFloat(JsonParser parser, String type) throws IOException, Mismatch {
    Double value = finite(parser, type);
    if (value == null) {
      return null;
    }
    float rounded = value.floatValue();
    if (Float.isInfinite(rounded)) {
      throw outOfRange(parser, type);
    }
    return rounded;
  }

  private static double doubleOfText(String text, JsonParser parser) throws IOException, Mismatch {
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw Leaves.notA("a number", parser);
    }
    if (Double.isNaN(value) || text.contains("Infinity")) {
      throw Leaves.notA("a finite number", parser);
    }
    return value;
  }

  static Mismatch outOfRange(JsonParser parser, String type) throws IOException {
    String value =
        parser.currentToken() == JsonToken.VALUE_STRING
            ? "'" + parser.getText() + "'"
            : parser.getText();
    String article = "aeiou".indexOf(type.charAt(0)) >= 0 ? "an " : "a ";
    return new Mismatch("the value " + value + " is out of range for " + article + type);
  }
}

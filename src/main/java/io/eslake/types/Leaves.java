package io.eslake.types;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
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

  /**
   * long, as Elasticsearch's long field reads it: a whole JSON number exactly; a JSON number with a
   * fraction or exponent as a double, checked against the bounds of a long and then cut toward zero
   * (so 9.223372036854775807E18 is the largest long, as is the double a filtered read gives for
   * it); a numeric string exactly, with no white space, its fraction cut.
   */
  /**
   * A number column mapped with {@code coerce: false}: a string is refused, and so is a fraction in
   * a whole-number column ({@code 7.5} in a long; {@code 7.0} is 7), as the cluster refuses them;
   * other values are read by the column's own leaf.
   */
  static Leaf uncoerced(Leaf numbers, DataType type) {
    boolean whole =
        type.equals(DataTypes.LongType)
            || type.equals(DataTypes.IntegerType)
            || type.equals(DataTypes.ShortType)
            || type.equals(DataTypes.ByteType);
    if (!whole && !type.equals(DataTypes.DoubleType) && !type.equals(DataTypes.FloatType)) {
      return numbers;
    }
    return (parser, decoding) -> {
      JsonToken token = parser.currentToken();
      if (token == JsonToken.VALUE_STRING) {
        throw new Mismatch("a string, and the field is mapped with coerce: false");
      }
      if (whole
          && token == JsonToken.VALUE_NUMBER_FLOAT
          && parser.getDecimalValue().stripTrailingZeros().scale() > 0) {
        throw new Mismatch("a number with a fraction, and the field is mapped with coerce: false");
      }
      return numbers.read(parser, decoding);
    };
  }

  static final Leaf LONG = (parser, decoding) -> NumberLeaves.longValue(parser);

  /**
   * integer: JSON numbers checked against the bounds of an integer before their fraction is cut;
   * strings read as Java reads a double (white space around and a d or f suffix allowed).
   */
  static final Leaf INTEGER =
      (parser, decoding) -> {
        Long value = NumberLeaves.whole(parser, NumberLeaves.INTEGER);
        return value == null ? null : value.intValue();
      };

  /** short: as integer, except that a string is checked against the bounds of a short. */
  static final Leaf SHORT =
      (parser, decoding) -> {
        Long value = NumberLeaves.whole(parser, NumberLeaves.SHORT);
        return value == null ? null : value.shortValue();
      };

  /** byte: read as an integer, then checked against the bounds of a byte. */
  static final Leaf BYTE =
      (parser, decoding) -> {
        Long value = NumberLeaves.whole(parser, NumberLeaves.BYTE);
        return value == null ? null : value.byteValue();
      };

  /** double: finite values only; a number too large for a double does not fit. */
  static final Leaf DOUBLE = (parser, decoding) -> NumberLeaves.finite(parser, "double");

  /** float: finite values only; a number too large for a float does not fit. */
  static final Leaf FLOAT = (parser, decoding) -> NumberLeaves.toFloat(parser, "float");

  /**
   * half_float: the value as a float, where a value whose half-precision rounding is infinite
   * (65520 and beyond) does not fit, as Elasticsearch refuses it.
   */
  static final Leaf HALF_FLOAT =
      (parser, decoding) -> {
        Float value = NumberLeaves.toFloat(parser, "half_float");
        if (value != null && Math.abs(value) >= NumberLeaves.HALF_FLOAT_OVERFLOW) {
          throw NumberLeaves.outOfRange(parser, "half_float");
        }
        return value;
      };

  /** unsigned_long: exact up to 2^64-1, as a decimal of 20 digits. */
  static final Leaf UNSIGNED_LONG =
      (parser, decoding) -> {
        BigDecimal value = number(parser);
        if (value == null) {
          return null;
        }
        if (value.compareTo(UNSIGNED_LONG_MAX.add(BigDecimal.ONE)) >= 0) {
          throw new Mismatch("the value " + value + " is out of range");
        }
        BigDecimal whole = NumberLeaves.wholePart(value);
        if (whole.signum() < 0) {
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
   * The base64 Elasticsearch decodes a binary field's value with (Jackson's default variant),
   * except that padding may be left out: a field with neither doc values nor {@code store} (the
   * default) keeps its value without decoding it, so unpadded base64 is indexed as it is.
   */
  private static final Base64Variant BASE64 =
      Base64Variants.getDefaultVariant()
          .withReadPadding(Base64Variant.PaddingReadBehaviour.PADDING_ALLOWED);

  /**
   * binary: base64 text, with or without padding. The text is read whole first, so a value that is
   * not base64 can still be kept as it was.
   */
  static final Leaf BINARY =
      (parser, decoding) -> {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
          throw notA("a base64 string", parser);
        }
        try {
          return BASE64.decode(parser.getText());
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
      Long micros;
      try {
        micros = dates.parseText(parser.getText());
      } catch (ArithmeticException e) {
        throw new Mismatch(
            "the value '" + parser.getText() + "' is outside the range of a Spark timestamp");
      }
      if (micros == null) {
        throw new Mismatch(
            "the value '" + parser.getText() + "' does not match the format " + dates.format());
      }
      return micros;
    };
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

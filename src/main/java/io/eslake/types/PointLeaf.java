package io.eslake.types;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Locale;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * A geo_point (struct of lat, lon) or a cartesian point (struct of x, y), from every shape
 * Elasticsearch accepts: an object ({@code {"lat":..,"lon":..}} or {@code {"x":..,"y":..}}, numbers
 * or numeric strings), a GeoJSON point, a string "lat,lon" ("x,y"), an array [lon, lat] ([x, y]),
 * WKT {@code POINT (lon lat)}, and for geo_point a geohash (the centre of its cell).
 *
 * <p>A third coordinate, which Elasticsearch accepts and ignores by default, is kept in the rescue
 * column under {@code <path>.z}; under {@code ignore_z_value: false} the cluster refuses such a
 * point, and it does not fit. A geo_point whose latitude is outside [-90, 90] or longitude outside
 * [-180, 180] does not fit either: Elasticsearch refuses it, and under {@code ignore_malformed}
 * indexes it moved into range (or, given as WKT, not at all), so the original is kept instead.
 */
final class PointLeaf implements Leaf {

  private static final String GEOHASH_DIGITS = "0123456789bcdefghjkmnpqrstuvwxyz";

  private final String path;
  private final boolean geographic;
  private final boolean allowsZ;
  private final int width;
  private final int xOrdinal;
  private final int yOrdinal;

  private PointLeaf(String path, boolean geographic, StructType struct, boolean allowsZ) {
    this.path = path;
    this.geographic = geographic;
    this.allowsZ = allowsZ;
    this.width = struct.size();
    this.xOrdinal = ordinal(struct, geographic ? "lon" : "x");
    this.yOrdinal = ordinal(struct, geographic ? "lat" : "y");
  }

  /**
   * A geo_point read into a (possibly pruned) struct of lat and lon.
   *
   * @param allowsZ whether the mapping takes a third coordinate ({@code ignore_z_value})
   */
  static PointLeaf geo(String path, StructType struct, boolean allowsZ) {
    return new PointLeaf(path, true, struct, allowsZ);
  }

  /** A cartesian point read into a (possibly pruned) struct of x and y. */
  static PointLeaf cartesian(String path, StructType struct, boolean allowsZ) {
    return new PointLeaf(path, false, struct, allowsZ);
  }

  @Override
  public boolean needsCopy() {
    return true;
  }

  @Override
  public boolean readsArrays() {
    return true;
  }

  @Override
  public Object read(JsonParser parser, Decoding decoding) throws IOException, Mismatch {
    double[] xyz =
        switch (parser.currentToken()) {
          case START_ARRAY -> coordinates(parser);
          case START_OBJECT -> object(parser);
          case VALUE_STRING -> text(parser.getText().trim());
          default -> throw Leaves.notA("a point", parser);
        };
    check(xyz);
    if (xyz.length > 2) {
      decoding.keepNumber(path + ".z", Double.toString(xyz[2]));
    }
    Object[] values = new Object[width];
    if (xOrdinal >= 0) {
      values[xOrdinal] = xyz[0];
    }
    if (yOrdinal >= 0) {
      values[yOrdinal] = xyz[1];
    }
    return new GenericInternalRow(values);
  }

  /**
   * Refuses what the cluster refuses: a third coordinate it does not take, a point off the globe.
   */
  private void check(double[] xyz) throws Mismatch {
    if (xyz.length > 2 && !allowsZ) {
      throw new Mismatch(
          "a point with a third coordinate, which the mapping's ignore_z_value refuses");
    }
    if (geographic && (Math.abs(xyz[1]) > 90 || Math.abs(xyz[0]) > 180)) {
      throw new Mismatch(
          "the point (lat "
              + xyz[1]
              + ", lon "
              + xyz[0]
              + ") is off the globe: latitude must be within [-90, 90], longitude [-180, 180]");
    }
  }

  /** [x, y] or [x, y, z]: the parser stands on the array's start. */
  private static double[] coordinates(JsonParser parser) throws IOException, Mismatch {
    double[] xyz = new double[3];
    int count = 0;
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (!token.isNumeric() || count == 3) {
        throw new Mismatch("an array is a point only when it holds two or three numbers");
      }
      xyz[count++] = parser.getDoubleValue();
    }
    return exactly(xyz, count);
  }

  private double[] object(JsonParser parser) throws IOException, Mismatch {
    Double x = null;
    Double y = null;
    Double z = null;
    double[] coordinates = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      JsonToken value = parser.nextToken();
      if (key.equals("coordinates") && value == JsonToken.START_ARRAY) {
        coordinates = coordinates(parser);
      } else if (key.equals(geographic ? "lon" : "x")) {
        x = numberIn(parser);
      } else if (key.equals(geographic ? "lat" : "y")) {
        y = numberIn(parser);
      } else if (key.equals("z")) {
        z = numberIn(parser);
      } else if (!key.equals("type")) {
        throw new Mismatch("the key '" + key + "' is not part of a point");
      }
    }
    if (coordinates != null) {
      return coordinates;
    }
    if (x == null || y == null) {
      throw new Mismatch("a point object needs both coordinates");
    }
    return z == null ? new double[] {x, y} : new double[] {x, y, z};
  }

  private static Double numberIn(JsonParser parser) throws IOException, Mismatch {
    JsonToken token = parser.currentToken();
    if (token.isNumeric()) {
      return parser.getDoubleValue();
    }
    if (token == JsonToken.VALUE_STRING) {
      return parseDouble(parser.getText());
    }
    throw Leaves.notA("a coordinate", parser);
  }

  private double[] text(String text) throws Mismatch {
    if (text.regionMatches(true, 0, "POINT", 0, 5)) {
      return wkt(text);
    }
    if (text.indexOf(',') >= 0) {
      String[] parts = text.split(",");
      if (parts.length < 2 || parts.length > 3) {
        throw new Mismatch("the text '" + text + "' is not a point");
      }
      double first = parseDouble(parts[0]);
      double second = parseDouble(parts[1]);
      double[] xy = geographic ? new double[] {second, first} : new double[] {first, second};
      return parts.length == 2 ? xy : new double[] {xy[0], xy[1], parseDouble(parts[2])};
    }
    if (geographic) {
      return geohash(text);
    }
    throw new Mismatch("the text '" + text + "' is not a point");
  }

  /** WKT {@code POINT (x y)}, {@code POINT Z (x y z)}, in any case and spacing. */
  private static double[] wkt(String text) throws Mismatch {
    int open = text.indexOf('(');
    int close = text.lastIndexOf(')');
    String tag = open < 0 ? "" : text.substring(5, open).trim().toUpperCase(Locale.ROOT);
    if (open < 0 || close < open || !(tag.isEmpty() || tag.equals("Z"))) {
      throw new Mismatch("the text '" + text + "' is not a WKT point");
    }
    String[] parts = text.substring(open + 1, close).trim().split("\\s+");
    if (parts.length < 2 || parts.length > 3) {
      throw new Mismatch("the text '" + text + "' is not a WKT point");
    }
    double[] xyz = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      xyz[i] = parseDouble(parts[i]);
    }
    return xyz;
  }

  /** The centre of a geohash cell, as [lon, lat]. */
  private static double[] geohash(String hash) throws Mismatch {
    double[] lat = {-90, 90};
    double[] lon = {-180, 180};
    boolean even = true;
    for (int i = 0; i < hash.length(); i++) {
      int digit = GEOHASH_DIGITS.indexOf(Character.toLowerCase(hash.charAt(i)));
      if (digit < 0 || hash.length() > 12) {
        throw new Mismatch("the text '" + hash + "' is not a point or a geohash");
      }
      for (int bit = 4; bit >= 0; bit--) {
        double[] range = even ? lon : lat;
        double middle = (range[0] + range[1]) / 2;
        if ((digit >> bit & 1) == 1) {
          range[0] = middle;
        } else {
          range[1] = middle;
        }
        even = !even;
      }
    }
    if (hash.isEmpty()) {
      throw new Mismatch("an empty text is not a point");
    }
    return new double[] {(lon[0] + lon[1]) / 2, (lat[0] + lat[1]) / 2};
  }

  private static double parseDouble(String text) throws Mismatch {
    try {
      double value = Double.parseDouble(text.trim());
      if (Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // Reported below with the text.
    }
    throw new Mismatch("the text '" + text.trim() + "' is not a coordinate");
  }

  private static double[] exactly(double[] xyz, int count) throws Mismatch {
    if (count < 2) {
      throw new Mismatch("an array is a point only when it holds two or three numbers");
    }
    return count == 2 ? new double[] {xyz[0], xyz[1]} : xyz;
  }

  private static int ordinal(StructType struct, String name) {
    String[] names = struct.fieldNames();
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }
}

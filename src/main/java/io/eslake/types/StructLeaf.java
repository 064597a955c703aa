package io.eslake.types;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A value read into a struct: an object, a nested object, or a compound type (range, histogram,
 * aggregate_metric_double, join). Two compound types also take a string: a join field its relation
 * name alone, an ip_range a CIDR block, read as its first and last address.
 */
final class StructLeaf implements Leaf {

  private final StructReader reader;
  private final String esType;
  private final StructType struct;

  private StructLeaf(StructReader reader, String esType, StructType struct) {
    this.reader = reader;
    this.esType = esType;
    this.struct = struct;
  }

  static StructLeaf of(String esType, StructType struct, String path) {
    return new StructLeaf(StructReader.forStruct(struct, path), esType, struct);
  }

  @Override
  public Object read(JsonParser parser, Decoding decoding) throws IOException, Mismatch {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_OBJECT) {
      return reader.read(parser, decoding);
    }
    if (token == JsonToken.VALUE_STRING && esType.equals("join")) {
      return row("name", JsonValues.utf8(parser), null, null);
    }
    if (token == JsonToken.VALUE_STRING && esType.equals("ip_range")) {
      return cidr(parser.getText());
    }
    throw Leaves.notA(esType.equals("join") ? "a join value" : "an object", parser);
  }

  /** A CIDR block such as 10.0.0.0/8 as the range of its first and last address. */
  private Object cidr(String text) throws Mismatch {
    int slash = text.indexOf('/');
    String address = slash < 0 ? "" : text.substring(0, slash);
    if (!address.matches("[0-9a-fA-F:.]+")) {
      throw new Mismatch("the text '" + text + "' is not an IP range in CIDR form");
    }
    try {
      byte[] bytes = InetAddress.getByName(address).getAddress();
      int prefix = Integer.parseInt(text.substring(slash + 1));
      int bits = bytes.length * 8;
      if (prefix < 0 || prefix > bits) {
        throw new Mismatch("the prefix of '" + text + "' is out of range");
      }
      BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
      BigInteger first = new BigInteger(1, bytes).andNot(hostMask);
      return row(
          "gte", address(first, bytes.length), "lte", address(first.or(hostMask), bytes.length));
    } catch (UnknownHostException | NumberFormatException e) {
      throw new Mismatch("the text '" + text + "' is not an IP range in CIDR form");
    }
  }

  private static UTF8String address(BigInteger value, int length) throws UnknownHostException {
    byte[] raw = value.toByteArray();
    byte[] bytes = new byte[length];
    int copy = Math.min(raw.length, length);
    System.arraycopy(raw, raw.length - copy, bytes, length - copy, copy);
    return UTF8String.fromString(InetAddress.getByAddress(bytes).getHostAddress());
  }

  /** A row with up to two named values set, for the columns the read schema has. */
  private GenericInternalRow row(String name, Object value, String otherName, Object other) {
    Object[] values = new Object[struct.size()];
    String[] names = struct.fieldNames();
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        values[i] = value;
      } else if (names[i].equals(otherName)) {
        values[i] = other;
      }
    }
    return new GenericInternalRow(values);
  }
}

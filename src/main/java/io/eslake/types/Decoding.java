package io.eslake.types;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * What a decoder does with values that fit no column, and where in the document it is. One instance
 * per decoder, reset for every document; single-threaded like the decoder.
 *
 * <p>A value that does not fit its column makes the read fail when asked to, and is otherwise kept
 * in the rescue column under its path, when the read schema has that column, or left out of the row
 * (the column is null) when it does not. A value with no column at all (a field the mapping lacks)
 * is kept the same way and never fails the read.
 */
final class Decoding {

  private final boolean failOnMismatch;
  private final RescueWriter rescue;
  private final Set<String> arraysSeen;
  private String[] arrayPaths = new String[4];
  private int[] arrayIndexes = new int[4];
  private int depth;

  private Decoding(boolean failOnMismatch, RescueWriter rescue, Set<String> arraysSeen) {
    this.failOnMismatch = failOnMismatch;
    this.rescue = rescue;
    this.arraysSeen = arraysSeen;
  }

  /** For a read: fails on mismatches or keeps them, in the rescue column if there is one. */
  static Decoding forRead(boolean failOnMismatch, boolean hasRescueColumn) {
    return new Decoding(failOnMismatch, hasRescueColumn ? new RescueWriter() : null, null);
  }

  /** For a sample: records the path of every field seen holding a list of values. */
  static Decoding forSampling(Set<String> arraysSeen) {
    return new Decoding(false, null, arraysSeen);
  }

  void startDocument() {
    depth = 0;
    if (rescue != null) {
      rescue.clear();
    }
  }

  /** The rescue column's value for the document: a JSON object, or null when nothing was kept. */
  UTF8String rescued() throws IOException {
    return rescue == null ? null : rescue.finish();
  }

  /**
   * A value that does not fit its column: fails the read, or keeps it. The parser stands on the
   * value's first token and is left on its last.
   */
  void reject(String path, DecodeException.Kind kind, String problem, JsonParser value)
      throws IOException {
    if (failOnMismatch) {
      throw new DecodeException(located(path), kind, problem);
    }
    keep(path, value);
  }

  /** A value with no column: kept in the rescue column if the read has it, else skipped. */
  void keep(String path, JsonParser value) throws IOException {
    if (rescue == null) {
      value.skipChildren();
    } else {
      rescue.add(located(path), value);
    }
  }

  /** A key of an object that no column reads, kept as {@link #keep} does. */
  void keepChild(String objectPath, String key, JsonParser value) throws IOException {
    if (rescue == null) {
      value.skipChildren();
    } else {
      rescue.add(located(objectPath.isEmpty() ? key : objectPath + "." + key), value);
    }
  }

  /** A number with no column, given as its JSON text. */
  void keepNumber(String path, String number) throws IOException {
    if (rescue != null) {
      rescue.addNumber(located(path), number);
    }
  }

  /** Notes that a single-valued column's field held a list of values. */
  void sawArray(String path) {
    if (arraysSeen != null) {
      arraysSeen.add(path);
    }
  }

  /** Whether this decoding only samples shapes: every value is read, none kept. */
  boolean sampling() {
    return arraysSeen != null;
  }

  /** Enters the elements of an array column; {@link #at} then sets the current position. */
  void enterArray(String path) {
    if (depth == arrayPaths.length) {
      arrayPaths = Arrays.copyOf(arrayPaths, depth * 2);
      arrayIndexes = Arrays.copyOf(arrayIndexes, depth * 2);
    }
    arrayPaths[depth] = path;
    arrayIndexes[depth] = 0;
    depth++;
  }

  void at(int index) {
    arrayIndexes[depth - 1] = index;
  }

  void exitArray() {
    depth--;
  }

  /**
   * A field path with the positions of the array elements it is read in: {@code grp.items.day} read
   * in the second element of {@code grp.items} is {@code grp.items[1].day}.
   */
  String located(String path) {
    if (depth == 0) {
      return path;
    }
    StringBuilder located = new StringBuilder(path.length() + 8);
    int done = 0;
    for (int i = 0; i < depth; i++) {
      String arrayPath = arrayPaths[i];
      if (encloses(arrayPath, path) && arrayPath.length() >= done) {
        located.append(path, done, arrayPath.length()).append('[').append(arrayIndexes[i]);
        located.append(']');
        done = arrayPath.length();
      }
    }
    return located.append(path, done, path.length()).toString();
  }

  private static boolean encloses(String arrayPath, String path) {
    return path.startsWith(arrayPath)
        && (path.length() == arrayPath.length() || path.charAt(arrayPath.length()) == '.');
  }
}

package io.eslake.types;

/**
 * A value a {@link Leaf} cannot put in its column. An expected outcome, handled by the column's
 * reader, so it carries no stack trace.
 */
final class Mismatch extends Exception {

  Mismatch(String problem) {
    super(problem, null, false, false);
  }
}

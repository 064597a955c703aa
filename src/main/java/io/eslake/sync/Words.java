package io.eslake.sync;

import java.util.Locale;

/** Counted nouns for the job's messages: "1 index", "2 indices", "1,204 rows". */
final class Words {

  private Words() {}

  /** The count with thousands separators and the noun in the number it needs. */
  static String count(long n, String one, String many) {
    return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
  }
}

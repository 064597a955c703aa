package io.eslake.types;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Tells a user which value of a document went beyond a limit of the parser (a nesting deeper or a
 * number longer than Elasticsearch itself indexes), and what to do: such a value can only come from
 * a cluster whose own limits were raised, and the read cannot step over it.
 */
final class SourceLimits {

  private static final String REMEDY =
      "Read only columns that leave this field out (the cluster then leaves it out of the pages it"
          + " sends), or make the document smaller in Elasticsearch.";

  private SourceLimits() {}

  /**
   * The failure for a limit the parser hit inside a {@code _source} object.
   *
   * @param root the parsing context of the {@code _source} object itself
   */
  static DecodeException exceeded(
      StreamConstraintsException e, JsonParser parser, JsonStreamContext root) {
    return DecodeException.limit(
        path(parser.getParsingContext(), root), e.getOriginalMessage(), REMEDY);
  }

  /**
   * The dotted path, with array positions, from the source object down to a context: the key the
   * source object stands on, then each inner context's key or position.
   */
  static String path(JsonStreamContext context, JsonStreamContext root) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext at = context; at != null && at != root; at = at.getParent()) {
      if (at.inArray()) {
        parts.push("[" + Math.max(0, at.getCurrentIndex()) + "]");
      } else if (at.getCurrentName() != null) {
        parts.push("." + at.getCurrentName());
      }
    }
    String top = root == null || root.getCurrentName() == null ? "" : root.getCurrentName();
    String path = top + String.join("", parts);
    return path.startsWith(".") ? path.substring(1) : path;
  }
}

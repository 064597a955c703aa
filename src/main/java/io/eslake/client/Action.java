package io.eslake.client;

/**
 * What a request does, for messages: what it was for, the index or pattern it touches, and the
 * index privilege it needs, so a refusal can name what to grant.
 *
 * @param description what the request does, as in "Cannot {description}"
 * @param index the index, alias or pattern the request names
 * @param privilege the least index privilege that allows it
 */
record Action(String description, String index, String privilege) {

  /** The privilege behind listing, mappings and settings. */
  static final String VIEW_INDEX_METADATA = "view_index_metadata";

  /** The privilege behind counts, searches and scrolls. */
  static final String READ = "read";

  static Action metadata(String description, String index) {
    return new Action(description, index, VIEW_INDEX_METADATA);
  }

  static Action read(String description, String index) {
    return new Action(description, index, READ);
  }
}

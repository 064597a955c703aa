package io.eslake.types;

/**
 * A {@code _source} value that cannot be put in its column, when the read asked to fail on such
 * values rather than keep them in the rescue column. Names the index, document and field, so a user
 * can find the value; the read layer adds which option changes how it is read.
 */
public final class DecodeException extends RuntimeException {

  /** Why the value does not fit. */
  public enum Kind {
    /** Several values in a column that holds one. */
    SEVERAL_VALUES,
    /** A value of another type or shape than the column's, e.g. text in a number field. */
    MISMATCH,
    /** A value beyond what the reader parses (nesting, number length); fails any read. */
    LIMIT
  }

  private final String fieldPath;
  private final Kind kind;
  private final String documentId;
  private final String index;
  private final String problem;
  private final String remedy;

  DecodeException(String fieldPath, Kind kind, String problem) {
    this(fieldPath, kind, null, null, problem, null);
  }

  /** A value the parser refused for a limit, with what to do about it. */
  static DecodeException limit(String fieldPath, String problem, String remedy) {
    return new DecodeException(fieldPath, Kind.LIMIT, null, null, problem, remedy);
  }

  private DecodeException(
      String fieldPath, Kind kind, String documentId, String index, String problem, String remedy) {
    super(problem);
    this.fieldPath = fieldPath;
    this.kind = kind;
    this.documentId = documentId;
    this.index = index;
    this.problem = problem;
    this.remedy = remedy;
  }

  DecodeException withDocumentId(String id) {
    return new DecodeException(fieldPath, kind, id, index, problem, remedy);
  }

  /** The same failure, told as having happened in the given index. */
  public DecodeException inIndex(String name) {
    return new DecodeException(fieldPath, kind, documentId, name, problem, remedy);
  }

  /**
   * The same failure, with a sentence saying what the user can do about it; a failure that already
   * says it (a limit) keeps its own.
   */
  public DecodeException withRemedy(String sentence) {
    String kept = remedy == null ? sentence : remedy;
    return new DecodeException(fieldPath, kind, documentId, index, problem, kept);
  }

  /** The field's path in {@code _source}, with the positions of enclosing array elements. */
  public String fieldPath() {
    return fieldPath;
  }

  public Kind kind() {
    return kind;
  }

  public String documentId() {
    return documentId;
  }

  @Override
  public String getMessage() {
    return "Cannot read field '"
        + fieldPath
        + "' of document '"
        + documentId
        + "'"
        + (index == null ? "" : " in index '" + index + "'")
        + ": "
        + problem
        + "."
        + (remedy == null ? "" : " " + remedy);
  }
}

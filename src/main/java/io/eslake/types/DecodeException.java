package io.eslake.types;

/**
 * A {@code _source} value that cannot be put in its column. Names the index, document and field, so
 * a user can find the value, and says which option changes how it is read.
 */
public final class DecodeException extends RuntimeException {

  private final String fieldPath;
  private final String documentId;
  private final String index;
  private final String problem;

  DecodeException(String fieldPath, String documentId, String problem, Throwable cause) {
    this(fieldPath, documentId, null, problem, cause);
  }

  private DecodeException(
      String fieldPath, String documentId, String index, String problem, Throwable cause) {
    super(problem, cause);
    this.fieldPath = fieldPath;
    this.documentId = documentId;
    this.index = index;
    this.problem = problem;
  }

  DecodeException withDocumentId(String id) {
    return new DecodeException(fieldPath, id, index, problem, getCause());
  }

  /** The same failure, told as having happened in the given index. */
  public DecodeException inIndex(String name) {
    return new DecodeException(fieldPath, documentId, name, problem, getCause());
  }

  public String fieldPath() {
    return fieldPath;
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
        + problem;
  }
}

package io.eslake.sync;

import io.eslake.client.ClusterException;
import io.eslake.spark.ClosedIndexException;
import io.eslake.spark.SourceDisabledException;
import io.eslake.types.DecodeException;

/**
 * Finds the failure worth telling a user in what Spark throws: the connector's own exceptions sit
 * several causes deep inside Spark's task and job failures.
 */
final class Failures {

  private Failures() {}

  /** The first cluster or decoding failure in the cause chain, else the deepest cause. */
  static Throwable rootOf(Throwable failure) {
    Throwable deepest = failure;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ClusterException
          || t instanceof ClosedIndexException
          || t instanceof SourceDisabledException
          || t instanceof DecodeException
          || t instanceof UsageException
          || t instanceof IllegalArgumentException) {
        return t;
      }
      deepest = t;
      if (t.getCause() == t) {
        break;
      }
    }
    return deepest;
  }

  /** The failure as one line, naming the job's flags rather than the catalog's options. */
  static String oneLine(Throwable failure) {
    Throwable root = rootOf(failure);
    String message = root.getMessage();
    if (message == null || message.isBlank()) {
      message = root.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    String line = SyncArguments.inFlagTerms(newline < 0 ? message : message.substring(0, newline));
    return isConcurrentDeltaWrite(failure) ? line + CONCURRENT_WRITE_ADVICE : line;
  }

  /** Said after Delta's conflict message, which names neither the other writer nor what to do. */
  static final String CONCURRENT_WRITE_ADVICE =
      " Another writer changed the Delta table during this sync (a second sync into the same"
          + " warehouse or database?): run the syncs of one warehouse one at a time, and sync this"
          + " index again.";

  /** Whether Delta refused a commit because another writer committed to the table first. */
  private static boolean isConcurrentDeltaWrite(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.util.ConcurrentModificationException
          && t.getClass().getName().contains(".delta.")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why a file could not be written, in words rather than an exception's class name: the file
   * system's reason where it gives one ("Permission denied", "Not a directory"), naming the path it
   * concerns when that is another than the one written.
   */
  static String ioReason(Throwable failure) {
    if (failure instanceof java.nio.file.AccessDeniedException denied) {
      return "permission denied on " + denied.getFile();
    }
    if (failure instanceof java.nio.file.FileAlreadyExistsException exists) {
      return exists.getFile() + " exists and is not a folder";
    }
    if (failure instanceof java.nio.file.NoSuchFileException missing) {
      return "no such file or folder: " + missing.getFile();
    }
    if (failure instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
      return fs.getReason().toLowerCase(java.util.Locale.ROOT) + ": " + fs.getFile();
    }
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
  }

  /** Whether a failure means the cluster cannot be reached or refused the credentials. */
  static boolean isConnectionFailure(Throwable failure) {
    return rootOf(failure) instanceof ClusterException cluster
        && (cluster.kind() == ClusterException.Kind.UNAVAILABLE
            || cluster.kind() == ClusterException.Kind.CONFIGURATION
            || cluster.kind() == ClusterException.Kind.PERMISSION);
  }
}

package io.eslake.sync;

/** The job was started with arguments it cannot use; the message says which and why. */
public final class UsageException extends RuntimeException {

  public UsageException(String message) {
    super(message);
  }
}

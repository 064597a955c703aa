package io.eslake.client;

import java.io.Serializable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how long a request the cluster refused for the moment (429, 502, 503, 504, or a
 * connection that could not be opened) is tried again. Waits grow exponentially with full jitter:
 * the n-th retry waits a random time between 0 and {@code min(maxWaitMillis, waitMillis * 2^n)}, so
 * that many slices refused at once do not come back at once.
 *
 * @param maxRetries how many times a request is tried again after the first attempt; 0 for never
 * @param waitMillis the cap of the first wait
 * @param maxWaitMillis the cap of any wait
 */
public record RetryPolicy(int maxRetries, long waitMillis, long maxWaitMillis)
    implements Serializable {

  public static final int DEFAULT_MAX_RETRIES = 6;
  public static final long DEFAULT_WAIT_MILLIS = 500;
  public static final long DEFAULT_MAX_WAIT_MILLIS = 30_000;

  public RetryPolicy {
    if (maxRetries < 0 || waitMillis < 0 || maxWaitMillis < waitMillis) {
      throw new IllegalArgumentException(
          "Cannot use the retry settings: retries and waits must not be negative, and the longest"
              + " wait must be at least the first.");
    }
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(DEFAULT_MAX_RETRIES, DEFAULT_WAIT_MILLIS, DEFAULT_MAX_WAIT_MILLIS);
  }

  /** The wait before retry number {@code retry} (from 0): random, at most the capped backoff. */
  long waitBefore(int retry) {
    long cap = Math.min(maxWaitMillis, waitMillis << Math.min(retry, 30));
    return cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1);
  }

  /** Whether an answer with this HTTP status asks to come back later. */
  static boolean retryableStatus(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }
}

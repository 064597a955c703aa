package io.eslake.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void waitsAreRandomUpToADoublingCapThatStopsAtTheLongestWait() {
    RetryPolicy policy = new RetryPolicy(10, 100, 1_000);
    long[] caps = {100, 200, 400, 800, 1_000, 1_000, 1_000};
    for (int retry = 0; retry < caps.length; retry++) {
      Set<Long> seen = new HashSet<>();
      long longest = 0;
      for (int i = 0; i < 2_000; i++) {
        long wait = policy.waitBefore(retry);
        assertTrue(wait >= 0 && wait <= caps[retry], retry + ": " + wait);
        seen.add(wait);
        longest = Math.max(longest, wait);
      }
      assertTrue(seen.size() > 20, "full jitter spreads the waits, retry " + retry);
      assertTrue(longest > caps[retry] * 9 / 10, "waits reach near the cap, retry " + retry);
    }
  }

  @Test
  void aHugeRetryNumberDoesNotOverflowTheCap() {
    RetryPolicy policy = new RetryPolicy(100, 500, 30_000);
    for (int i = 0; i < 100; i++) {
      long wait = policy.waitBefore(99);
      assertTrue(wait >= 0 && wait <= 30_000, String.valueOf(wait));
    }
  }

  @Test
  void onlyAnswersThatMeanComeBackLaterAreRetried() {
    for (int status : new int[] {429, 502, 503, 504}) {
      assertTrue(RetryPolicy.retryableStatus(status), String.valueOf(status));
    }
    for (int status : new int[] {400, 401, 403, 404, 409, 500}) {
      assertFalse(RetryPolicy.retryableStatus(status), String.valueOf(status));
    }
  }

  @Test
  void settingsThatCannotWorkAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(-1, 10, 10));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(1, 100, 10));
    assertEquals(0, new RetryPolicy(0, 0, 0).waitBefore(3));
  }
}

package io.eslake.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The driver's shared clients: one pool per settings, given back on close, replaced if stopped. */
class SharedClientsTest {

  /** Nothing listens there; no test here sends a request. */
  private static ConnectionSettings settings(String user) {
    return ConnectionSettings.fromUrls(
        "http://127.0.0.1:9", Credentials.basic(user, "not-a-real-password"));
  }

  @Test
  void callersWithTheSameSettingsShareOnePoolThatClosingDoesNotStop() {
    ClusterClient first = ClusterClient.shared(settings("shared-a"));
    ClusterClient second = ClusterClient.shared(settings("shared-a"));
    ClusterClient other = ClusterClient.shared(settings("shared-b"));
    try {
      assertSame(first, second);
      assertNotSame(first, other, "other credentials, another pool");
      first.close();
      second.close();
      assertTrue(first.isRunning(), "given back, kept for the next call while idle");
      assertSame(first, ClusterClient.shared(settings("shared-a")), "the idle one is lent again");
      first.close();
    } finally {
      other.close();
    }
  }

  @Test
  void aStoppedPoolIsReplacedAndClosedWhenItsLastHolderGivesItBack() {
    ClusterClient held = ClusterClient.shared(settings("shared-c"));
    ClusterClient alsoHeld = ClusterClient.shared(settings("shared-c"));
    held.closePool();
    ClusterClient fresh = ClusterClient.shared(settings("shared-c"));
    try {
      assertNotSame(held, fresh);
      assertTrue(fresh.isRunning());
      held.close();
      alsoHeld.close();
      assertFalse(held.isRunning());
    } finally {
      fresh.close();
    }
  }

  @Test
  void aReaderClientIsItsOwnAndClosingItStopsIt() {
    ClusterClient own = ClusterClient.connect(settings("shared-d"));
    try (ClusterClient another = ClusterClient.connect(settings("shared-d"))) {
      assertNotSame(own, another);
    }
    own.close();
    assertFalse(own.isRunning());
  }
}

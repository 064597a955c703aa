package io.eslake.client;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The driver's clients, one per connection settings, lent to the catalog's and the planner's short
 * calls (listing, mappings, counts, shard layout) instead of each call opening its own connection
 * pool. A sync plans several Spark reads per index; with a client per call each opened new
 * connections, and over https each paid a TLS handshake. A client nobody holds is closed after it
 * has been idle for {@link #IDLE_MILLIS}; its threads are daemons, so a program that ends while one
 * is idle is not kept waiting. Executors' readers keep a client per partition.
 */
final class SharedClients {

  /** How long a client nobody holds stays open for the next call. */
  static final long IDLE_MILLIS = 30_000;

  /** The client each settings' callers get now. */
  private static final Map<ConnectionSettings, Lent> CLIENTS = new HashMap<>();

  /** Every client lent and not yet closed, also one replaced while held. */
  private static final Map<ClusterClient, Lent> LENT = new IdentityHashMap<>();

  private static final ScheduledExecutorService CLOSER =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "eslake-idle-client-closer");
            thread.setDaemon(true);
            return thread;
          });

  /** A shared client, how many callers hold it, and its pending close when none does. */
  private static final class Lent {
    final ClusterClient client;
    int holders;
    ScheduledFuture<?> closing;

    Lent(ClusterClient client) {
      this.client = client;
    }
  }

  private SharedClients() {}

  /**
   * The client for these settings, opened by {@code open} when there is none or the one there has
   * stopped (a pool whose I/O thread died answers nothing again). Each call must be matched by one
   * {@link #release}.
   */
  static synchronized ClusterClient acquire(
      ConnectionSettings settings, Function<ConnectionSettings, ClusterClient> open) {
    Lent lent = CLIENTS.get(settings);
    if (lent != null && !lent.client.isRunning()) {
      // Its holders keep it until they release it; new callers get a new one.
      CLIENTS.remove(settings);
      if (lent.holders == 0) {
        close(lent);
      }
      lent = null;
    }
    if (lent == null) {
      lent = new Lent(open.apply(settings));
      CLIENTS.put(settings, lent);
      LENT.put(lent.client, lent);
    }
    if (lent.closing != null) {
      lent.closing.cancel(false);
      lent.closing = null;
    }
    lent.holders++;
    return lent.client;
  }

  /** Gives a client back; the last holder's release starts its idle time. */
  static synchronized void release(ClusterClient client) {
    Lent lent = LENT.get(client);
    if (lent == null || --lent.holders > 0) {
      return;
    }
    ConnectionSettings settings = client.settings();
    if (CLIENTS.get(settings) != lent) {
      // Replaced after its pool stopped: its last holder is gone.
      close(lent);
      return;
    }
    lent.closing =
        CLOSER.schedule(() -> closeIfIdle(settings, lent), IDLE_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static synchronized void closeIfIdle(ConnectionSettings settings, Lent lent) {
    if (lent.holders == 0 && CLIENTS.get(settings) == lent) {
      CLIENTS.remove(settings);
      close(lent);
    }
  }

  private static void close(Lent lent) {
    LENT.remove(lent.client);
    lent.client.closePool();
  }
}

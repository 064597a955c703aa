package io.eslake.servers;

import com.sun.net.httpserver.HttpExchange;
import io.eslake.local.RecordingProxy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A loopback proxy in front of a real server that refuses {@code GET /} and node info as a cluster
 * refuses them to an account without the monitor privilege, and passes every other request on.
 */
final class RootRefusingProxy extends RecordingProxy {

  private static final byte[] REFUSAL =
      ("{\"error\":{\"type\":\"security_exception\",\"reason\":\"action [cluster:monitor/main]"
              + " is unauthorized for user [reader]\"},\"status\":403}")
          .getBytes(StandardCharsets.UTF_8);

  RootRefusingProxy(String targetUrl) throws IOException {
    super(targetUrl);
  }

  @Override
  protected void forward(HttpExchange exchange, Exchange recorded, byte[] body) throws IOException {
    String path = recorded.pathAndQuery();
    if (!recorded.method().equals("GET") || !(path.equals("/") || path.startsWith("/_nodes"))) {
      super.forward(exchange, recorded, body);
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(403, REFUSAL.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(REFUSAL);
    }
  }
}

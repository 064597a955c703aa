package io.eslake.security;

import com.sun.net.httpserver.HttpExchange;
import io.eslake.local.RecordingProxy;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A recording proxy that also keeps the status the cluster answered each request with. */
class StatusRecordingProxy extends RecordingProxy {

  /** One request and the status of its answer. */
  record Answered(String method, String pathAndQuery, int status) {
    @Override
    public String toString() {
      return method + " " + pathAndQuery + " -> " + status;
    }
  }

  private final List<Answered> answered = new CopyOnWriteArrayList<>();

  StatusRecordingProxy(String targetUrl) throws IOException {
    super(targetUrl);
  }

  @Override
  protected void forward(HttpExchange exchange, Exchange recorded, byte[] body) throws IOException {
    super.forward(exchange, recorded, body);
    answered.add(
        new Answered(recorded.method(), recorded.pathAndQuery(), exchange.getResponseCode()));
  }

  List<Answered> answered() {
    return List.copyOf(answered);
  }
}

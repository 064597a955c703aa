package io.eslake.security;

import java.io.IOException;
import java.net.http.HttpRequest;

/**
 * The local distribution cannot create API keys (its security index needs an analysis module it
 * lacks). This proxy checks the API key header the product sends and, when it is the expected one,
 * forwards the request with the administrator's credentials instead; any other header goes on
 * unchanged, so the real cluster refuses it.
 */
final class ApiKeyStandInProxy extends StatusRecordingProxy {

  private final String expectedAuthorization;
  private final String standInAuthorization;

  ApiKeyStandInProxy(String targetUrl, String expectedAuthorization, String standInAuthorization)
      throws IOException {
    super(targetUrl);
    this.expectedAuthorization = expectedAuthorization;
    this.standInAuthorization = standInAuthorization;
  }

  @Override
  protected void beforeForward(HttpRequest.Builder request, Exchange recorded) {
    if (expectedAuthorization.equals(recorded.authorization())) {
      request.setHeader("Authorization", standInAuthorization);
    }
  }
}

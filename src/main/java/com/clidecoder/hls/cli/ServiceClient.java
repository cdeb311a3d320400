package com.clidecoder.hls.cli;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.Secret;
import com.clidecoder.hls.domain.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's side of the HTTP API: finds the service from the same config ({@code HLS_URL} overrides),
 * sends the admin token on mutating calls, and turns every failure into a one-line {@link CliFailure}.
 * The JDK client is enough for a short-lived process; the service itself speaks pekko-http.
 */
final class ServiceClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /** An answer: status and the parsed JSON body. */
  record Reply(int status, JsonNode json) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The {@code reason} of a contract refusal, or a description of what came back. */
    String reason() {
      JsonNode r = json.path("reason");
      return r.isTextual() ? r.asText() : "HTTP " + status;
    }
  }

  private final String base;
  private final HlsConfig config;
  private final HttpClient http;

  ServiceClient(String base, HlsConfig config) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.config = config;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** {@code HLS_URL} when set, else the configured host and port (a wildcard bind is reached on loopback). */
  static ServiceClient of(HlsConfig config, Map<String, String> env) {
    String url = env.get("HLS_URL");
    if (url != null && !url.isBlank()) return new ServiceClient(url.strip(), config);
    String host = config.server().host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) host = "127.0.0.1";
    if (host.contains(":") && !host.startsWith("[")) host = "[" + host + "]";
    return new ServiceClient("http://" + host + ":" + config.server().port(), config);
  }

  String base() {
    return base;
  }

  HlsConfig config() {
    return config;
  }

  /** A read: carries the read token (else the admin token) when one is configured, so HLS_URL may go through nginx. */
  Reply get(String pathAndQuery) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).GET();
    config.api().readToken().or(() -> config.admin().token()).map(Secret::reveal)
        .ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return send(b);
  }

  /** A management call: carries {@code Authorization: Bearer} when an admin token is configured. */
  Reply postAdmin(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody());
    config.admin().token().map(Secret::reveal).ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return send(b);
  }

  /**
   * A management call that may take long (a reconcile pass paces its redeliveries): admin token as for
   * {@link #postAdmin}, waiting up to {@code timeout}.
   */
  Reply adminCall(String method, String pathAndQuery, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).method(method, HttpRequest.BodyPublishers.noBody());
    config.admin().token().map(Secret::reveal).ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return send(b, timeout);
  }

  /** A webhook delivery to the intake, body sent byte for byte (its signature covers those bytes). */
  Reply postWebhook(byte[] body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(config.server().webhookPath()))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    return send(b);
  }

  private URI uri(String pathAndQuery) {
    return URI.create(base + pathAndQuery);
  }

  private Reply send(HttpRequest.Builder request) {
    return send(request, REQUEST_TIMEOUT);
  }

  private Reply send(HttpRequest.Builder request, Duration timeout) {
    HttpRequest r = request.timeout(timeout).header("Accept", "application/json").build();
    HttpResponse<String> response;
    try {
      response = http.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      throw new CliFailure("HLS is not reachable at " + base + " (no connection within " + CONNECT_TIMEOUT.toSeconds() + "s)");
    } catch (ConnectException e) {
      throw new CliFailure("HLS is not running at " + base + " (connection refused)");
    } catch (HttpTimeoutException e) {
      throw new CliFailure("HLS at " + base + " did not answer within " + timeout.toSeconds() + "s");
    } catch (IOException e) {
      throw new CliFailure("cannot reach HLS at " + base + ": " + Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure("interrupted");
    }
    return new Reply(response.statusCode(), json(response));
  }

  private JsonNode json(HttpResponse<String> response) {
    String type = response.headers().firstValue("Content-Type").orElse("");
    try {
      if (type.startsWith("application/json")) return Json.MAPPER.readTree(response.body());
    } catch (JsonProcessingException e) {
      // described below: a JSON content type with a body that is not JSON
    }
    throw new CliFailure("unexpected answer from " + base + " to " + response.request().method() + " "
        + response.uri().getPath() + ": HTTP " + response.statusCode() + (type.isEmpty() ? "" : " (" + type + ")")
        + " — is HLS_URL or the configured port pointing at HLS?");
  }

  /** The reply when it is a 2xx, else a failure carrying the service's own reason. */
  static Reply expectOk(Reply reply) {
    if (reply.ok()) return reply;
    throw new CliFailure("HTTP " + reply.status() + ": " + reply.reason());
  }
}

package com.clidecoder.hls.spool;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.intake.SignatureVerifier;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Sends a spooled delivery to the service's own intake over loopback HTTP, so it is checked, stored and
 * counted exactly like one from GitHub; the JDK client is asynchronous, no thread waits for the answer.
 * An entry without a signature is signed with the webhook secret in force, as {@code bin/hls replay}
 * does (whoever can write the spool is trusted like the handler); one with a signature keeps it.
 */
public final class LoopbackIntake {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** The intake's answer: HTTP status and the reply's {@code status} and {@code reason} fields. */
  public record Answer(int httpStatus, String status, String reason) {
    /** Committed (202 queued, 200 duplicate) or deliberately not stored (200 ignored): the entry may go. */
    public boolean taken() {
      return httpStatus >= 200 && httpStatus < 300 && (status.equals("queued") || status.equals("duplicate") || status.equals("ignored"));
    }

    /** Worth sending again later: the service is busy or shutting down, not the entry's fault. */
    public boolean retryLater() {
      return httpStatus >= 500 || httpStatus == 408 || httpStatus == 429;
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI webhook;
  private final Supplier<HlsConfig> config;

  public LoopbackIntake(InetSocketAddress bound, Supplier<HlsConfig> config) {
    String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
    if (host.contains(":")) host = "[" + host + "]";
    this.webhook = URI.create("http://" + host + ":" + bound.getPort() + config.get().server().webhookPath());
    this.config = config;
  }

  public CompletionStage<Answer> send(byte[] body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(webhook).timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    boolean signed = false;
    boolean typed = false;
    for (Map.Entry<String, String> h : headers.entrySet()) {
      b.header(h.getKey(), h.getValue());
      signed |= h.getKey().equalsIgnoreCase("X-Hub-Signature-256");
      typed |= h.getKey().equalsIgnoreCase("Content-Type");
    }
    if (!typed) b.header("Content-Type", "application/json");
    if (!signed) config.get().signatureSecret().ifPresent(s -> b.header("X-Hub-Signature-256", new SignatureVerifier(s).sign(body)));
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).thenApply(LoopbackIntake::answer);
  }

  private static Answer answer(HttpResponse<String> r) {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(r.body());
    } catch (java.io.IOException | RuntimeException notJson) {
      json = Json.MAPPER.createObjectNode();
    }
    return new Answer(r.statusCode(), json.path("status").asText(""), json.path("reason").asText("HTTP " + r.statusCode()));
  }

  @Override
  public String toString() {
    return webhook.toString();
  }
}

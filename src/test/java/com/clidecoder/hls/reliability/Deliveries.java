package com.clidecoder.hls.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A sender that behaves like GitHub: posts a delivery and, when there is no answer (service down,
 * connection reset) or a 5xx, sends the same delivery again later. Remembers every delivery the
 * service accepted (202 queued, or 200 duplicate for a resend of one it had stored).
 */
final class Deliveries {
  /** The last answer per delivery id. */
  final Map<String, Integer> accepted = new ConcurrentHashMap<>();
  final Map<String, Integer> refusedWith5xx = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final IntSupplier port;
  private final Optional<String> secret;

  Deliveries(IntSupplier port, Optional<String> secret) {
    this.port = port;
    this.secret = secret;
  }

  /** One attempt: the status, or -1 when no answer came. */
  int postOnce(String event, String deliveryId, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + "/webhook"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", event)
        .header("X-GitHub-Delivery", deliveryId)
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    secret.ifPresent(s -> b.header("X-Hub-Signature-256", sign(s, bytes)));
    try {
      int status = http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status == 202 || status == 200) accepted.put(deliveryId, status);
      if (status >= 500) refusedWith5xx.merge(deliveryId, 1, Integer::sum);
      return status;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Sends until accepted, like GitHub's redelivery; gives up after {@code within}. */
  int postUntilAccepted(String event, String deliveryId, String body, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      int status = postOnce(event, deliveryId, body);
      if (status == 202 || status == 200 || (status >= 400 && status < 500)) return status;
      if (System.nanoTime() > deadline) return status;
      Thread.sleep(200);
    }
  }

  static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      StringBuilder hex = new StringBuilder("sha256=");
      for (byte x : mac.doFinal(body)) hex.append(String.format("%02x", x));
      return hex.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

package com.clidecoder.hls.cli;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Sending one webhook delivery to the intake as GitHub would, and reading the intake's answer. */
final class Deliveries {
  private Deliveries() {}

  /** How the intake answered ({@code status} of the contract's webhook reply). */
  enum Outcome {
    QUEUED,
    DUPLICATE,
    IGNORED,
    REJECTED
  }

  record Answer(Outcome outcome, ServiceClient.Reply reply) {
    String describe() {
      var j = reply.json();
      return switch (outcome) {
        case QUEUED, DUPLICATE -> outcome.name().toLowerCase() + " id=" + j.path("id").asText()
            + " delivery=" + j.path("delivery_id").asText();
        case IGNORED -> "ignored: " + Text.text(j.path("reason"));
        case REJECTED -> "rejected (HTTP " + reply.status() + "): " + reply.reason();
      };
    }
  }

  /**
   * POSTs {@code body} with {@code headers}; adds {@code X-Hub-Signature-256} when the config has a
   * webhook secret and the headers carry no signature (a saved delivery keeps GitHub's own).
   */
  static Answer send(ServiceClient client, byte[] body, Map<String, String> headers) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    if (!h.containsKey("Content-Type")) h.put("Content-Type", "application/json");
    HlsConfig config = client.config();
    Optional<Secret> secret = config.signatureSecret();
    if (secret.isPresent() && h.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("X-Hub-Signature-256"))) {
      h.put("X-Hub-Signature-256", sign(body, secret.get()));
    }
    ServiceClient.Reply reply = client.postWebhook(body, h);
    String status = reply.json().path("status").asText("");
    Outcome outcome = switch (status) {
      case "queued" -> Outcome.QUEUED;
      case "duplicate" -> Outcome.DUPLICATE;
      case "ignored" -> Outcome.IGNORED;
      default -> Outcome.REJECTED;
    };
    if (outcome != Outcome.REJECTED && !reply.ok()) outcome = Outcome.REJECTED;
    return new Answer(outcome, reply);
  }

  /** GitHub's signature: {@code sha256=} and the hex HMAC-SHA256 of the body with the webhook secret. */
  static String sign(byte[] body, Secret secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }
}

package com.clidecoder.hls.testkit;

import com.clidecoder.hls.domain.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One webhook of {@link FakeGitHub} and its delivery log, as GitHub keeps it: every attempt with its guid,
 * event, action and the status code the receiver answered (0 for no answer). Serves
 * {@code GET {hook}/deliveries} newest first in {@code cursor} pages (Link header) in GitHub's item shape, and
 * {@code POST {hook}/deliveries/{id}/attempts}: 202, then the same payload is sent to the receiver again with
 * the same {@code X-GitHub-Delivery} and recorded as a redelivery with the receiver's answer.
 */
public final class FakeHookDeliveries {
  /** One attempt of a delivery. */
  public record Attempt(long id, String guid, Instant deliveredAt, boolean redelivery, String event, String action,
      int statusCode, String payload) {}

  private final String hookPath;
  private final Pattern attempts;
  private final List<Attempt> log = new CopyOnWriteArrayList<>();
  private final List<Long> asked = new CopyOnWriteArrayList<>();
  private final AtomicLong nextId = new AtomicLong(9_000_000_000L);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private volatile String receiver;
  private volatile int pageSize = 100;
  private volatile Optional<FakeGitHub.Response> refusal = Optional.empty();

  /** @param hookPath e.g. {@code /repos/acme/app/hooks/7}, {@code /orgs/acme/hooks/3} or {@code /app/hook} */
  public FakeHookDeliveries(String hookPath) {
    this.hookPath = hookPath;
    this.attempts = Pattern.compile(Pattern.quote(hookPath) + "/deliveries/(\\d+)/attempts");
  }

  /** Where deliveries go (HLS's webhook URL; the tests that use this fake configure no webhook secret). */
  public FakeHookDeliveries receiver(String webhookUrl) {
    this.receiver = webhookUrl;
    return this;
  }

  public FakeHookDeliveries pageSize(int size) {
    this.pageSize = size;
    return this;
  }

  /** Every request to this hook is answered {@code status} with GitHub's error body (a token without the permission). */
  public FakeHookDeliveries refuse(int status, String message) {
    refusal = Optional.of(new FakeGitHub.Response(status, Map.of("content-type", "application/json"),
        "{\"message\":\"" + message + "\",\"documentation_url\":\"https://docs.github.com/rest/repos/webhooks\",\"status\":\""
            + status + "\"}"));
    return this;
  }

  /** An attempt that never reached the receiver (box down: {@code statusCode} 0, or nginx's 502...). */
  public Attempt failed(String guid, String event, String action, String payload, int statusCode, Instant at) {
    Attempt a = new Attempt(nextId.getAndIncrement(), guid, at, false, event, action, statusCode, payload);
    log.add(a);
    return a;
  }

  /** Sends the delivery to the receiver now and records the receiver's answer. */
  public Attempt deliver(String guid, String event, String action, String payload) {
    return send(guid, event, action, payload, false);
  }

  /** Sends it, but records {@code recorded} (the receiver answered, but the answer never got back to GitHub). */
  public Attempt deliverButRecord(String guid, String event, String action, String payload, int recorded) {
    Attempt sent = send(guid, event, action, payload, false);
    Attempt a = new Attempt(sent.id(), guid, sent.deliveredAt(), false, event, action, recorded, payload);
    log.set(log.indexOf(sent), a);
    return a;
  }

  /** Delivery ids a redelivery was asked for, in order. */
  public List<Long> asked() {
    return List.copyOf(asked);
  }

  public List<Attempt> attempts() {
    return List.copyOf(log);
  }

  boolean handles(String path) {
    return path.equals(hookPath + "/deliveries") || attempts.matcher(path).matches();
  }

  FakeGitHub.Response answer(FakeGitHub.Received req, String baseUrl) {
    if (refusal.isPresent()) return refusal.get();
    Matcher m = attempts.matcher(req.path());
    if (req.method().equals("POST") && m.matches()) return redeliver(Long.parseLong(m.group(1)));
    if (req.method().equals("GET") && req.path().equals(hookPath + "/deliveries")) return list(req, baseUrl);
    return new FakeGitHub.Response(404, Map.of("content-type", "application/json"),
        "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"404\"}");
  }

  private FakeGitHub.Response list(FakeGitHub.Received req, String baseUrl) {
    int perPage = Math.min(100, param(req.query(), "per_page").map(Integer::parseInt).orElse(30));
    perPage = Math.min(perPage, pageSize);
    // Newest first by delivery time, as GitHub lists them; the cursor is opaque to the client (an offset here).
    int from = param(req.query(), "cursor").map(c -> Integer.parseInt(c.substring("v1_".length()))).orElse(0);
    List<Attempt> newest = new ArrayList<>(log);
    newest.sort(Comparator.comparing(Attempt::deliveredAt).thenComparingLong(Attempt::id).reversed());
    List<Attempt> page = newest.subList(Math.min(from, newest.size()), Math.min(from + perPage, newest.size()));
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Attempt a : page) {
      ObjectNode n = out.addObject();
      n.put("id", a.id()).put("guid", a.guid()).put("delivered_at", a.deliveredAt().toString())
          .put("redelivery", a.redelivery()).put("duration", 0.12)
          .put("status", a.statusCode() == 0 ? "failed to connect to host" : a.statusCode() / 100 == 2 ? "OK"
              : "Invalid HTTP Response: " + a.statusCode())
          .put("status_code", a.statusCode()).put("event", a.event());
      if (a.action() == null) n.putNull("action"); else n.put("action", a.action());
      n.putNull("installation_id");
      n.put("repository_id", 4242);
      n.putNull("throttled_at");
    }
    boolean more = from + perPage < newest.size();
    Map<String, String> headers = new java.util.HashMap<>(Map.of("content-type", "application/json; charset=utf-8"));
    if (more) {
      headers.put("link", "<" + baseUrl + hookPath + "/deliveries?per_page=" + perPage + "&cursor=v1_"
          + (from + perPage) + ">; rel=\"next\"");
    }
    return new FakeGitHub.Response(200, Map.copyOf(headers), out.toString());
  }

  private FakeGitHub.Response redeliver(long id) {
    Optional<Attempt> original = log.stream().filter(a -> a.id() == id).findFirst();
    if (original.isEmpty()) {
      return new FakeGitHub.Response(404, Map.of("content-type", "application/json"),
          "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"404\"}");
    }
    asked.add(id);
    Attempt o = original.get();
    // GitHub answers at once and delivers shortly after, from elsewhere.
    Thread t = new Thread(() -> send(o.guid(), o.event(), o.action(), o.payload(), true), "fake-redelivery-" + id);
    t.setDaemon(true);
    t.start();
    return new FakeGitHub.Response(202, Map.of("content-type", "application/json"), "{}");
  }

  private Attempt send(String guid, String event, String action, String payload, boolean redelivery) {
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(receiver)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", event)
        .header("X-GitHub-Delivery", guid)
        .header("User-Agent", "GitHub-Hookshot/fake")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    int status;
    try {
      status = http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      status = 0;
    }
    Attempt a = new Attempt(nextId.getAndIncrement(), guid, Instant.now(), redelivery, event, action, status, payload);
    log.add(a);
    return a;
  }

  private static Optional<String> param(String query, String name) {
    for (String kv : query.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).equals(name)) return Optional.of(kv.substring(eq + 1));
    }
    return Optional.empty();
  }
}

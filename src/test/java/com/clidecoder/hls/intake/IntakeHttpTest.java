package com.clidecoder.hls.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.app.HlsApp;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.testkit.TestConfigs;
import com.clidecoder.hls.testkit.WriteLock;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole service started with {@link HlsApp#start} and driven over real loopback HTTP. */
// "try": a held WriteLock is used only for its effect on the database file.
@SuppressWarnings("try")
class IntakeHttpTest {
  @TempDir Path dir;
  private HlsApp app;
  // HTTP/1.1 as the senders speak it (curl in the handler, GitHub): the JDK client's default is HTTP/2, which
  // sends every new plain-text connection's first request as an h2c upgrade that the server declines.
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  @AfterEach
  void stop() throws Exception {
    if (app != null) app.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private HlsApp start(String hocon) throws Exception {
    app = HlsApp.start(TestConfigs.load(dir, hocon)).toCompletableFuture().get(60, TimeUnit.SECONDS);
    return app;
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  private HttpRequest.Builder delivery(String event, String id) {
    return HttpRequest.newBuilder(uri("/webhook"))
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", event)
        .header("X-GitHub-Delivery", id)
        .timeout(Duration.ofSeconds(60));
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return client.send(request, BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.toString());
    return Json.MAPPER.readTree(r.body());
  }

  private JsonNode stats() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/stats")).GET().build());
    assertEquals(200, r.statusCode(), "loopback client reads /stats: " + r.body());
    return json(r);
  }

  private long rows() throws Exception {
    long n = 0;
    for (JsonNode c : stats().get("by_status")) n += c.asLong();
    return n;
  }

  /** Opens the (stopped) service's database to read what was stored. */
  private <T> T afterStop(java.util.function.Function<EventStore, T> read) throws Exception {
    HlsConfig config = app.config();
    app.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
    app = null;
    try (Database db = Database.open(config.database())) {
      return read.apply(new EventStore(db));
    }
  }

  @Test
  void everySharedFixtureLandsOverLoopbackAsItsManifestImplies() throws Exception {
    start("");
    List<WebhookFixtures> fixtures = new ArrayList<>(WebhookFixtures.shared());
    fixtures.addAll(WebhookFixtures.own());
    List<Long> ids = new ArrayList<>();
    for (WebhookFixtures f : fixtures) {
      HttpResponse<String> r = send(delivery(f.event(), "loop-" + f.file() + "-" + fixtures.indexOf(f))
          .POST(BodyPublishers.ofByteArray(f.body())).build());
      JsonNode body = json(r);
      assertEquals(f.expectQueued() ? 202 : 200, r.statusCode(), f.file() + ": " + r.body());
      assertEquals(f.expectQueued() ? "queued" : "ignored", body.get("status").asText(), f.file());
      ids.add(f.expectQueued() ? body.get("id").asLong() : -1);
    }
    long queued = fixtures.stream().filter(WebhookFixtures::expectQueued).count();
    assertEquals(queued, rows());
    List<String> stored = afterStop(events -> ids.stream()
        .map(id -> id < 0 ? null : events.find(id).orElseThrow().payloadJson()).toList());
    for (int i = 0; i < fixtures.size(); i++) {
      if (ids.get(i) >= 0) {
        assertEquals(new String(fixtures.get(i).body(), StandardCharsets.UTF_8), stored.get(i), fixtures.get(i).file());
      }
    }
  }

  @Test
  void twoThousandConcurrentDeliveriesAreAllStoredWithGroupCommit() throws Exception {
    start("");
    byte[] body = WebhookFixtures.own("issues.opened.json");
    int total = 2000;
    // 64 requests in flight (as bench/run's clients): well past one per commit, so commits must group.
    Semaphore inFlight = new Semaphore(64);
    List<CompletableFuture<Answer>> answers = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      inFlight.acquire();
      HttpRequest request = delivery("issues", "bulk-" + i).POST(BodyPublishers.ofByteArray(body)).build();
      answers.add(sendResendingOnce(request).whenComplete((r, e) -> inFlight.release()));
    }
    Set<Long> ids = new HashSet<>();
    int resent = 0;
    for (CompletableFuture<Answer> f : answers) {
      Answer a = f.get(120, TimeUnit.SECONDS);
      if (a.resent()) resent++;
      // Only a resent delivery may be the duplicate of its own first try, committed but not answered.
      boolean duplicate = a.resent() && a.response().statusCode() == 200;
      assertEquals(duplicate ? 200 : 202, a.response().statusCode(), a.response().body());
      assertEquals(duplicate ? "duplicate" : "queued", json(a.response()).get("status").asText());
      ids.add(json(a.response()).get("id").asLong());
    }
    assertEquals(total, ids.size(), "one row id per delivery");
    assertEquals(total, rows());
    long written = app.intake().deliveriesCommitted();
    assertTrue(written >= total && written <= total + resent, written + " deliveries through the writer");
    assertTrue(resent <= total / 100, resent + " connections ended without an answer");
    long batches = app.intake().batchesCommitted();
    assertTrue(batches < total, "group commit: " + batches + " transactions for " + total + " deliveries");
    System.out.printf("group commit: %d deliveries in %d transactions (%d resent)%n", total, batches, resent);
  }

  private record Answer(HttpResponse<String> response, boolean resent) {}

  /**
   * Sends a delivery, and once more with the same delivery id if the connection ended without an answer,
   * as a webhook sender does: not answered means not acknowledged. (A CI run once saw one of 2,000
   * connections end so, which could not be reproduced here.) The test bounds how often that may happen.
   */
  private CompletableFuture<Answer> sendResendingOnce(HttpRequest request) {
    return client.sendAsync(request, BodyHandlers.ofString())
        .thenApply(r -> new Answer(r, false))
        .exceptionallyCompose(e -> {
          // What ended the connection, down to its first cause, for whoever reads a log of this happening.
          StringBuilder why = new StringBuilder();
          for (Throwable t = e; t != null; t = t.getCause()) why.append(" <- ").append(t);
          System.out.println("resending " + request.headers().firstValue("X-GitHub-Delivery").orElse("?") + why);
          return client.sendAsync(request, BodyHandlers.ofString()).thenApply(r -> new Answer(r, true));
        });
  }

  @Test
  void bodiesOverTheCapAre413BeforeTheyAreReadAndNothingIsStored() throws Exception {
    start("hls.server.max-payload-bytes = 4096");
    byte[] big = new byte[10_000];
    java.util.Arrays.fill(big, (byte) ' ');
    big[0] = '{';
    big[big.length - 1] = '}';
    HttpResponse<String> declared = send(delivery("issues", "big-1").POST(BodyPublishers.ofByteArray(big)).build());
    assertEquals(413, declared.statusCode(), declared.body());
    assertEquals("rejected", json(declared).get("status").asText());
    // No Content-Length: the client streams it chunked and the limit trips while reading.
    HttpResponse<String> chunked = send(delivery("issues", "big-2")
        .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build());
    assertEquals(413, chunked.statusCode(), chunked.body());
    assertEquals("rejected", json(chunked).get("status").asText());
    assertEquals(0, rows());
  }

  @Test
  void lockedDatabaseAnswers503OverHttpAndStoresNothing() throws Exception {
    start("hls.database.busy-timeout = 200ms");
    byte[] body = WebhookFixtures.own("issues.opened.json");
    try (WriteLock held = WriteLock.hold(app.config().database().path())) {
      HttpResponse<String> r = send(delivery("issues", "locked").POST(BodyPublishers.ofByteArray(body)).build());
      assertEquals(503, r.statusCode(), r.body());
      assertEquals("rejected", json(r).get("status").asText());
      // Reads still work under a write lock; /health reports the failing writes all the same.
      HttpResponse<String> health = send(HttpRequest.newBuilder(uri("/health")).GET().build());
      assertEquals(503, health.statusCode(), health.body());
      assertTrue(json(health).get("database").asText().startsWith("writes failing"), health.body());
    }
    assertEquals(0, rows());
    assertEquals(202, send(delivery("issues", "locked").POST(BodyPublishers.ofByteArray(body)).build()).statusCode());
    HttpResponse<String> healthy = send(HttpRequest.newBuilder(uri("/health")).GET().build());
    assertEquals(200, healthy.statusCode(), "a write that succeeds clears it: " + healthy.body());
  }

  @Test
  void healthStatsAndRefusalsAnswerJsonOverLoopback() throws Exception {
    start("");
    HttpResponse<String> health = send(HttpRequest.newBuilder(uri("/health")).GET().build());
    assertEquals(200, health.statusCode());
    assertEquals("ok", json(health).get("status").asText());
    JsonNode stats = stats();
    for (String field : List.of("total_pending", "success_rate", "average_processing_time", "by_status",
        "by_event_type", "oldest_pending_age_seconds", "today")) {
      assertTrue(stats.has(field), field);
    }
    HttpResponse<String> get = send(HttpRequest.newBuilder(uri("/webhook")).GET().build());
    assertEquals(405, get.statusCode());
    assertEquals("rejected", json(get).get("status").asText());
    HttpResponse<String> missing = send(HttpRequest.newBuilder(uri("/webhook"))
        .header("Content-Type", "application/json").POST(BodyPublishers.ofString("{}")).build());
    assertEquals(400, missing.statusCode());
    assertEquals("rejected", json(missing).get("status").asText());
  }
}

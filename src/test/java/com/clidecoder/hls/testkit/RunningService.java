package com.clidecoder.hls.testkit;

import com.clidecoder.hls.app.HlsApp;
import com.clidecoder.hls.config.ConfigLoader;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.Seed;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real HLS service on loopback (port 0) over a SQLite file in a temp folder, plus a second pool on
 * the same file to seed rows and read them back, and a plain HTTP client to call it.
 */
public final class RunningService implements AutoCloseable {
  public final ConfigLoader.Loaded loaded;
  public final HlsApp app;
  public final Database db;
  public final Seed seed;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public RunningService(Path dir, String hocon) {
    this(dir, hocon, Map.of());
  }

  public RunningService(Path dir, String hocon, Map<String, String> env) {
    try {
      java.nio.file.Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // The pipeline runs, but claims only when woken (intake, requeue): rows seeded straight into the
    // store stay as seeded unless a test wakes it. A test's own hocon may set another poll interval.
    this.loaded = TestConfigs.load(dir, "hls.workers.poll-interval = 1h\n" + hocon, env);
    try {
      this.app = HlsApp.start(loaded, env).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("service did not start", e);
    }
    this.db = Database.open(loaded.hls().database());
    this.seed = new Seed(db);
  }

  public String url() {
    return "http://127.0.0.1:" + app.port();
  }

  /** The config file the service was started with (what a reload re-reads). */
  public Path configFile() {
    return loaded.hls().sourceFile().orElseThrow();
  }

  public HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).GET();
    if (headers.length > 0) b.headers(headers);
    return send(b.build());
  }

  public HttpResponse<String> post(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).POST(HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) b.headers(headers);
    return send(b.build());
  }

  /**
   * Delivers an unsigned {@code issues.opened} in GitHub's shape (the fields HLS reads and a few more)
   * through the webhook route, asserts the 202 and returns the stored id.
   */
  public long deliverIssue(String delivery, String repo, int number, String title, String body) {
    String payload = """
        {"action":"opened","issue":{"number":%d,"title":%s,"body":%s,"html_url":"https://github.com/%s/issues/%d",
          "user":{"login":"mona","type":"User"},"labels":[],"state":"open"},
         "repository":{"full_name":"%s","name":"%s","owner":{"login":"%s"}},
         "sender":{"login":"mona","type":"User"}}""".formatted(number, quoted(title), quoted(body), repo, number, repo,
        repo.substring(repo.indexOf('/') + 1), repo.substring(0, repo.indexOf('/')));
    HttpResponse<String> r = deliver("issues", delivery, payload);
    if (r.statusCode() != 202) throw new AssertionError("delivery " + delivery + " answered " + r.statusCode() + ": " + r.body());
    return json(r.body()).path("id").asLong();
  }

  /** Posts one unsigned delivery to the webhook route, as GitHub would without a secret. */
  public HttpResponse<String> deliver(String eventType, String delivery, String payload) {
    return send(HttpRequest.newBuilder(URI.create(url() + "/webhook"))
        .header("Content-Type", "application/json").header("X-GitHub-Event", eventType)
        .header("X-GitHub-Delivery", delivery).POST(HttpRequest.BodyPublishers.ofString(payload)).build());
  }

  /** Waits until {@code GET /api/events/ID} says {@code completed}; fails with the last status after 30 s. */
  public JsonNode awaitCompleted(long id) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    JsonNode event = json(get("/api/events/" + id).body());
    while (!event.path("status").asText().equals("completed")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("event " + id + " is " + event.path("status").asText() + " after 30 s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      event = json(get("/api/events/" + id).body());
    }
    return event;
  }

  private static String quoted(String text) {
    return Json.MAPPER.valueToTree(text).toString();
  }

  private static JsonNode json(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpResponse<String> send(HttpRequest r) {
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    db.close();
    try {
      app.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the service", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the service did not stop", e);
    }
  }
}

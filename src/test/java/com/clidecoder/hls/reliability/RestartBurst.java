package com.clidecoder.hls.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.app.Version;
import com.clidecoder.hls.bench.ServiceProcess;
import com.clidecoder.hls.testkit.Payloads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGTERM during a burst of deliveries from a sender that never retries (GitHub does not): the first
 * half is sent at once, the signal goes out as soon as a quarter is answered, the second half follows
 * right after it on new connections. Every delivery must be answered 202 and be in the database, and a restart on the same
 * file must work them all. Shared by the quick test of the normal suite and the reliability suite.
 */
final class RestartBurst {
  private static final List<String> JVM = List.of("-Xms64m", "-Xmx384m");

  private RestartBurst() {}

  static void run(Path dir, int deliveries) throws Exception {
    Path db = dir.resolve("webhooks.db");
    String conf = "hls.database.path = \"" + db + "\"\nhls.workers.max-concurrent-analyses = 2";
    ServiceProcess service = ServiceProcess.start(dir.resolve("svc"), conf, JVM, true);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String health = http.send(HttpRequest.newBuilder(service.uri("/health")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(health.contains("\"version\":\"" + Version.current() + "\""), "/health carries the version: " + health);

    AtomicInteger answered = new AtomicInteger();
    Map<String, String> failures = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, CompletableFuture<Integer>> sent = new TreeMap<>();
    int half = deliveries / 2;
    for (int i = 0; i < half; i++) sent.put(id(i), sendOnce(http, service, i, answered, failures));
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (answered.get() < deliveries / 4 && System.nanoTime() < until) Thread.sleep(5);
    int beforeSignal = answered.get();
    long signalled = System.nanoTime();
    service.signalStop();
    // A client of its own, so the second half opens new connections rather than reusing the first's.
    HttpClient late = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (int i = half; i < deliveries; i++) sent.put(id(i), sendOnce(late, service, i, answered, failures));

    Map<Integer, List<String>> byStatus = new TreeMap<>();
    for (var e : sent.entrySet()) byStatus.computeIfAbsent(e.getValue().join(), s -> new ArrayList<>()).add(e.getKey());
    int exit = service.awaitExit(Duration.ofSeconds(60));
    long stopMillis = Duration.ofNanos(System.nanoTime() - signalled).toMillis();
    System.out.printf("RESTART deliveries=%d answered_before_sigterm=%d statuses=%s exit=%d stop_ms=%d%n",
        deliveries, beforeSignal, summary(byStatus), exit, stopMillis);
    assertEquals(List.of(202), List.copyOf(byStatus.keySet()),
        "every delivery answered 202 (-1 = refused or unanswered): " + summary(byStatus) + " " + byStatus
            + " failures: " + failures);
    assertEquals(143, exit, "an orderly exit on SIGTERM");

    Map<String, Rows.Event> stored = Rows.events(db);
    assertEquals(sent.keySet(), new java.util.TreeSet<>(stored.keySet()), "every delivery is in the database");
    ServiceProcess again = ServiceProcess.start(dir.resolve("svc"), conf, JVM, true);
    try {
      Rows.awaitAllFinal(db, deliveries, Duration.ofSeconds(120));
      assertEquals(deliveries, Rows.count(db,
          "SELECT count(*) FROM webhook_events WHERE status IN ('completed','skipped')"), "all worked after the restart");
    } finally {
      again.stop();
    }
  }

  /**
   * Deliveries that never stop (one every 50 ms) do not hold the port open for ever: the wait for a quiet
   * intake ends at {@code hls.workers.shutdown-deadline} (3 s here) and the process exits.
   */
  static void steadyStreamStillExits(Path dir) throws Exception {
    Path db = dir.resolve("webhooks.db");
    String conf = "hls.database.path = \"" + db + "\"\nhls.workers.shutdown-deadline = 3s";
    ServiceProcess service = ServiceProcess.start(dir.resolve("svc"), conf, JVM, true);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    AtomicInteger answered = new AtomicInteger();
    List<CompletableFuture<Integer>> sent = new ArrayList<>();
    long signalled = 0;
    for (int i = 0; service.isAlive() && i < 1_000; i++) {
      if (i == 20) {
        signalled = System.nanoTime();
        service.signalStop();
      }
      sent.add(sendOnce(http, service, i, answered));
      Thread.sleep(50);
    }
    int exit = service.awaitExit(Duration.ofSeconds(30));
    long stopMillis = Duration.ofNanos(System.nanoTime() - signalled).toMillis();
    long accepted = sent.stream().map(CompletableFuture::join).filter(s -> s == 202).count();
    System.out.printf("RESTART steady sent=%d accepted=%d exit=%d stop_ms=%d%n", sent.size(), accepted, exit, stopMillis);
    assertEquals(143, exit);
    assertTrue(stopMillis < 10_000, "exits soon after the 3 s deadline under a steady stream, not at the phase timeout (13 s): " + stopMillis + " ms");
    assertTrue(sent.size() > 60, "the port stayed open past the first second of the stream: " + sent.size() + " sent");
    assertEquals(accepted, Rows.count(db, "SELECT count(*) FROM webhook_events"), "every 202 is a row");
  }

  private static CompletableFuture<Integer> sendOnce(HttpClient http, ServiceProcess service, int i, AtomicInteger answered) {
    return sendOnce(http, service, i, answered, new java.util.concurrent.ConcurrentHashMap<>());
  }

  /** One attempt, never repeated: the status, or -1 with what ended it in {@code failures}. */
  private static CompletableFuture<Integer> sendOnce(HttpClient http, ServiceProcess service, int i,
      AtomicInteger answered, Map<String, String> failures) {
    HttpRequest request = HttpRequest.newBuilder(service.uri("/webhook"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", "issues")
        .header("X-GitHub-Delivery", id(i))
        .POST(HttpRequest.BodyPublishers.ofString(
            Payloads.issue("restart/repo-" + (i % 5), i + 1, "opened", "Burst issue " + i, "steps to reproduce")))
        .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle((r, e) -> {
          answered.incrementAndGet();
          if (e == null) return r.statusCode();
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          failures.put(id(i), cause.getClass().getSimpleName() + ": " + cause.getMessage());
          return -1;
        });
  }

  private static String summary(Map<Integer, List<String>> byStatus) {
    Map<Integer, Integer> counts = new TreeMap<>();
    byStatus.forEach((s, ids) -> counts.put(s, ids.size()));
    return counts.toString();
  }

  private static String id(int i) {
    return String.format("restart-%04d", i);
  }
}

package com.clidecoder.hls.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.bench.ServiceProcess;
import com.clidecoder.hls.cli.CliHarness;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.testkit.FakeAnthropic;
import com.clidecoder.hls.testkit.FakeGitHub;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's "done when": during a stream of 100 events, Anthropic is down (529 and 503 for every
 * request) for {@code hls.outage.seconds} (default 120), then GitHub refuses the token (401) for as
 * long. Every event completes, none is ever seen failed, no retry is counted for either outage,
 * {@code /health} is {@code degraded} during both and {@code ok} after, and no Claude call starts while
 * GitHub refuses the token (after the first 401 reached HLS, with a second's grace for a call already
 * granted).
 */
class OutageSuite {
  private static final int EVENTS = 100;
  private static final int REPOS = 10;
  private static final int OUTAGE_S = Integer.getInteger("hls.outage.seconds", 120);
  private static final long GRACE_MS = 1000;

  // Kept when the suite fails: the service logs in it are what explains the failure.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void outagesPauseAndEveryEventCompletesWithoutAClaudeCallWhileGitHubRefuses() throws Exception {
    Path db = dir.resolve("webhooks.db");
    AtomicBoolean anthropicDown = new AtomicBoolean();
    AtomicLong anthropicCalls = new AtomicLong();
    try (Fakes fakes = new Fakes().answering(id -> {
      anthropicCalls.incrementAndGet();
      if (!anthropicDown.get()) return Fakes.analysis(id);
      return anthropicCalls.get() % 2 == 0
          ? FakeAnthropic.error(529, "overloaded_error", "Overloaded")
          : FakeAnthropic.error(503, "api_error", "Service unavailable");
    })) {
      for (int r = 0; r < REPOS; r++) fakes.github.labels(repo(r), "bug");
      String conf = fakes.config(db, "hls.workers.max-concurrent-analyses = 4");
      try (ServiceProcess service = ServiceProcess.start(dir.resolve("svc"), conf, List.of("-Xmx512m"))) {
        HealthWatch health = new HealthWatch(service);
        health.start();
        Deliveries sender = new Deliveries(service::port, Optional.empty());
        // The stream spans both outages and a little before and after.
        long streamMs = (2L * OUTAGE_S + 40) * 1000;
        Thread stream = new Thread(() -> send(sender, streamMs), "outage-stream");
        stream.start();

        long start = System.currentTimeMillis();
        Thread.sleep(10_000);
        long anthropicFrom = System.currentTimeMillis();
        anthropicDown.set(true);
        Thread.sleep(OUTAGE_S * 1000L);
        // The pause begins once the in-call retries (10 s, 20 s) are spent: a short outage never reaches it.
        CliHarness.Run duringAnthropic = OUTAGE_S >= 45 ? CliHarness.monitor(url(service)) : null;
        anthropicDown.set(false);
        long anthropicTo = System.currentTimeMillis();
        Thread.sleep(15_000);
        long githubFrom = System.currentTimeMillis();
        fakes.github.refuseToken(true);
        Thread.sleep(OUTAGE_S * 1000L);
        CliHarness.Run duringGitHub = CliHarness.monitor(url(service));
        fakes.github.refuseToken(false);
        long githubTo = System.currentTimeMillis();
        stream.join();

        Set<String> everFailed = ConcurrentHashMap.newKeySet();
        Map<String, String> failures = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        Map<String, Rows.Event> rows = Rows.events(db);
        while (System.nanoTime() < deadline) {
          rows = Rows.events(db);
          rows.values().stream().filter(e -> e.status().equals("failed")).forEach(e -> {
            everFailed.add(e.deliveryId());
            failures.put(e.deliveryId(), e.error());
          });
          if (rows.size() == EVENTS && rows.values().stream().allMatch(e -> e.status().equals("completed"))) break;
          Thread.sleep(200);
        }
        long allDone = System.currentTimeMillis();
        Thread.sleep(2000);
        CliHarness.Run after = CliHarness.monitor(url(service));
        health.stop();
        service.stop();

        assertTrue(everFailed.isEmpty(), "no event was ever marked failed: " + failures);
        assertEquals(EVENTS, rows.size());
        assertTrue(rows.values().stream().allMatch(e -> e.status().equals("completed")),
            "every event completed: " + rows.values().stream().filter(e -> !e.status().equals("completed")).toList());
        int retries = rows.values().stream().mapToInt(Rows.Event::retryCount).sum();
        assertEquals(0, retries, "neither outage counted as an event's failed attempt");

        long first401 = fakes.github.received().stream().map(r -> r.arrivedAt().toEpochMilli())
            .filter(t -> t >= githubFrom).min(Long::compare).orElse(githubTo);
        List<Fakes.ClaudeCall> calls = fakes.calls();
        List<Fakes.ClaudeCall> whileRefused = calls.stream()
            .filter(c -> c.atMillis() > first401 + GRACE_MS && c.atMillis() < githubTo).toList();
        assertEquals(List.of(), whileRefused, "no Claude call while GitHub refused the token");

        assertTrue(health.degradedWithin(anthropicFrom + 45_000, anthropicTo) || OUTAGE_S < 45,
            "/health degraded during the Anthropic outage: " + health.summary());
        assertTrue(health.sawGitHubPausedWithin(githubFrom, githubTo), "/health github paused: " + health.summary());
        assertEquals("ok", health.last(), "/health ok after both outages");
        if (duringAnthropic != null) {
          assertEquals(1, duringAnthropic.exit(), "monitor during the Anthropic outage: " + duringAnthropic.out());
          assertTrue(duringAnthropic.out().contains("analysis paused"), duringAnthropic.out());
        }
        assertEquals(1, duringGitHub.exit(), "monitor while GitHub refused: " + duringGitHub.out());
        assertTrue(duringGitHub.out().contains("GitHub writes paused"), duringGitHub.out());
        assertEquals(0, after.exit(), "monitor after both outages: " + after.out() + after.err());
        assertEquals(0, Rows.count(db, "SELECT count(*) FROM github_actions WHERE status NOT IN ('done')"),
            "every action done");

        long outageCalls = calls.stream().filter(c -> c.status() != 200).count();
        System.out.printf("OUTAGE seconds=%d events=%d claude_calls=%d claude_errors_answered=%d"
                + " claude_calls_while_github_refused=%d github_401s=%d github_probes=%d retries_counted=%d"
                + " analysis_paused_s=%d github_paused_s=%d done_after_last_outage_s=%d total_s=%d%n",
            OUTAGE_S, rows.size(), calls.size(), outageCalls, whileRefused.size(),
            fakes.github.received().stream().filter(r -> r.arrivedAt().toEpochMilli() >= githubFrom
                && r.arrivedAt().toEpochMilli() < githubTo).count(),
            fakes.github.received("GET", "/rate_limit").size(), retries,
            health.secondsAnalysisPaused(), health.secondsGitHubPaused(), (allDone - githubTo) / 1000,
            (allDone - start) / 1000);
        for (Rows.Event e : rows.values()) {
          int number = Integer.parseInt(e.deliveryId().substring(e.deliveryId().indexOf('-') + 1)) + 1;
          assertEquals(1, fakes.github.comments(e.repository(), number).size(), e.deliveryId());
        }
      }
    }
  }

  private static void send(Deliveries sender, long overMs) {
    long gap = overMs / EVENTS;
    try {
      for (int k = 0; k < EVENTS; k++) {
        String repo = repo(k % REPOS);
        String id = (k % REPOS) + "-" + (k / REPOS);
        assertEquals(202, sender.postUntilAccepted("issues", id, Fakes.issue(repo, k / REPOS + 1, id),
            Duration.ofMinutes(1)));
        Thread.sleep(gap);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String url(ServiceProcess service) {
    return "http://127.0.0.1:" + service.port();
  }

  private static String repo(int r) {
    return "outage/repo-" + r;
  }

  /** Polls {@code /health} every half second and keeps what it said when. */
  private static final class HealthWatch {
    private record Seen(long atMillis, String status, String analysis, String github) {}

    private final ServiceProcess service;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Seen> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread poller = new Thread(this::poll, "outage-health");
    private volatile boolean running = true;

    HealthWatch(ServiceProcess service) {
      this.service = service;
    }

    void start() {
      poller.setDaemon(true);
      poller.start();
    }

    void stop() throws InterruptedException {
      running = false;
      poller.join(5000);
    }

    private void poll() {
      while (running) {
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(service.uri("/health"))
              .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
          JsonNode h = Json.MAPPER.readTree(r.body());
          seen.add(new Seen(System.currentTimeMillis(), h.path("status").asText(), h.path("analysis").asText(),
              h.path("github").asText()));
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // a missed poll is not a verdict
        }
      }
    }

    boolean degradedWithin(long from, long to) {
      return seen.stream().anyMatch(s -> s.atMillis() >= from && s.atMillis() <= to && s.status().equals("degraded")
          && s.analysis().startsWith("paused: Anthropic unavailable"));
    }

    boolean sawGitHubPausedWithin(long from, long to) {
      return seen.stream().anyMatch(s -> s.atMillis() >= from && s.atMillis() <= to && s.status().equals("degraded")
          && s.github().startsWith("paused: GitHub refused the token"));
    }

    String last() {
      return seen.isEmpty() ? "none" : seen.get(seen.size() - 1).status();
    }

    long secondsAnalysisPaused() {
      return seen.stream().filter(s -> s.analysis().startsWith("paused")).count() / 2;
    }

    long secondsGitHubPaused() {
      return seen.stream().filter(s -> s.github().startsWith("paused")).count() / 2;
    }

    String summary() {
      StringBuilder b = new StringBuilder();
      String before = "";
      for (Seen s : seen) {
        String now = s.status() + " / " + s.analysis() + " / " + s.github();
        if (!now.equals(before)) b.append('\n').append(s.atMillis()).append(": ").append(now);
        before = now;
      }
      return b.toString();
    }
  }
}

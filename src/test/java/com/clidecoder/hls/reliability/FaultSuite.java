package com.clidecoder.hls.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.bench.ServiceProcess;
import com.clidecoder.hls.testkit.FakeAnthropic;
import com.clidecoder.hls.testkit.FakeGitHub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults: the fake Anthropic answers 30% of requests 529 or 429 with {@code retry-after}; the fake
 * GitHub has bursts of 502 and a secondary rate limit with {@code retry-after}. Everything completes,
 * no retry comes before the wait it was told, and no event is ever seen failed.
 */
class FaultSuite {
  private static final int REPOS = 10;
  private static final int PER_REPO = Integer.getInteger("hls.faults.perRepo", 20);
  private static final int RETRY_AFTER_S = 1;
  private static final int SECONDARY_RETRY_AFTER_S = 2;

  // Kept when the suite fails: the service logs in it are what explains the failure.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void transientFailuresAreWaitedOutAndEverythingCompletes() throws Exception {
    long seed = Long.getLong("hls.reliability.seed", System.nanoTime());
    System.out.println("FAULTS seed=" + seed);
    Random random = new Random(seed);
    Path db = dir.resolve("webhooks.db");
    try (Fakes fakes = new Fakes().answering(id -> claudeAnswer(random, id))) {
      for (int r = 0; r < REPOS; r++) fakes.github.labels(repo(r), "bug");
      List<Long> secondaryAt = new CopyOnWriteArrayList<>();
      githubChaos(fakes.github, secondaryAt);

      String conf = fakes.config(db, "hls.workers.max-concurrent-analyses = 4\n"
          + "hls.workers.backoff { min = 200ms, max = 2s }\nhls.workers.max-retries = 12");
      int total = REPOS * PER_REPO;
      try (ServiceProcess service = ServiceProcess.start(dir.resolve("svc"), conf, List.of("-Xmx512m"))) {
        Deliveries sender = new Deliveries(service::port, Optional.empty());
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<Future<Integer>> sent = new ArrayList<>();
        for (int k = 0; k < PER_REPO; k++) {
          for (int r = 0; r < REPOS; r++) {
            String repo = repo(r);
            String id = r + "-" + k;
            int number = k + 1;
            sent.add(senders.submit(() -> sender.postUntilAccepted("issues", id, Fakes.issue(repo, number, id),
                Duration.ofMinutes(1))));
          }
        }
        for (Future<Integer> f : sent) assertEquals(202, f.get());
        senders.shutdown();

        Set<String> everFailed = ConcurrentHashMap.newKeySet();
        Map<String, String> failures = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
          Map<String, Rows.Event> now = Rows.events(db);
          now.values().stream().filter(e -> e.status().equals("failed")).forEach(e -> {
            everFailed.add(e.deliveryId());
            failures.put(e.deliveryId(), e.error());
          });
          if (now.values().stream().allMatch(e -> e.status().equals("completed") || e.status().equals("failed"))) break;
          Thread.sleep(100);
        }
        service.stop();
        assertTrue(everFailed.isEmpty(), "no event was ever marked failed: " + failures);
      }
      Map<String, Rows.Event> stored = Rows.events(db);
      assertEquals(total, stored.size());
      assertTrue(stored.values().stream().allMatch(e -> e.status().equals("completed")), "all completed");
      assertEquals(0, Rows.count(db, "SELECT count(*) FROM github_actions WHERE status <> 'done'"), "every action done");

      List<Fakes.ClaudeCall> calls = fakes.calls();
      assertClaudeWaitsHonoured(calls);
      assertNoWriteDuringSecondaryLimit(fakes.github, secondaryAt);
      for (Rows.Event e : stored.values()) {
        int number = Integer.parseInt(e.deliveryId().substring(e.deliveryId().indexOf('-') + 1)) + 1;
        List<FakeGitHub.Comment> comments = fakes.github.comments(e.repository(), number);
        assertEquals(1, comments.size(), e.deliveryId() + ": " + comments);
        assertTrue(comments.get(0).body().endsWith("<!-- hls:delivery=" + e.deliveryId() + " -->"));
      }
      long errors = calls.stream().filter(c -> c.status() != 200).count();
      Map<Integer, Long> github = fakes.github.received().stream()
          .collect(Collectors.groupingBy(r -> r.method().equals("POST") ? 1 : 0, Collectors.counting()));
      System.out.printf("FAULTS events=%d claude_calls=%d claude_errors=%d (%.0f%%) github_posts=%d secondary_limits=%d"
              + " retries=%d%n", total, calls.size(), errors, 100.0 * errors / calls.size(), github.getOrDefault(1, 0L),
          secondaryAt.size(), stored.values().stream().mapToInt(Rows.Event::retryCount).sum());
    }
  }

  /** 30%: 529 overloaded or 429 rate limited, both with retry-after. */
  private static FakeAnthropic.Answer claudeAnswer(Random random, String deliveryId) {
    double p;
    synchronized (random) {
      p = random.nextDouble();
    }
    if (p < 0.15) {
      return FakeAnthropic.error(529, "overloaded_error", "Overloaded").withHeader("retry-after", "" + RETRY_AFTER_S);
    }
    if (p < 0.30) {
      return FakeAnthropic.error(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit")
          .withHeader("retry-after", "" + RETRY_AFTER_S);
    }
    return Fakes.analysis(deliveryId);
  }

  /**
   * GitHub's bad moments come in time windows, not counts: for 400 ms of every 3 s every write is
   * answered 502, and every 8 s the first write is answered with a secondary rate limit (recorded).
   */
  private static void githubChaos(FakeGitHub github, List<Long> secondaryAt) {
    long start = System.currentTimeMillis();
    java.util.concurrent.atomic.AtomicLong lastLimitWindow = new java.util.concurrent.atomic.AtomicLong(-1);
    FakeGitHub.Reply badGateway = FakeGitHub.error(502, "Server Error");
    FakeGitHub.Reply limit = FakeGitHub.secondaryRateLimit(Optional.of(SECONDARY_RETRY_AFTER_S));
    github.script("POST", ".*", 1_000_000, (ex, normal) -> {
      long t = System.currentTimeMillis() - start;
      long window = t / 8_000;
      if (window > 0 && lastLimitWindow.getAndSet(window) != window) {
        secondaryAt.add(System.currentTimeMillis());
        limit.respond(ex, normal);
      } else if (t % 3_000 < 400) {
        badGateway.respond(ex, normal);
      } else {
        FakeGitHub.Response r = normal.get();
        FakeGitHub.respond(r.status(), r.headers(), r.body()).respond(ex, normal);
      }
    });
  }

  private static void assertClaudeWaitsHonoured(List<Fakes.ClaudeCall> calls) {
    Map<String, List<Fakes.ClaudeCall>> byDelivery = calls.stream().collect(Collectors.groupingBy(Fakes.ClaudeCall::deliveryId));
    int checked = 0;
    for (List<Fakes.ClaudeCall> list : byDelivery.values()) {
      for (int i = 0; i + 1 < list.size(); i++) {
        Fakes.ClaudeCall told = list.get(i);
        if (told.retryAfterMillis() == 0) continue;
        long waited = list.get(i + 1).atMillis() - told.atMillis();
        assertTrue(waited >= told.retryAfterMillis(), told.deliveryId() + " retried after " + waited
            + " ms though told retry-after " + told.retryAfterMillis() + " ms");
        checked++;
      }
    }
    assertTrue(checked > 0, "some retries were checked");
    System.out.println("FAULTS claude_retries_checked=" + checked);
  }

  /** GitHub's writes stop for retry-after once a secondary limit is answered (the lane is per token). */
  private static void assertNoWriteDuringSecondaryLimit(FakeGitHub github, List<Long> secondaryAt) {
    List<Long> posts = github.received().stream().filter(FakeGitHub.Received::isWrite)
        .map(r -> r.arrivedAt().toEpochMilli()).sorted().toList();
    for (long at : secondaryAt) {
      long end = at + SECONDARY_RETRY_AFTER_S * 1000L;
      List<Long> inside = posts.stream().filter(p -> p > at + 1 && p < end).toList();
      assertTrue(inside.isEmpty(), "writes during a secondary rate limit answered at " + at + ": " + inside);
    }
    System.out.println("FAULTS secondary_limits_checked=" + secondaryAt.size());
  }

  private static String repo(int r) {
    return "faults/repo-" + r;
  }
}

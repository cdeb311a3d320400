package com.clidecoder.hls.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.bench.ServiceProcess;
import com.clidecoder.hls.testkit.FakeGitHub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash: the service as a real process, {@code kill -9} at random moments three times while 2,000
 * deliveries over 20 repositories arrive and are worked on, restarted each time on the same file.
 * In the end every accepted delivery is stored and final, each has exactly one comment with its
 * marker and no doubled label at the fake GitHub, and each repository was analysed in id order.
 */
class CrashSuite {
  private static final int REPOS = Integer.getInteger("hls.crash.repos", 20);
  private static final int PER_REPO = Integer.getInteger("hls.crash.perRepo", 100);
  private static final List<String> JVM = List.of("-Xms64m", "-Xmx512m");

  // Kept when the suite fails: the service logs in it are what explains the failure.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void killedThreeTimesLosesNothingAndActsOncePerDelivery() throws Exception {
    long seed = Long.getLong("hls.reliability.seed", System.nanoTime());
    System.out.println("CRASH seed=" + seed + " (rerun with -Dhls.reliability.seed=" + seed + ")");
    Random random = new Random(seed);
    Path db = dir.resolve("webhooks.db");
    try (Fakes fakes = new Fakes().answering(Fakes::analysis)) {
      for (int r = 0; r < REPOS; r++) fakes.github.labels(repo(r), "bug", "enhancement");
      String conf = fakes.config(db, "hls.workers.max-concurrent-analyses = 8\n"
          + "hls.workers.backoff { min = 200ms, max = 1s }\nhls.workers.max-retries = 20");
      AtomicReference<ServiceProcess> service = new AtomicReference<>(ServiceProcess.start(dir.resolve("svc"), conf, JVM));
      Deliveries sender = new Deliveries(() -> service.get().port(), java.util.Optional.empty());

      ExecutorService senders = Executors.newFixedThreadPool(8);
      List<Future<Integer>> sent = new ArrayList<>();
      for (int k = 0; k < PER_REPO; k++) {
        for (int r = 0; r < REPOS; r++) {
          String repo = repo(r);
          int number = k + 1;
          String id = r + "-" + k;
          sent.add(senders.submit(() -> sender.postUntilAccepted("issues", id, Fakes.issue(repo, number, id),
              Duration.ofMinutes(5))));
        }
      }
      // The first kill lands while deliveries arrive, the later ones while the backlog is worked on.
      long[][] windows = {{500, 5_000}, {3_000, 20_000}, {5_000, 30_000}};
      for (int kill = 1; kill <= 3; kill++) {
        long[] w = windows[kill - 1];
        long after = w[0] + (long) (random.nextDouble() * (w[1] - w[0]));
        Thread.sleep(after);
        long done = Rows.count(db, "SELECT count(*) FROM webhook_events WHERE status = 'completed'");
        service.get().kill();
        System.out.printf("CRASH kill=%d after_ms=%d accepted=%d completed=%d%n", kill, after, sender.accepted.size(), done);
        service.set(ServiceProcess.start(dir.resolve("svc"), conf, JVM));
      }
      for (Future<Integer> f : sent) f.get();
      senders.shutdown();
      int total = REPOS * PER_REPO;
      assertEquals(total, sender.accepted.size(), "every delivery was accepted in the end (GitHub-style resends)");
      Rows.awaitAllFinal(db, total, Duration.ofMinutes(10));
      service.get().stop();

      Map<String, Rows.Event> stored = Rows.events(db);
      assertEquals(total, stored.size(), "one row per delivery");
      for (String id : sender.accepted.keySet()) {
        Rows.Event e = stored.get(id);
        assertTrue(e != null, "accepted delivery " + id + " is stored");
        assertEquals("completed", e.status(), "delivery " + id + " is final");
      }
      assertOneCommentAndNoDoubleLabelPerDelivery(fakes.github, stored);
      assertRepositoryOrder(fakes, stored);
      System.out.printf("CRASH deliveries=%d stored=%d completed=%d claude_calls=%d github_requests=%d%n", total,
          stored.size(), stored.values().stream().filter(e -> e.status().equals("completed")).count(),
          fakes.calls().size(), fakes.github.received().size());
    }
  }

  private static void assertOneCommentAndNoDoubleLabelPerDelivery(FakeGitHub github, Map<String, Rows.Event> stored) {
    for (Rows.Event e : stored.values()) {
      int number = Integer.parseInt(e.deliveryId().substring(e.deliveryId().indexOf('-') + 1)) + 1;
      List<FakeGitHub.Comment> comments = github.comments(e.repository(), number);
      String marker = "<!-- hls:delivery=" + e.deliveryId() + " -->";
      assertEquals(1, comments.stream().filter(c -> c.body().contains(marker)).count(),
          "one comment with the marker of " + e.deliveryId() + ": " + comments);
      assertEquals(1, comments.size(), "no other comment on " + e.repository() + "#" + number);
      List<String> labels = github.issueLabels(e.repository(), number);
      assertEquals(labels.stream().map(String::toLowerCase).distinct().count(), labels.size(), "no doubled label: " + labels);
      assertTrue(labels.contains("bug"), e.repository() + "#" + number + " labelled: " + labels);
    }
  }

  /** Claude saw each repository's events in id order (a re-analysis after a crash repeats, never goes back). */
  private static void assertRepositoryOrder(Fakes fakes, Map<String, Rows.Event> stored) {
    Map<String, Long> lastId = new HashMap<>();
    for (Fakes.ClaudeCall call : fakes.calls()) {
      Rows.Event e = stored.get(call.deliveryId());
      assertTrue(e != null, "Claude was asked about a stored delivery: " + call.deliveryId());
      long previous = lastId.getOrDefault(e.repository(), 0L);
      assertTrue(e.id() >= previous, e.repository() + ": event " + e.id() + " analysed after event " + previous);
      lastId.put(e.repository(), e.id());
    }
  }

  private static String repo(int r) {
    return "crash/repo-" + r;
  }
}

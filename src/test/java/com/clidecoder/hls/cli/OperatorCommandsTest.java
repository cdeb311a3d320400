package com.clidecoder.hls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.cli.CliHarness.Run;
import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.testkit.RunningService;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The operator subcommands against a running service on a temporary database: output and exit status. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // commands that change rows run after those that read them
class OperatorCommandsTest {
  RunningService svc;
  Map<String, String> env;
  String config;
  long done;
  long failed;
  long waiting;

  @BeforeAll
  void start(@TempDir Path dir) {
    svc = new RunningService(dir, "");
    env = Map.of("HLS_URL", svc.url());
    config = svc.configFile().toString();
    Instant t = Instant.now().minus(Duration.ofMinutes(30));
    done = svc.seed.heldIssue("octo/web", 1, "Login crashes", t);
    svc.seed.analysis(done, "Login crashes on submit", "[\"bug\"]", "Thanks, this looks like a bug.", 0.02, t);
    svc.seed.action(done, "comment", "octo/web#1", "{\"body\":\"Thanks\"}", "done", t);
    svc.seed.completed(done, t.plusSeconds(4));
    failed = svc.seed.heldIssue("octo/api", 2, "Timeout", t);
    svc.seed.failed(failed, "github: 502 after 5 attempts", t);
    waiting = svc.seed.heldIssue("octo/api", 3, "Waiting", t);
    svc.seed.retryDueAt(waiting, Instant.now().plus(Duration.ofDays(1)));
  }

  @AfterAll
  void stop() throws Exception {
    svc.close();
  }

  private Run hls(String... args) {
    String[] withConfig = new String[args.length + 2];
    System.arraycopy(args, 0, withConfig, 0, args.length);
    withConfig[args.length] = "--config";
    withConfig[args.length + 1] = config;
    return CliHarness.run(env, withConfig);
  }

  @Test
  void helpListsEveryCommandAndEachHasItsOwnHelp() {
    Run help = CliHarness.run(Map.of(), "help");
    assertEquals(0, help.exit());
    for (String c : new String[] {"serve", "config", "stats", "monitor", "events", "retry", "purge", "reload", "enqueue", "replay"}) {
      assertTrue(help.out().contains("  " + c + " "), c + " in help");
      Run own = CliHarness.run(Map.of(), c, "--help");
      assertEquals(0, own.exit(), c);
      assertTrue(own.out().startsWith("usage: bin/hls " + c), c + ": " + own.out());
    }
  }

  @Test
  void statsPrintsTheQueueAsATable() {
    Run r = hls("stats");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("HLS at " + svc.url()), r.out());
    assertTrue(r.out().matches("(?s).*waiting \\(pending \\+ retry\\)\\s+1\\n.*"), r.out());
    assertTrue(r.out().matches("(?s).*oldest waiting\\s+(29|30)m \\d\\ds\\n.*"), r.out());
    assertTrue(r.out().matches("(?s).*success rate\\s+50\\.0%\\n.*"), r.out());
    assertTrue(r.out().matches("(?s).*\\n  failed\\s+1\\n.*"), r.out());
    assertTrue(r.out().matches("(?s).*\\n  issues\\s+3\\n.*"), r.out());
    assertEquals("", r.err());
  }

  @Test
  void theServiceIsFoundFromTheConfigWithoutHlsUrl(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("cli.conf");
    Files.writeString(file, Files.readString(svc.configFile()) + "\nhls.server.port = " + svc.app.port() + "\n");
    Run r = CliHarness.run(Map.of(), "stats", "--json", "--config", file.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("\"total_pending\" : 1"), r.out());
  }

  @Test
  void monitorIsHealthyWithLargeLimitsAndAlertsOnAStuckQueueAndARecentFailure() {
    Run ok = hls("monitor", "--max-age", "2h", "--max-failed", "1");
    assertEquals(0, ok.exit(), ok.out() + ok.err());
    assertTrue(ok.out().contains("health"), ok.out());
    assertTrue(ok.out().strip().endsWith("OK"), ok.out());
    assertTrue(ok.out().lines().anyMatch(l -> l.matches("\\s*failed recently\\s+\\d+ in the last 1h 00m")), ok.out());
    assertTrue(ok.out().lines().anyMatch(l -> l.matches("\\s*spool\\s+0 waiting, 0 rejected, in .*")), ok.out());
    assertTrue(ok.out().lines().noneMatch(l -> l.contains("health.failed_recent") || l.contains(": null")),
        "fields shown as lines are not repeated raw: " + ok.out());
    assertEquals("", hls("monitor", "--max-age", "2h", "--max-failed", "1", "--quiet").out());

    Run stuck = hls("monitor", "--max-age", "10m", "--max-failed", "1");
    assertEquals(1, stuck.exit());
    assertTrue(stuck.out().contains("ALERT: oldest pending event waits"), stuck.out());
    assertTrue(hls("monitor").out().contains("more than 15m"), "default max age is 15 minutes");

    // The seeded failure happened 30 minutes ago: inside the default hour, outside a 20-minute window.
    Run failed = hls("monitor", "--max-age", "2h");
    assertEquals(1, failed.exit(), failed.out());
    assertTrue(failed.out().contains("ALERT: 1 event failed in the last 1h 00m (more than 0)"), failed.out());
    assertEquals(1, failed.out().lines().filter(l -> l.startsWith("ALERT")).count(), failed.out());
    assertEquals(0, hls("monitor", "--max-age", "2h", "--window", "20m").exit());
  }

  @Test
  void eventsListFiltersAndShowsOneEventInFull() {
    Run all = hls("events", "list");
    assertEquals(0, all.exit(), all.err());
    assertTrue(all.out().startsWith("ID"), all.out());
    assertEquals(4, all.out().lines().count(), all.out());
    assertTrue(all.out().contains("error: github: 502 after 5 attempts"), all.out());

    Run onlyFailed = hls("events", "list", "--status", "failed");
    assertEquals(2, onlyFailed.out().lines().count(), onlyFailed.out());
    assertEquals(all.out(), hls("events").out(), "bare 'events' lists, as the README's test flow uses it");
    assertEquals(onlyFailed.out(), hls("events", "--status", "failed").out());
    Run web = hls("events", "list", "--repo", "octo/web", "--limit", "5");
    assertTrue(web.out().contains("Login crashes on submit"), web.out());
    Run paged = hls("events", "list", "--limit", "1");
    assertTrue(paged.out().contains("more: bin/hls events list --before-id " + waiting), paged.out());

    Run show = hls("events", "show", String.valueOf(done));
    assertEquals(0, show.exit(), show.err());
    assertTrue(show.out().contains("Login crashes #1"), show.out());
    assertTrue(show.out().contains("https://github.com/octo/web/issues/1"), show.out());
    assertTrue(show.out().contains("Thanks, this looks like a bug."), show.out());
    assertTrue(show.out().contains("comment octo/web#1: done"), show.out());

    Run missing = hls("events", "show", "9999");
    assertEquals(1, missing.exit());
    assertEquals("hls events: no event 9999", missing.err().strip());
  }

  @Test
  void badArgumentsExit2WithOneLine() {
    for (String[] args : new String[][] {
        {"events", "list", "--limit", "abc"}, {"events", "frob"}, {"events", "show"}, {"retry", "abc"}, {"retry"},
        {"purge"}, {"purge", "--older-than", "-1"}, {"monitor", "--max-age", "5"}, {"stats", "extra"},
        {"enqueue", "octo/a", "issues", "opened"}, {"enqueue", "octo/a", "issues", "opened", "{not json"}}) {
      Run r = hls(args);
      assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
      assertEquals(1, r.errLines().size(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.err().contains("--help"), r.err());
    }
    Run badStatus = hls("events", "list", "--status", "done");
    assertEquals(1, badStatus.exit());
    assertTrue(badStatus.err().contains("status must be one of"), badStatus.err());
  }

  @Test
  void whenTheServiceIsDownEachCommandSaysSoInOneLine() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, String> down = Map.of("HLS_URL", "http://127.0.0.1:" + port);
    for (String[] args : new String[][] {{"stats"}, {"events", "list"}, {"events", "show", "1"}, {"retry", "1"},
        {"retry", "--failed"}, {"reload"}, {"enqueue", "octo/a", "issues", "opened", "{}"}}) {
      Run r = CliHarness.run(down, args);
      assertEquals(1, r.exit(), String.join(" ", args));
      assertEquals(1, r.errLines().size(), r.err());
      assertTrue(r.err().contains("HLS is not running at http://127.0.0.1:" + port), r.err());
      assertFalse(r.err().contains("Exception"), r.err());
      assertEquals("", r.out());
    }
    Run monitor = CliHarness.run(down, "monitor");
    assertEquals(1, monitor.exit());
    assertEquals(1, monitor.out().lines().count(), monitor.out());
    assertTrue(monitor.out().startsWith("ALERT: HLS is not running"), monitor.out());
  }

  @Test
  void reloadReportsSuccess() {
    Run r = hls("reload");
    assertEquals(0, r.exit(), r.err());
    assertEquals("configuration reloaded", r.out().strip());
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void retryRequeuesOneFailedEventAndRefusesOthers() {
    Run notFailed = hls("retry", String.valueOf(done));
    assertEquals(1, notFailed.exit());
    assertTrue(notFailed.err().contains("only failed events are requeued"), notFailed.err());

    Run ok = hls("retry", String.valueOf(failed));
    assertEquals(0, ok.exit(), ok.err());
    assertEquals("requeued event " + failed, ok.out().strip());
    // Requeued and woken: the running pipeline may already have taken it, so it is just no longer failed.
    assertNotEquals(Optional.of(EventStatus.FAILED), new EventStore(svc.db).statusOf(failed));

    long another = svc.seed.heldIssue("octo/x", 9, "x", Instant.now());
    svc.seed.failed(another, "boom", Instant.now());
    Run all = hls("retry", "--failed");
    assertEquals(0, all.exit(), all.err());
    assertEquals("requeued 1 failed event", all.out().strip());
    assertEquals("no failed events", hls("retry", "--failed").out().strip());
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void purgeDeletesOldFinishedEventsWithProgressOnStderr() {
    Instant old = Instant.now().minus(Duration.ofDays(45));
    List<Long> oldIds = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long id = svc.seed.heldIssue("octo/old", i, "old", old);
      oldIds.add(id);
      svc.seed.analysis(id, "s", "[]", null, 0.01, old);
      svc.seed.completed(id, old);
    }
    long before = svc.seed.count("SELECT COUNT(*) FROM webhook_events");
    Run dry = hls("purge", "--older-than", "30", "--dry-run");
    assertEquals(0, dry.exit(), dry.err());
    assertTrue(dry.out().startsWith("3 completed/skipped events"), dry.out());
    assertEquals(before, svc.seed.count("SELECT COUNT(*) FROM webhook_events"));

    Run r = hls("purge", "--older-than", "30");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("purged 3 completed/skipped events older than 30 days"), r.out());
    assertTrue(r.err().contains("purge: 3/3 events deleted"), r.err());
    assertEquals(before - 3, svc.seed.count("SELECT COUNT(*) FROM webhook_events"));
    String purged = oldIds.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
    assertEquals(0, svc.seed.count("SELECT COUNT(*) FROM claude_analyses WHERE event_id IN (" + purged + ")"));
    assertEquals(1, svc.seed.count("SELECT COUNT(*) FROM claude_analyses WHERE event_id = " + done),
        "the recent event's analysis stays");
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void purgeByStatusDeletesFailedEventsByAgeThenAllAndStatsFollow() {
    Instant old = Instant.now().minus(Duration.ofDays(45));
    long oldFailed = svc.seed.heldIssue("octo/fail", 1, "old failure", old);
    svc.seed.failed(oldFailed, "GitHub: 404", old);
    long recentFailed = svc.seed.heldIssue("octo/fail", 2, "recent failure", Instant.now());
    svc.seed.failed(recentFailed, "GitHub: 404", Instant.now());
    // Recent, so the other purge test (same run, same file) does not count it among its old ones.
    long oldDone = svc.seed.heldIssue("octo/fail", 3, "recent success", Instant.now());
    svc.seed.completed(oldDone, Instant.now());

    Run byAge = hls("purge", "--status", "failed", "--older-than", "30d");
    assertEquals(0, byAge.exit(), byAge.err());
    assertTrue(byAge.out().startsWith("purged 1 failed event older than 30 days"), byAge.out());
    assertEquals(0, svc.seed.count("SELECT COUNT(*) FROM webhook_events WHERE id = " + oldFailed));
    assertEquals(1, svc.seed.count("SELECT COUNT(*) FROM webhook_events WHERE id = " + recentFailed), "too recent");
    assertTrue(svc.get("/metrics").body().contains("hls_retention_last_run_deleted 1.0"), "the last purge's count");

    Run all = hls("purge", "--status", "failed");
    assertEquals(0, all.exit(), all.err());
    assertEquals(0, svc.seed.count("SELECT COUNT(*) FROM webhook_events WHERE status = 'failed'"));
    assertEquals(1, svc.seed.count("SELECT COUNT(*) FROM webhook_events WHERE id = " + oldDone), "completed ones stay");
    String stats = svc.get("/stats").body();
    assertTrue(stats.contains("\"failed\":0"), "the counters follow the purge: " + stats);

    Run bad = hls("purge", "--status", "pending");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("--status takes completed, failed or skipped"), bad.err());
  }
}

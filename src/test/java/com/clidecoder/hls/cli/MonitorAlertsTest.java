package com.clidecoder.hls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.cli.CliHarness.Run;
import com.clidecoder.hls.testkit.TestConfigs;
import com.clidecoder.hls.testkit.JsonExchange;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code monitor}'s health verdicts for states a test database cannot easily produce (pauses, a spool,
 * an expiring token, a degraded service), from a fake service answering /health and /stats in their shapes.
 */
class MonitorAlertsTest {
  private static final String STATS = "{\"total_pending\":0,\"success_rate\":1.0,\"average_processing_time\":2.5,"
      + "\"by_status\":{\"pending\":0,\"processing\":0,\"retry\":0,\"completed\":4,\"failed\":0,\"skipped\":1},"
      + "\"by_event_type\":{\"issues\":5},\"oldest_pending_age_seconds\":null,"
      + "\"today\":{\"date\":\"2025-01-01\",\"webhooks\":5,\"claude_analyses\":4,\"github_actions\":3,\"total_cost_usd\":0.5}}";

  private final List<String> healthQueries = new CopyOnWriteArrayList<>();

  private Run monitorAgainst(Path dir, int healthStatus, String health, String... options) throws Exception {
    HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    fake.createContext("/health", x -> {
      healthQueries.add(String.valueOf(x.getRequestURI().getQuery()));
      JsonExchange.reply(x, healthStatus, health);
    });
    fake.createContext("/stats", x -> JsonExchange.reply(x, 200, STATS));
    fake.start();
    try {
      String config = TestConfigs.load(dir, "").hls().sourceFile().orElseThrow().toString();
      List<String> args = new ArrayList<>(List.of("monitor", "--config", config));
      args.addAll(List.of(options));
      return CliHarness.run(Map.of("HLS_URL", "http://127.0.0.1:" + fake.getAddress().getPort()), args.toArray(String[]::new));
    } finally {
      fake.stop(0);
    }
  }


  @Test
  void healthyServiceExits0AndShowsExtraHealthFields(@TempDir Path dir) throws Exception {
    Run r = monitorAgainst(dir, 200, "{\"status\":\"ok\",\"database\":\"ok\",\"analysis\":\"running\",\"rate_limited\":[\"octo/busy\"]}");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("ok (database ok, analysis running)"), r.out());
    assertTrue(r.out().contains("health.rate_limited: [\"octo/busy\"]"), r.out());
    assertTrue(r.out().contains("avg processing  2.50s"), r.out());
  }

  @Test
  void pausedAnalysisIsAnAlert(@TempDir Path dir) throws Exception {
    Run r = monitorAgainst(dir, 200, "{\"status\":\"ok\",\"database\":\"ok\",\"analysis\":\"paused: daily budget of $10.00 spent\"}");
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains("ALERT: analysis paused: daily budget of $10.00 spent"), r.out());
  }

  @Test
  void aDownDatabaseIsAnAlert(@TempDir Path dir) throws Exception {
    Run r = monitorAgainst(dir, 503, "{\"status\":\"down\",\"database\":\"unreachable\"}");
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains("ALERT: service status is down (database unreachable)"), r.out());
  }

  @Test
  void eachReasonIsOneAlertLineAndTheWindowIsAskedOfTheService(@TempDir Path dir) throws Exception {
    String expiring = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    Run r = monitorAgainst(dir, 200, "{\"status\":\"degraded\",\"database\":\"ok\","
        + "\"analysis\":\"paused: Anthropic unreachable: cannot connect to https://api.anthropic.com\","
        + "\"analysis_paused_since\":\"2026-12-04T10:00:00Z\",\"github\":\"paused: GitHub refused the token (401)\","
        + "\"github_paused_since\":\"2026-12-04T10:05:00Z\",\"github_token_expires_at\":\"" + expiring + "\","
        + "\"failed_recent\":{\"window_seconds\":1800,\"count\":4},\"oldest_pending_age_seconds\":1200,"
        + "\"spool\":{\"dir\":\"/var/spool/hls\",\"depth\":3,\"oldest_age_seconds\":1900,\"rejected\":1}}",
        "--window", "30m", "--max-failed", "2", "--max-age", "10m", "--max-spool-age", "30m");
    assertEquals(1, r.exit(), r.out());
    assertEquals(List.of("window=1800s"), healthQueries);
    List<String> alerts = r.out().lines().filter(l -> l.startsWith("ALERT: ")).toList();
    assertEquals(List.of(
        "ALERT: analysis paused: Anthropic unreachable: cannot connect to https://api.anthropic.com (since 2026-12-04T10:00:00Z)",
        "ALERT: GitHub writes paused: GitHub refused the token (401) (since 2026-12-04T10:05:00Z)",
        "ALERT: the GitHub token expires at " + expiring + " (in 2d 23h): renew it",
        "ALERT: 4 events failed in the last 30m 00s (more than 2): see bin/hls events list --status failed",
        "ALERT: oldest pending event waits 20m 00s (more than 10m 00s)",
        "ALERT: 3 spooled deliveries in /var/spool/hls, the oldest 31m 40s old (more than 30m 00s): they are not reaching HLS",
        "ALERT: 1 spooled delivery was rejected by HLS: see /var/spool/hls/rejected/ (each with its reason)"), alerts);
  }

  @Test
  void figuresWithinTheLimitsAreQuietAndTheDefaultsFireOnAnyRecentFailure(@TempDir Path dir) throws Exception {
    String calm = "{\"status\":\"ok\",\"database\":\"ok\",\"analysis\":\"running\",\"github\":\"live\","
        + "\"github_token_expires_at\":\"2099-01-01 00:00:00 UTC\",\"failed_recent\":{\"window_seconds\":3600,\"count\":%d},"
        + "\"oldest_pending_age_seconds\":60,\"spool\":{\"dir\":\"/var/spool/hls\",\"depth\":1,\"oldest_age_seconds\":30,\"rejected\":0}}";
    Run quiet = monitorAgainst(dir, 200, calm.formatted(0), "--quiet");
    assertEquals(0, quiet.exit(), quiet.out());
    assertEquals("", quiet.out());
    assertEquals(List.of("window=3600s"), healthQueries, "the default window is one hour");

    Run one = monitorAgainst(dir, 200, calm.formatted(1), "--quiet");
    assertEquals(1, one.exit(), one.out());
    assertTrue(one.out().contains("ALERT: 1 event failed in the last 1h 00m (more than 0)"), one.out());
    assertEquals(0, monitorAgainst(dir, 200, calm.formatted(1), "--max-failed", "1").exit());
  }

  @Test
  void badLimitsAreUsageErrors(@TempDir Path dir) throws Exception {
    for (String[] bad : new String[][] {{"--max-failed", "-1"}, {"--max-failed", "many"}, {"--window", "60"},
        {"--window", "40d"}, {"--max-spool-age", "soon"}}) {
      Run r = monitorAgainst(dir, 200, "{\"status\":\"ok\"}", bad);
      assertEquals(2, r.exit(), String.join(" ", bad) + ": " + r.out() + r.err());
      assertTrue(r.err().contains(bad[0]), r.err());
    }
    assertTrue(healthQueries.isEmpty(), "nothing is asked with bad options");
  }
}

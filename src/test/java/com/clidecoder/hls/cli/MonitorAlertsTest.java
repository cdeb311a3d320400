package com.clidecoder.hls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.cli.CliHarness.Run;
import com.clidecoder.hls.testkit.TestConfigs;
import com.clidecoder.hls.testkit.JsonExchange;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code monitor}'s health verdicts for states a test database cannot easily produce (analysis paused,
 * a degraded service), from a fake service answering /health and /stats in the contract's shapes.
 */
class MonitorAlertsTest {
  private static final String STATS = "{\"total_pending\":0,\"success_rate\":1.0,\"average_processing_time\":2.5,"
      + "\"by_status\":{\"pending\":0,\"processing\":0,\"retry\":0,\"completed\":4,\"failed\":0,\"skipped\":1},"
      + "\"by_event_type\":{\"issues\":5},\"oldest_pending_age_seconds\":null,"
      + "\"today\":{\"date\":\"2025-01-01\",\"webhooks\":5,\"claude_analyses\":4,\"github_actions\":3,\"total_cost_usd\":0.5}}";

  private Run monitorAgainst(Path dir, int healthStatus, String health) throws Exception {
    HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    fake.createContext("/health", x -> JsonExchange.reply(x, healthStatus, health));
    fake.createContext("/stats", x -> JsonExchange.reply(x, 200, STATS));
    fake.start();
    try {
      String config = TestConfigs.load(dir, "").hls().sourceFile().orElseThrow().toString();
      return CliHarness.run(Map.of("HLS_URL", "http://127.0.0.1:" + fake.getAddress().getPort()), "monitor", "--config", config);
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
}

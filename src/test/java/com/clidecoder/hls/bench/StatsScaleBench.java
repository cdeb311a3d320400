package com.clidecoder.hls.bench;

import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.StatsStore;
import com.clidecoder.hls.testkit.RunningService;
import com.clidecoder.hls.testkit.TestConfigs;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;

/**
 * /stats and /metrics at scale: fills a fresh database (real migrations, so the event_counts triggers
 * run for every row) with {@code ROWS} events of mixed statuses and types, then times, in this run:
 * the old full-scan queries /stats used before migration 007 (the baseline), {@link StatsStore#queueStats}
 * (counters and a partial index), and GET /stats and GET /metrics of the real service on that file.
 *
 * <p>Usage: {@code StatsScaleBench WORK_DIR ROWS}. Prints {@code STATS name p50_ms p99_ms n} lines.
 */
public final class StatsScaleBench {
  /** The queries of StatsStore.queueStats before migration 007: each reads the whole table. */
  private static final String[] OLD_SCAN = {
    "SELECT status, COUNT(*) FROM webhook_events GROUP BY status",
    "SELECT event_type, COUNT(*) FROM webhook_events GROUP BY event_type ORDER BY event_type",
    "SELECT AVG(completed_at - started_at) FROM webhook_events WHERE status = 'completed' AND started_at IS NOT NULL",
    "SELECT MIN(created_at) FROM webhook_events WHERE status IN ('pending', 'retry')",
  };

  private StatsScaleBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int rows = Integer.parseInt(args[1]);
    Files.createDirectories(dir);
    for (String s : new String[] {"", "-wal", "-shm"}) Files.deleteIfExists(dir.resolve("webhooks.db" + s));
    var config = TestConfigs.load(dir, "").hls().database();
    Database.open(config).close(); // migrations: tables, triggers, indexes
    long fillStart = System.nanoTime();
    fill(config.path(), rows);
    System.out.printf("STATS fill rows=%d seconds=%.1f file_mb=%.0f%n", rows, (System.nanoTime() - fillStart) / 1e9,
        Files.size(config.path()) / 1e6);

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.path())) {
      int n = rows >= 500_000 ? 5 : 10;
      double[] old = new double[n];
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        try (Statement s = c.createStatement()) {
          for (String q : OLD_SCAN) {
            try (ResultSet rs = s.executeQuery(q)) {
              while (rs.next()) rs.getObject(1);
            }
          }
        }
        old[i] = (System.nanoTime() - t0) / 1e6;
      }
      report("old_full_scan_queries", old);
    }
    try (Database db = Database.open(config)) {
      StatsStore stats = new StatsStore(db);
      double[] store = new double[200];
      for (int i = 0; i < store.length; i++) {
        long t0 = System.nanoTime();
        stats.queueStats(Instant.now());
        store[i] = (System.nanoTime() - t0) / 1e6;
      }
      report("store_queue_stats", store);
    }
    try (RunningService svc = new RunningService(dir, "")) {
      for (String path : new String[] {"/stats", "/metrics"}) {
        for (int i = 0; i < 20; i++) svc.get(path); // warm-up: JIT, pool
        double[] http = new double[200];
        for (int i = 0; i < http.length; i++) {
          long t0 = System.nanoTime();
          HttpResponse<String> r = svc.get(path);
          http[i] = (System.nanoTime() - t0) / 1e6;
          if (r.statusCode() != 200) throw new IllegalStateException(path + " answered " + r.statusCode());
        }
        report("http_get" + path.replace('/', '_'), http);
      }
    }
  }

  /** Rows in one transaction of 50k each; 90% completed, 4% failed, 3% skipped, 3% pending or retry. */
  private static void fill(Path file, int rows) throws Exception {
    String[] types = {"issues", "pull_request", "pull_request_review", "workflow_run", "issue_comment"};
    String[] statuses = new String[100];
    for (int i = 0; i < 100; i++) {
      statuses[i] = i < 90 ? "completed" : i < 94 ? "failed" : i < 97 ? "skipped" : i < 99 ? "pending" : "retry";
    }
    String payload = "{\"action\":\"opened\",\"issue\":{\"number\":1,\"title\":\"t\",\"body\":\"" + "x".repeat(400) + "\"}}";
    long base = Instant.now().minusSeconds(86400L * 60).toEpochMilli();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = NORMAL");
      }
      c.setAutoCommit(false);
      try (PreparedStatement p = c.prepareStatement("INSERT INTO webhook_events (delivery_id, event_type, repository,"
          + " action, payload_json, status, created_at, scheduled_at, started_at, completed_at, error_message)"
          + " VALUES (?, ?, ?, 'opened', ?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 0; i < rows; i++) {
          String status = statuses[i % 100];
          long created = base + i * 5L;
          boolean finished = !status.equals("pending") && !status.equals("retry");
          p.setString(1, "bench-" + i);
          p.setString(2, types[i % types.length]);
          p.setString(3, "org" + (i % 500) + "/repo");
          p.setString(4, payload);
          p.setString(5, status);
          p.setLong(6, created);
          p.setLong(7, created);
          if (finished) {
            p.setLong(8, created + 100);
            p.setLong(9, created + 100 + (i % 7) * 1000L);
          } else {
            p.setNull(8, java.sql.Types.INTEGER);
            p.setNull(9, java.sql.Types.INTEGER);
          }
          p.setString(10, status.equals("failed") ? "GitHub: 404" : status.equals("skipped") ? "skipped: bot sender" : null);
          p.executeUpdate();
          if (i % 50_000 == 49_999) c.commit();
        }
      }
      c.commit();
    }
  }

  private static void report(String name, double[] ms) {
    double[] v = ms.clone();
    Arrays.sort(v);
    System.out.printf("STATS %s p50_ms=%.2f p99_ms=%.2f n=%d%n", name, pct(v, 50), pct(v, 99), v.length);
  }

  private static double pct(double[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}

package com.clidecoder.hls.bench;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.NewDelivery;
import com.clidecoder.hls.domain.QueuedEvent;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.testkit.Payloads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Scale of the queue: fills a fresh database with up to {@code ROWS} pending events over {@code REPOS}
 * repositories and times {@link EventStore#claimHeads} and {@link EventStore#nextDue} as it grows
 * (they should stay flat), prints the query plans, then starts the real service on that backlog and
 * reports its startup time, RSS and heap.
 *
 * <p>Usage: {@code QueueScaleBench WORK_DIR ROWS REPOS}.
 */
public final class QueueScaleBench {
  private QueueScaleBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int rows = Integer.parseInt(args[1]);
    int repos = Integer.parseInt(args[2]);
    Files.createDirectories(dir);
    Path file = dir.resolve("webhooks.db");
    for (String s : new String[] {"", "-wal", "-shm"}) Files.deleteIfExists(Path.of(file + s));
    HlsConfig.Database config = new HlsConfig.Database(file, Duration.ofSeconds(5), 2, 1000, 10_000);

    // ~1.6 KB payloads (an issue with a long body): the claim reads rows by index, so payload size
    // changes the file size, not the plan.
    String body = "Steps to reproduce:\n" + "x".repeat(1200);
    List<Integer> checkpoints = new ArrayList<>();
    for (int c : new int[] {1_000, 10_000, 50_000, 100_000, 200_000, 500_000}) if (c < rows) checkpoints.add(c);
    checkpoints.add(rows);
    try (Database db = Database.open(config)) {
      EventStore events = new EventStore(db);
      int filled = 0;
      long fillStart = System.nanoTime();
      System.out.println("QUEUE pending  claim_p50_ms  claim_p95_ms  next_due_p50_ms");
      for (int checkpoint : checkpoints) {
        while (filled < checkpoint) {
          int n = Math.min(1000, checkpoint - filled);
          List<NewDelivery> batch = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            int seq = filled + i;
            String repo = "org" + (seq % repos) + "/repo" + (seq % repos);
            batch.add(new NewDelivery("scale-" + seq, "issues", repo, "opened",
                Payloads.issue(repo, seq + 1, "opened", "Issue " + seq, body), null, seq % 7 == 0 ? 1 : 0));
          }
          events.insertBatch(batch, Instant.now());
          filled += n;
        }
        double[] claim = new double[25];
        double[] due = new double[25];
        for (int i = 0; i < claim.length; i++) {
          Instant now = Instant.now();
          long t0 = System.nanoTime();
          List<QueuedEvent> got = events.claimHeads(4, Set.of(), now, "bench", now.plusSeconds(300));
          long t1 = System.nanoTime();
          events.nextDue();
          long t2 = System.nanoTime();
          claim[i] = (t1 - t0) / 1e6;
          due[i] = (t2 - t1) / 1e6;
          for (QueuedEvent e : got) events.release(e.id(), now.minusSeconds(1));
        }
        System.out.printf("QUEUE %7d  %12.2f  %12.2f  %15.2f%n", checkpoint, pct(claim, 50), pct(claim, 95), pct(due, 50));
      }
      System.out.printf("QUEUE filled=%d seconds=%.1f file_mb=%.0f%n", filled, (System.nanoTime() - fillStart) / 1e9,
          Files.size(file) / 1e6);
    }
    explain(file);
    serviceOnBacklog(dir, file);
  }

  private static void explain(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      for (String name : new String[] {"CLAIM_HEADS_SQL", "NEXT_DUE_SQL"}) {
        var field = EventStore.class.getDeclaredField(name);
        field.setAccessible(true);
        String sql = ((String) field.get(null)).replace("?", String.valueOf(Long.MAX_VALUE));
        System.out.println("PLAN " + name);
        try (ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
          while (rs.next()) System.out.println("PLAN   " + rs.getString("detail"));
        }
      }
    }
  }

  /** The real service started on the backlog (offline analyst, dry-run GitHub): startup, RSS, heap. */
  private static void serviceOnBacklog(Path dir, Path file) throws Exception {
    List<String> jvm = Arrays.asList(System.getProperty("hls.benchJvm", "-Xms64m -Xmx512m").split(" "));
    try (ServiceProcess service = ServiceProcess.start(dir.resolve("service"),
        "hls.database.path = \"" + file + "\"\nhls.logging.level = WARN\nhls.workers.max-concurrent-analyses = 4", jvm)) {
      Duration healthy = service.awaitHealthy(Duration.ofSeconds(60));
      System.out.printf("SERVICE startup_listening_ms=%d startup_healthy_ms=%d rss_mb=%.0f%n",
          service.startupTime().toMillis(), healthy.toMillis(), service.rssKiB() / 1024.0);
      long[] processedBefore = {completed(file)};
      for (int s = 10; s <= 30; s += 10) {
        Thread.sleep(10_000);
        System.out.printf("SERVICE t=%ds rss_mb=%.0f peak_rss_mb=%.0f heap=%s processed=%d%n", s,
            service.rssKiB() / 1024.0, service.peakRssKiB() / 1024.0, heap(service.pid()),
            completed(file) - processedBefore[0]);
      }
      service.stop();
    }
  }

  private static long completed(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM webhook_events WHERE status NOT IN ('pending','retry')")) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  /** "used/committed MB" of the Java heap, from jcmd GC.heap_info. */
  static String heap(long pid) {
    try {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          String.valueOf(pid), "GC.heap_info").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      var m = java.util.regex.Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(out);
      if (!m.find()) return "?";
      return String.format("%d/%dMB", Long.parseLong(m.group(2)) / 1024, Long.parseLong(m.group(1)) / 1024);
    } catch (Exception e) {
      return "?";
    }
  }

  private static double pct(double[] values, int p) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[Math.min(v.length - 1, (int) Math.ceil(p / 100.0 * v.length) - 1)];
  }
}

package com.clidecoder.hls.bench;

import com.clidecoder.hls.testkit.FakeAnthropic;
import com.clidecoder.hls.testkit.FakeGitHub;
import com.clidecoder.hls.testkit.Payloads;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End to end: the service as a real process against a fake Anthropic API with a fixed latency and a
 * fake GitHub, both in this JVM. R repositories x K events; reports the makespan against the ideal
 * schedule (per-repository order, the concurrency cap, the fixed Claude latency), the pick-up latency
 * from commit to the Claude request on an idle service, and CPU while idle.
 *
 * <p>Usage: {@code EndToEndBench WORK_DIR REPOS EVENTS_PER_REPO CONCURRENCY CLAUDE_LATENCY_MS WRITE_INTERVAL_MS}.
 */
public final class EndToEndBench {
  private static final String TOKEN = "test-gh-bench_token_for_the_fake_only";
  private static final Pattern DELIVERY = Pattern.compile("bench-delivery-([\\w-]+)");

  /** The warm-up events are the first ids; the measured run is everything after them. */
  private static int warmupEvents = 1;

  private EndToEndBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int repos = Integer.parseInt(args[1]);
    int perRepo = Integer.parseInt(args[2]);
    int concurrency = Integer.parseInt(args[3]);
    long latencyMs = Long.parseLong(args[4]);
    long writeIntervalMs = Long.parseLong(args[5]);
    Map<String, Long> claudeArrivals = new ConcurrentHashMap<>();
    FakeAnthropic.Answer answer = FakeAnthropic.jsonAnswer(FakeAnthropic.analysisJson(
        "A crash on start.", List.of("bug"), "Thanks for the report.", "high", 0.9), 1200, 300)
        .delayed(Duration.ofMillis(latencyMs));
    try (FakeAnthropic anthropic = FakeAnthropic.start().answerAll(r -> {
          long now = System.currentTimeMillis();
          Matcher m = DELIVERY.matcher(r.body());
          if (m.find()) claudeArrivals.putIfAbsent(m.group(1), now);
          return answer;
        });
        FakeGitHub github = FakeGitHub.start(TOKEN)) {
      for (int r = 0; r < repos; r++) github.labels(repo(r), "bug", "enhancement", "question");
      github.labels("bench/idle", "bug");
      for (int r = 0; r < 50; r++) github.labels("bench/warm-" + r, "bug");
      Path db = dir.resolve("webhooks.db");
      String conf = String.join("\n",
          "hls.database.path = \"" + db + "\"",
          "hls.claude.api-url = \"" + anthropic.url() + "\"",
          "hls.claude.api-key = \"test-ant-bench-only\"",
          "hls.claude.daily-budget-usd = 1000",
          "hls.github.api-url = \"" + github.url() + "\"",
          "hls.github.token = \"" + TOKEN + "\"",
          "hls.github.write-interval = " + writeIntervalMs + "ms",
          "hls.workers.max-concurrent-analyses = " + concurrency);
      List<String> jvm = Arrays.asList(System.getProperty("hls.benchJvm", "-Xms64m -Xmx512m").split(" "));
      if (!Boolean.getBoolean("hls.benchMakespanOnly")) idleBaseline(jvm);
      try (ServiceProcess service = ServiceProcess.start(dir.resolve("service"), conf, jvm)) {
        service.awaitHealthy(Duration.ofSeconds(60));
        if (!Boolean.getBoolean("hls.benchMakespanOnly")) {
          // A service that has done nothing yet: what it costs to keep running with no events at all.
          Thread.sleep(10_000);
          idleWindow(service.stats(), "IDLE_FRESH");
        }
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        // Warm-up outside the measurement, on repositories of its own (events in the measured ones would
        // change the schedule). One event by default; -Dhls.benchWarmup=N sends N, one at a time per
        // repository, which also lets the JIT compile the hot paths before the measured run.
        int warmup = Math.max(1, Integer.getInteger("hls.benchWarmup", 1));
        warmupEvents = warmup;
        post(http, service, "bench/idle", 1, "warmup");
        ExecutorService warmers = Executors.newFixedThreadPool(4);
        List<Future<Integer>> warm = new ArrayList<>();
        for (int i = 1; i < warmup; i++) {
          int n = i;
          warm.add(warmers.submit(() -> post(http, service, "bench/warm-" + (n % 50), 1 + n, "warmup-" + n)));
        }
        for (Future<Integer> f : warm) f.get();
        warmers.shutdown();
        awaitCompleted(db, warmup, Duration.ofMinutes(5));

        int total = repos * perRepo;
        long ticksBefore = service.cpuTicks();
        ExecutorService senders = Executors.newFixedThreadPool(16);
        List<Future<Integer>> sent = new ArrayList<>();
        for (int k = 0; k < perRepo; k++) {
          for (int r = 0; r < repos; r++) {
            String repo = repo(r);
            int number = k + 1;
            String id = r + "-" + k;
            sent.add(senders.submit(() -> post(http, service, repo, number, id)));
          }
        }
        int accepted = 0;
        for (Future<Integer> f : sent) accepted += f.get() == 202 ? 1 : 0;
        long lastAccepted = System.currentTimeMillis();
        senders.shutdown();
        long[] span = awaitCompleted(db, total + warmup, Duration.ofMinutes(10));
        long runTicks = service.cpuTicks() - ticksBefore;
        double makespan = (span[1] - span[0]) / 1000.0;
        int rounds = Math.max(perRepo, (total + concurrency - 1) / concurrency);
        double ideal = rounds * latencyMs / 1000.0;
        System.out.printf("E2E github_requests=%d%n", github.received().size());
        System.out.printf("E2E repos=%d per_repo=%d events=%d accepted=%d concurrency=%d claude_latency_ms=%d"
                + " write_interval_ms=%d makespan_s=%.2f ideal_s=%.2f ratio=%.3f github_writes=%d%n",
            repos, perRepo, total, accepted, concurrency, latencyMs, writeIntervalMs, makespan, ideal,
            makespan / ideal, github.writes().size());
        claudeUse(claudeArrivals, span[0], latencyMs, concurrency, lastAccepted);
        System.out.printf("E2E warmup_events=%d service_cpu_s=%.2f cpu_ms_per_event=%.2f load_average=%s%n", warmup,
            runTicks / 100.0, runTicks * 10.0 / total, Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        if (Boolean.getBoolean("hls.benchMakespanOnly")) { // quicker A/B runs of the makespan alone
          service.stop();
          System.exit(0);
        }

        // Pick-up latency on an idle service: one delivery at a time, commit (its 202) to the Claude request.
        Thread.sleep(2000);
        int samples = 30;
        double[] fromAck = new double[samples];
        double[] fromSend = new double[samples];
        for (int i = 0; i < samples; i++) {
          String id = "idle-" + i;
          long t0 = System.nanoTime();
          long sentAt = System.currentTimeMillis();
          post(http, service, "bench/idle", 100 + i, id);
          long ackAt = sentAt + (System.nanoTime() - t0) / 1_000_000;
          while (!claudeArrivals.containsKey(id)) Thread.sleep(1);
          fromAck[i] = claudeArrivals.get(id) - ackAt;
          fromSend[i] = claudeArrivals.get(id) - sentAt;
          awaitCompleted(db, total + warmup + 1 + i, Duration.ofSeconds(30));
          Thread.sleep(300);
        }
        Arrays.sort(fromAck);
        Arrays.sort(fromSend);
        System.out.printf("PICKUP samples=%d ack_to_claude_p50_ms=%.0f ack_to_claude_p99_ms=%.0f"
                + " send_to_claude_p50_ms=%.0f send_to_claude_max_ms=%.0f%n",
            samples, fromAck[samples / 2], fromAck[samples - 1], fromSend[samples / 2], fromSend[samples - 1]);

        // Two windows of 30 s. Right after the work: the JIT still compiles what the run made hot, and
        // every connection kept alive (the bench's client, the service's pools to Claude and GitHub)
        // costs pekko-http an idle-timeout check a second until its idle-timeout (60 s) closes it.
        // Settled: once the service holds no connection (or after 120 s). Each prints its busiest threads.
        Thread.sleep(5000);
        idleWindow(service.stats(), "IDLE");
        Thread.sleep(1000L * Integer.getInteger("hls.benchIdleGapSeconds", 0));
        long waitFrom = System.nanoTime();
        while (service.establishedConnections() > 0 && System.nanoTime() - waitFrom < 120_000_000_000L) {
          Thread.sleep(1000);
        }
        System.out.printf("IDLE_WAIT waited_s=%.0f connections=%d%n", (System.nanoTime() - waitFrom) / 1e9,
            service.establishedConnections());
        idleWindow(service.stats(), "IDLE_SETTLED");
        service.stop();
      }
    }
    System.exit(0);
  }

  /**
   * Where the makespan went, from the fake's side: the Claude requests in flight at once (from their
   * arrival times and the fixed latency; never above the cap if the cap holds), how busy the slots were
   * between the first and the last request, and when the last delivery was accepted.
   */
  private static void claudeUse(Map<String, Long> arrivals, long start, long latencyMs, int concurrency, long lastAccepted) {
    long[] t = arrivals.entrySet().stream().filter(e -> !e.getKey().startsWith("idle") && !e.getKey().startsWith("warmup"))
        .mapToLong(Map.Entry::getValue).sorted().toArray();
    int maxInFlight = 0;
    for (int i = 0, j = 0; i < t.length; i++) {
      while (t[j] <= t[i] - latencyMs) j++;
      maxInFlight = Math.max(maxInFlight, i - j + 1);
    }
    double span = (t[t.length - 1] + latencyMs - t[0]) / 1000.0;
    System.out.printf("E2E claude_requests=%d claude_max_in_flight=%d first_claude_s=%.2f claude_span_s=%.2f"
            + " slot_use=%.3f last_delivery_accepted_s=%.2f%n",
        t.length, maxInFlight, (t[0] - start) / 1000.0, span, t.length * latencyMs / 1000.0 / (span * concurrency),
        (lastAccepted - start) / 1000.0);
  }

  /**
   * The baseline for the idle figures, measured in the same run: a JVM with the service's flags whose
   * only thread sleeps. What the JVM's own threads cost (VM Periodic Task, G1, the JIT) and how this
   * machine charges a thread for waking up are in it; what the service adds is the difference.
   */
  private static void idleBaseline(List<String> jvmOptions) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), IdleJvm.class.getName()));
    Process idle = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      Thread.sleep(10_000);
      idleWindow(new ProcStats(idle.pid()), "IDLE_BASELINE");
    } finally {
      idle.destroyForcibly().waitFor();
    }
  }

  /** The baseline's JVM: starts, then sleeps until it is killed. */
  public static final class IdleJvm {
    public static void main(String[] args) throws InterruptedException {
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  private static void idleWindow(ProcStats service, String tag) throws Exception {
    int connections = service.establishedConnections();
    java.util.Map<String, Long> threadsBefore = service.cpuTicksByThread();
    long before = service.cpuTicks();
    long nanosBefore = service.cpuNanos();
    long runsBefore = service.cpuRuns();
    long t = System.nanoTime();
    Thread.sleep(30_000);
    long ticks = service.cpuTicks() - before;
    long cpuNanos = service.cpuNanos() - nanosBefore;
    long runs = service.cpuRuns() - runsBefore;
    double seconds = (System.nanoTime() - t) / 1e9;
    java.util.Map<String, Long> threadsAfter = service.cpuTicksByThread();
    String busiest = threadsAfter.entrySet().stream()
        .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(5)
        .map(e -> e.getKey() + ":" + e.getValue())
        .collect(java.util.stream.Collectors.joining(","));
    System.out.printf("%s seconds=%.0f cpu_ticks=%d cpu_percent=%.2f sched_cpu_percent=%.2f wakeups_per_s=%.0f"
            + " connections=%d rss_mb=%.0f threads=%s%n",
        tag, seconds, ticks, 100.0 * ticks / 100.0 / seconds, 100.0 * cpuNanos / 1e9 / seconds, runs / seconds,
        connections, service.rssKiB() / 1024.0,
        busiest.isEmpty() ? "none" : busiest);
  }

  private static String repo(int r) {
    return "bench/repo-" + r;
  }

  private static int post(HttpClient http, ServiceProcess service, String repo, int number, String id) throws Exception {
    String body = Payloads.issue(repo, number, "opened", "Crash bench-delivery-" + id, "NullPointerException at start");
    HttpRequest request = HttpRequest.newBuilder(service.uri("/webhook"))
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", "issues")
        .header("X-GitHub-Delivery", "bench-" + id)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /**
   * Waits until {@code n} events are completed, the warm-up (the first ids) included; returns
   * {min(created_at), max(completed_at)} of all but the warm-up. (The warm-up used to be left out of the
   * count too, so waiting for it returned at once and the measured run paid the analyst's cold start.)
   */
  private static long[] awaitCompleted(Path db, int n, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      while (true) {
        try (ResultSet rs = s.executeQuery("SELECT count(*), min(CASE WHEN id > " + warmupEvents + " THEN created_at END),"
            + " max(CASE WHEN id > " + warmupEvents + " THEN completed_at END) FROM webhook_events WHERE status = 'completed'")) {
          rs.next();
          if (rs.getInt(1) >= n) return new long[] {rs.getLong(2), rs.getLong(3)};
        }
        if (System.nanoTime() > deadline) throw new IllegalStateException("events not completed within " + within);
        Thread.sleep(50);
      }
    }
  }
}

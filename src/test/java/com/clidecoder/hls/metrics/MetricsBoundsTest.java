package com.clidecoder.hls.metrics;

import static com.clidecoder.hls.metrics.MetricsScrapeTest.parse;
import static com.clidecoder.hls.metrics.MetricsScrapeTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.metrics.MetricsScrapeTest.Sample;
import com.clidecoder.hls.testkit.RunningService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics of a running service stays bounded and says what an operator alerts on: unsigned requests
 * with made-up event names add no series, refusals carry a reason, and the process, build, budget and
 * database families are there with sane values.
 */
class MetricsBoundsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void unsignedRequestsWithRandomEventNamesAddNoSeries(@TempDir Path dir) throws Exception {
    try (RunningService svc = new RunningService(dir, "hls.github.webhook-secret = \"s3cret\"")) {
      deliver(svc, "issues", "warm-up"); // unsigned too: the families exist before the first count
      Set<String> before = series(svc);
      Random random = new Random(7);
      for (int i = 0; i < 100; i++) {
        StringBuilder name = new StringBuilder();
        for (int c = 0; c < 12; c++) name.append((char) ('a' + random.nextInt(26)));
        assertEquals(401, deliver(svc, name.toString(), "d-" + i).statusCode());
      }
      Set<String> after = series(svc);
      assertEquals(before, after, "series added by unsigned requests");
      List<Sample> samples = parse(svc.get("/metrics").body(), new HashMap<>());
      assertEquals(101.0, value(samples, "hls_intake_rejected_total", Map.of("reason", "signature")));
      assertTrue(samples.stream().noneMatch(s -> s.name().equals("hls_intake_total")),
          "no request passed the signature check, so none is counted by event type");
    }
  }

  @Test
  void unknownEventTypesAreCountedAsOtherAndRefusalsByReason(@TempDir Path dir) throws Exception {
    try (RunningService svc = new RunningService(dir, "")) {
      assertEquals(200, deliver(svc, "made_up_event", "u-1").statusCode(), "no secret: an unknown type is ignored");
      assertEquals(200, deliver(svc, "another_one", "u-2").statusCode());
      assertEquals(400, deliver(svc, "Not An Event", "u-3").statusCode());
      List<Sample> samples = parse(svc.get("/metrics").body(), new HashMap<>());
      assertEquals(2.0, value(samples, "hls_intake_total", Map.of("event_type", "other", "outcome", "ignored")));
      assertEquals(1.0, value(samples, "hls_intake_rejected_total", Map.of("reason", "headers")));
      assertTrue(samples.stream().noneMatch(s -> "made_up_event".equals(s.labels().get("event_type"))));
    }
  }

  @Test
  void processBuildBudgetAndDatabaseFamiliesAreSane(@TempDir Path dir) throws Exception {
    try (RunningService svc = new RunningService(dir, "hls.claude.daily-budget-usd = 2.5")) {
      svc.seed.dailyCost(Instant.now(), 3, 0.75);
      Map<String, String> types = new HashMap<>();
      List<Sample> samples = parse(svc.get("/metrics").body(), types);
      assertEquals("counter", types.get("process_cpu_seconds_total"));
      double cpu = value(samples, "process_cpu_seconds_total", Map.of());
      assertTrue(cpu > 0 && cpu < 24 * 3600, "cpu " + cpu);
      double rss = value(samples, "process_resident_memory_bytes", Map.of());
      double vsz = value(samples, "process_virtual_memory_bytes", Map.of());
      assertTrue(rss > 10e6 && rss <= vsz, "rss " + rss + " vsz " + vsz);
      double open = value(samples, "process_open_fds", Map.of());
      double max = value(samples, "process_max_fds", Map.of());
      assertTrue(open > 3 && open < max, "open " + open + " max " + max);
      double start = value(samples, "process_start_time_seconds", Map.of());
      double now = System.currentTimeMillis() / 1000.0;
      assertTrue(start > now - 3600 && start <= now, "start " + start);
      assertEquals(1.0, value(samples, "hls_build_info", Map.of("version", com.clidecoder.hls.app.Version.current())));
      assertEquals(0.75, value(samples, "hls_budget_spent_usd", Map.of()), 1e-9);
      assertEquals(1.75, value(samples, "hls_budget_remaining_usd", Map.of()), 1e-9);
      assertTrue(value(samples, "hls_database_size_bytes", Map.of()) >= 4096);
      for (String reason : PauseReasons.ALL) {
        assertEquals(0.0, value(samples, "hls_analysis_paused", Map.of("reason", reason)), reason);
      }
      assertEquals(0.0, value(samples, "hls_retention_last_run_timestamp_seconds", Map.of()), "never ran");
    }
  }

  @Test
  void pauseReasonsFallIntoAFewClasses() {
    assertEquals("budget", PauseReasons.classOf("daily budget of $10 reached ($10.0100 spent today); resumes at X"));
    assertEquals("auth", PauseReasons.classOf("Anthropic rejected the API key: 401 authentication_error"));
    assertEquals("spend_limit", PauseReasons.classOf("Anthropic spend limit reached: 400 billing"));
    assertEquals("github", PauseReasons.classOf("GitHub rejected the token (401): probing GET /rate_limit"));
    assertEquals("outage", PauseReasons.classOf("Anthropic unreachable: cannot connect to https://api.anthropic.com"));
    // the pipeline's own words for an outage pause (pipeline/Failures)
    assertEquals("outage", PauseReasons.classOf("Anthropic unavailable: no answer from https://api.anthropic.com"));
    assertEquals("other", PauseReasons.classOf("something new"));
  }

  /**
   * The series of the exposition: name and labels of every sample line. The JVM's GC pause series are
   * left out: they appear with the first collection of each kind, whenever the JVM runs one.
   */
  private static Set<String> series(RunningService svc) {
    Set<String> out = new TreeSet<>();
    for (String line : svc.get("/metrics").body().split("\n")) {
      if (!line.startsWith("#") && !line.isEmpty() && !line.startsWith("jvm_gc_pause")) {
        out.add(line.substring(0, line.lastIndexOf(' ')));
      }
    }
    return out;
  }

  private static HttpResponse<String> deliver(RunningService svc, String event, String delivery) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(svc.url() + "/webhook"))
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", event)
        .header("X-GitHub-Delivery", delivery)
        .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"opened\",\"repository\":{\"full_name\":\"o/r\"}}"))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}

package com.clidecoder.hls.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.testkit.RunningService;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /metrics from a running service, parsed back line by line as Prometheus would read it. */
class MetricsScrapeTest {
  /** name{labels} value — the sample line grammar of the text format 0.0.4 (timestamps are not used). */
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  record Sample(String name, Map<String, String> labels, double value) {}

  @Test
  void everyFamilyIsExposedWithItsLabelsAndQueueFiguresComeFromTheDatabase(@TempDir Path dir) throws Exception {
    try (RunningService svc = new RunningService(dir, "")) {
      Instant old = Instant.now().minus(Duration.ofMinutes(20));
      svc.seed.issue("octo/a", 1, "waiting", old);
      long f = svc.seed.heldIssue("octo/a", 2, "failed", old);
      svc.seed.failed(f, "boom", old);
      HlsMetrics m = svc.app.metrics();
      m.intake("issues", "queued");
      m.intake("issues", "queued");
      m.intake("push", "ignored");
      m.processed("issues", "completed", Duration.ofMillis(1500));
      m.processed("issues", "completed", Duration.ofSeconds(40));
      m.claudeCall("ok");
      m.claudeCall("rate_limited");
      m.claudeTokens(1000, 250);
      m.claudeCost(0.0105);
      m.githubAction("label", "done");
      m.retry();

      HttpResponse<String> r = svc.get("/metrics");
      assertEquals(200, r.statusCode());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
      Map<String, String> types = new HashMap<>();
      List<Sample> samples = parse(r.body(), types);

      assertEquals("counter", types.get("hls_intake_total"));
      assertEquals(2.0, value(samples, "hls_intake_total", Map.of("event_type", "issues", "outcome", "queued")));
      assertEquals(1.0, value(samples, "hls_intake_total", Map.of("event_type", "push", "outcome", "ignored")));
      assertEquals("histogram", types.get("hls_events_processed_seconds"));
      assertEquals(2.0, value(samples, "hls_events_processed_seconds_count", Map.of("event_type", "issues", "outcome", "completed")));
      assertEquals(41.5, value(samples, "hls_events_processed_seconds_sum", Map.of("event_type", "issues", "outcome", "completed")), 1e-6);
      assertEquals(1.0, value(samples, "hls_events_processed_seconds_bucket", Map.of("event_type", "issues", "outcome", "completed", "le", "2.0")));
      assertEquals(2.0, value(samples, "hls_events_processed_seconds_bucket", Map.of("event_type", "issues", "outcome", "completed", "le", "+Inf")));
      assertEquals(1.0, value(samples, "hls_claude_calls_total", Map.of("outcome", "rate_limited")));
      assertEquals(1000.0, value(samples, "hls_claude_tokens_total", Map.of("direction", "input")));
      assertEquals(250.0, value(samples, "hls_claude_tokens_total", Map.of("direction", "output")));
      assertEquals(0.0105, value(samples, "hls_claude_cost_usd_total", Map.of()), 1e-9);
      assertEquals(1.0, value(samples, "hls_github_actions_total", Map.of("kind", "label", "outcome", "done")));
      assertEquals(1.0, value(samples, "hls_retries_total", Map.of()));
      assertEquals("gauge", types.get("hls_queue_depth"));
      assertEquals(1.0, value(samples, "hls_queue_depth", Map.of("status", "pending")));
      assertEquals(1.0, value(samples, "hls_queue_depth", Map.of("status", "failed")));
      assertEquals(0.0, value(samples, "hls_queue_depth", Map.of("status", "completed")));
      double age = value(samples, "hls_queue_oldest_pending_age_seconds", Map.of());
      assertTrue(age >= 20 * 60 && age < 60 * 60, "oldest pending age " + age);
      for (String jvm : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds",
          "system_cpu_count", "jvm_gc_memory_allocated_bytes_total")) {
        assertTrue(samples.stream().anyMatch(s -> s.name().equals(jvm)), jvm + " missing");
      }

      svc.seed.completed(f, Instant.now());
      List<Sample> again = parse(svc.get("/metrics").body(), new HashMap<>());
      assertEquals(0.0, value(again, "hls_queue_depth", Map.of("status", "failed")), "read again at each scrape");
    }
  }

  /** Every line is a comment (# HELP / # TYPE) or a well-formed sample; anything else fails the test. */
  static List<Sample> parse(String text, Map<String, String> types) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) continue;
      if (line.startsWith("# TYPE ")) {
        String[] p = line.split(" ");
        types.put(p[2], p[3]);
        continue;
      }
      if (line.startsWith("# HELP ")) continue;
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.matches(), "not a Prometheus sample line: " + line);
      Map<String, String> labels = new HashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) labels.put(l.group(1), l.group(2));
      }
      String v = m.group(4);
      double value = v.equals("+Inf") ? Double.POSITIVE_INFINITY : v.equals("-Inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(v);
      out.add(new Sample(m.group(1), labels, value));
    }
    return out;
  }

  static double value(List<Sample> samples, String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())
            && s.labels().size() == labels.size())
        .mapToDouble(Sample::value)
        .reduce((a, b) -> {
          throw new AssertionError("more than one sample " + name + labels);
        })
        .orElseThrow(() -> new AssertionError("no sample " + name + labels));
  }
}

package com.clidecoder.hls.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.app.EndToEndTest;
import com.clidecoder.hls.cli.CliHarness;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.testkit.FakeAnthropic;
import com.clidecoder.hls.testkit.FakeGitHub;
import com.clidecoder.hls.testkit.FakeHookDeliveries;
import com.clidecoder.hls.testkit.Payloads;
import com.clidecoder.hls.testkit.RunningService;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciler through the whole service: a fake GitHub keeps a hook's delivery log (30 attempts, 10 of them
 * failed deliveries of handled events HLS never received), a pass asks exactly those 10 to be redelivered, the
 * fake delivers them to the intake, each completes with one comment, and neither a second pass nor a pass
 * after a restart asks again.
 */
class ReconcileEndToEndTest {
  private static final String TOKEN = "test-gh-reconcile_fake_token";
  private static final String REPO = "acme/app";
  private static final String HOOK = "/repos/acme/app/hooks/7";

  @TempDir Path dir;
  private final FakeAnthropic anthropic = FakeAnthropic.start();
  private final FakeHookDeliveries hook = new FakeHookDeliveries(HOOK).pageSize(7);
  private final FakeGitHub github = FakeGitHub.start(TOKEN).labels(REPO, "bug").hook(hook);
  private RunningService service;

  @AfterEach
  void stop() {
    if (service != null) service.close();
    anthropic.close();
    github.close();
  }

  private RunningService start() {
    return start("");
  }

  private RunningService start(String extra) {
    RunningService s = new RunningService(dir.resolve("svc"), EndToEndTest.againstFakes(anthropic, github, TOKEN, String.join("\n",
        "hls.repositories = [{ name = \"*\" }, { name = \"acme/off\", enabled = false }]",
        "hls.reconcile { lookback = 24h, max-redeliveries = 50, hooks = [{ repository = \"acme/app\", id = 7 }] }",
        extra)));
    hook.receiver(s.url() + "/webhook");
    return s;
  }

  @Test
  void onePassAsksExactlyTheLostDeliveriesAndNoPassAsksTwice() throws Exception {
    anthropic.answerAll(r -> FakeAnthropic.jsonAnswer(
        FakeAnthropic.analysisJson("A crash.", List.of("bug"), "Looks like a bug.", "high", 0.9), 100, 50));
    service = start();
    Instant now = Instant.now();
    // 14 delivered and queued.
    for (int n = 1; n <= 14; n++) {
      FakeHookDeliveries.Attempt a = hook.deliver("ok-" + n, "issues", "opened", Payloads.issue(REPO, n, "opened", "Issue " + n, "Body."));
      assertEquals(202, a.statusCode(), "delivery ok-" + n);
    }
    // 10 lost: the box was down (no answer) or nginx answered 502 without HLS.
    List<Long> lost = new ArrayList<>();
    for (int n = 101; n <= 110; n++) {
      String payload = Payloads.issue(REPO, n, "opened", "Lost issue " + n, "Nobody saw this.");
      lost.add(hook.failed("lost-" + n, "issues", "opened", payload, n % 2 == 0 ? 0 : 502, now.minusSeconds(600 + n)).id());
    }
    // Failed at GitHub's end, but HLS had stored it (the answer was lost on the way back): not a gap.
    hook.deliverButRecord("stored-late", "issues", "opened", Payloads.issue(REPO, 200, "opened", "Late", "B."), 504);
    // Failed at GitHub's end, but HLS had answered it as ignored (a disabled repository): not a gap either.
    hook.deliverButRecord("ignored-late", "issues", "opened", Payloads.issue("acme/off", 1, "opened", "Off", "B."), 504);
    // An event type HLS does not handle, failed: not asked.
    hook.failed("push-1", "push", null, "{\"ref\":\"refs/heads/main\"}", 0, now.minusSeconds(60));
    // Failed, then redelivered successfully by someone: judged by its latest attempt.
    hook.failed("retried-1", "issues", "opened", Payloads.issue(REPO, 300, "opened", "R", "B."), 502, now.minusSeconds(900));
    hook.deliver("retried-1", "issues", "opened", Payloads.issue(REPO, 300, "opened", "R", "B."));
    // Lost, but older than the lookback.
    hook.failed("old-1", "issues", "opened", Payloads.issue(REPO, 400, "opened", "Old", "B."), 0, now.minus(Duration.ofHours(30)));
    assertEquals(30, hook.attempts().size(), "the fake's delivery log");
    awaitAllCompleted(16); // 14 + stored-late + retried-1

    // The listing shows the 10 gaps and asks nothing.
    CliHarness.Run listing = CliHarness.run(Map.of("HLS_URL", service.url()), "deliveries", "--since", "24h");
    assertEquals(0, listing.exit(), listing.err());
    for (int n = 101; n <= 110; n++) assertTrue(listing.out().contains("lost-" + n), listing.out() + listing.err());
    assertFalse(listing.out().contains("push-1") || listing.out().contains("stored-late")
        || listing.out().contains("ignored-late") || listing.out().contains("retried-1") || listing.out().contains("old-1"), listing.out());
    assertTrue(hook.asked().isEmpty(), "listing asked for redeliveries: " + hook.asked());

    // A dry run plans them and asks nothing either.
    JsonNode dry = pass("?dry_run=true");
    assertEquals(10, dry.path("gaps_found").asInt());
    assertEquals(0, dry.path("redeliveries_asked").asInt());
    assertTrue(hook.asked().isEmpty(), "dry run asked: " + hook.asked());

    // One pass asks exactly those 10.
    JsonNode first = pass("");
    assertEquals(10, first.path("redeliveries_asked").asInt(), first.toPrettyString());
    assertEquals(new HashSet<>(lost), new HashSet<>(hook.asked()), "asked exactly the lost deliveries");
    assertEquals(10, hook.asked().size(), "each once");

    // They arrive through the intake with their own guids and complete with one comment each.
    awaitAllCompleted(26);
    for (int n = 101; n <= 110; n++) {
      assertEquals(1, github.comments(REPO, n).size(), "one comment on #" + n);
    }
    for (int n = 1; n <= 14; n++) assertEquals(1, github.comments(REPO, n).size(), "one comment on #" + n);

    JsonNode second = pass("");
    assertEquals(0, second.path("gaps_found").asInt(), second.toPrettyString());
    assertEquals(10, hook.asked().size(), "the second pass asked again: " + hook.asked());

    JsonNode stats = json(service.get("/stats").body()).path("reconcile");
    assertEquals(4, stats.path("runs").asInt(), stats.toPrettyString());
    assertEquals(10, stats.path("redeliveries_asked").asInt(), stats.toPrettyString());
    assertEquals("ok", stats.path("state").asText());
    String metrics = service.get("/metrics").body();
    assertTrue(metrics.contains("hls_reconcile_redeliveries_total{result=\"asked\"} 10.0"), metrics);

    // A restart: GitHub still lists the failed first attempts; the record of what was asked stays.
    service.close();
    service = start();
    JsonNode afterRestart = pass("");
    assertEquals(0, afterRestart.path("redeliveries_asked").asInt(), afterRestart.toPrettyString());
    assertEquals(10, hook.asked().size(), "asked again after a restart: " + hook.asked());
  }

  @Test
  void whenEnabledThePassRunsOnItsOwnAndTheLostDeliveryArrives() throws Exception {
    anthropic.answerAll(r -> FakeAnthropic.jsonAnswer(
        FakeAnthropic.analysisJson("A crash.", List.of("bug"), "Looks like a bug.", "high", 0.9), 100, 50));
    hook.failed("timer-lost-1", "issues", "opened", Payloads.issue(REPO, 77, "opened", "Lost", "B."), 0,
        Instant.now().minusSeconds(300));
    service = start("hls.reconcile { enabled = true, interval = 1s }");
    awaitAllCompleted(1);
    assertEquals(1, github.comments(REPO, 77).size());
    assertEquals(1, hook.asked().size(), hook.asked().toString());
    Thread.sleep(2500); // two more passes: the guid is stored now, nothing is asked again
    JsonNode stats = json(service.get("/stats").body()).path("reconcile");
    assertTrue(stats.path("runs").asInt() >= 2, stats.toString());
    assertEquals(1, stats.path("redeliveries_asked").asInt(), stats.toString());
    assertEquals(1, hook.asked().size(), hook.asked().toString());
  }

  @Test
  void aHookTheTokenMayNotReadIsReportedWithThePermissionAndAlertsTheMonitor() throws Exception {
    hook.refuse(403, "Resource not accessible by personal access token");
    service = start();
    CliHarness.Run run = CliHarness.run(Map.of("HLS_URL", service.url()), "deliveries", "redeliver");
    assertEquals(1, run.exit(), run.out());
    assertTrue(run.err().contains("403") && run.err().contains("Webhooks permission (read & write)"), run.err());
    JsonNode health = json(service.get("/health").body());
    assertEquals("ok", health.path("status").asText(), "non-fatal: " + health);
    assertEquals("hook unreadable", health.path("reconcile").path("state").asText(), health.toString());
    assertTrue(health.path("reconcile").path("problems").get(0).asText().contains("repository acme/app hook 7"), health.toString());
    CliHarness.Run monitor = CliHarness.monitor(service.url());
    assertEquals(1, monitor.exit(), monitor.out());
    assertTrue(monitor.out().contains("reconciler cannot read a hook") || monitor.err().contains("reconciler cannot read a hook"),
        monitor.out() + monitor.err());
    assertFalse(health.toString().contains(TOKEN), "no token in /health");
  }

  @Test
  void noHookAndBadSinceAreClientErrorsThatChangeNothing() {
    service = new RunningService(dir.resolve("bare"), "hls.github.api-url = \"" + github.url() + "\"\nhls.github.token = \"" + TOKEN + "\"");
    HttpResponse<String> none = service.get("/api/deliveries");
    assertEquals(409, none.statusCode(), none.body());
    assertTrue(none.body().contains("no hook to reconcile"), none.body());
    service.close();
    service = start();
    HttpResponse<String> bad = service.post("/api/deliveries/redeliver?since=forever");
    assertEquals(400, bad.statusCode(), bad.body());
    assertTrue(bad.body().contains("since must be a duration"), bad.body());
    HttpResponse<String> wrongMethod = service.post("/api/deliveries");
    assertEquals(405, wrongMethod.statusCode(), wrongMethod.body());
    assertTrue(hook.asked().isEmpty());
    assertTrue(github.received("GET", HOOK + "/deliveries").isEmpty(), "a refused request reached GitHub");
  }

  private JsonNode pass(String query) {
    HttpResponse<String> r = service.post("/api/deliveries/redeliver" + query);
    assertEquals(200, r.statusCode(), r.body());
    return json(r.body());
  }

  private void awaitAllCompleted(int expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long done = 0;
    while (System.nanoTime() < deadline) {
      done = service.seed.count("SELECT COUNT(*) FROM webhook_events WHERE status = 'completed'");
      if (done >= expected) break;
      Thread.sleep(100);
    }
    assertEquals(expected, done, "completed events");
  }

  private static JsonNode json(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (Exception e) {
      throw new AssertionError(body, e);
    }
  }
}

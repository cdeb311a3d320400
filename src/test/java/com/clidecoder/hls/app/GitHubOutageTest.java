package com.clidecoder.hls.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.cli.CliHarness;
import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.testkit.FakeAnthropic;
import com.clidecoder.hls.testkit.FakeGitHub;
import com.clidecoder.hls.testkit.Payloads;
import com.clidecoder.hls.testkit.RunningService;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service against a fake GitHub that refuses the token for a while: the event goes back to
 * the queue, /health says why and since when, no Claude call is made while GitHub refuses, and
 * everything completes by itself once the {@code GET /rate_limit} probe passes; {@code bin/hls monitor}
 * fails while GitHub refuses and passes after.
 */
class GitHubOutageTest {
  private static final String TOKEN = "test-gh-outage_test_token_for_the_fake_only";

  @TempDir Path dir;
  private final FakeAnthropic anthropic = FakeAnthropic.start();
  private final FakeGitHub github = FakeGitHub.start(TOKEN).labels("acme/app", "bug");
  private RunningService service;

  @AfterEach
  void stop() {
    if (service != null) service.close();
    anthropic.close();
    github.close();
  }

  private int post(String delivery, String payload) {
    return service.deliver("issues", delivery, payload).statusCode();
  }

  private JsonNode health() throws Exception {
    return Json.MAPPER.readTree(service.get("/health").body());
  }

  private JsonNode awaitHealth(Predicate<JsonNode> until, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    JsonNode h = health();
    while (!until.test(h) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      h = health();
    }
    assertTrue(until.test(h), "health never got there: " + h);
    return h;
  }

  private void awaitStatus(long id, EventStatus expected, Duration within) throws InterruptedException {
    EventStore events = new EventStore(service.db);
    long deadline = System.nanoTime() + within.toNanos();
    while (events.statusOf(id).orElse(null) != expected && System.nanoTime() < deadline) Thread.sleep(50);
    assertEquals(expected, events.statusOf(id).orElse(null), "status of event " + id);
  }

  @Test
  void revokedTokenPausesWritesAndClaudeCallsThenEverythingResumesByItself() throws Exception {
    anthropic.answerAll(r -> FakeAnthropic.jsonAnswer(
        FakeAnthropic.analysisJson("A crash.", List.of("bug"), "Looks like a bug.", "high", 0.9), 100, 50));
    github.tokenExpiration("2026-12-31 23:59:59 UTC").refuseToken(true);
    service = new RunningService(dir, String.join("\n",
        "hls.claude.api-url = \"" + anthropic.url() + "\"",
        "hls.claude.api-key = \"test-ant-outage-only\"",
        "hls.github.api-url = \"" + github.url() + "\"",
        "hls.github.token = \"" + TOKEN + "\"",
        "hls.github.write-interval = 0ms",
        "hls.workers.poll-interval = 200ms"));

    assertEquals(202, post("d-1", Payloads.issue("acme/app", 1, "opened", "Crash", "NPE")));
    JsonNode paused = awaitHealth(h -> h.path("github").asText().startsWith("paused"), Duration.ofSeconds(20));
    assertEquals("degraded", paused.path("status").asText());
    assertEquals("paused: GitHub refused the token (401 Bad credentials)", paused.path("github").asText());
    assertTrue(paused.has("github_paused_since"), paused.toString());
    assertEquals("2026-12-31T23:59:59Z", paused.path("github_token_expires_at").asText());
    assertFalse(paused.has("analysis_paused_since"), paused.toString());
    awaitStatus(1, EventStatus.PENDING, Duration.ofSeconds(10));
    CliHarness.Run alarmed = CliHarness.monitor(service.url());
    assertEquals(1, alarmed.exit(), alarmed.out() + alarmed.err());
    assertTrue(alarmed.out().contains("GitHub writes paused: GitHub refused the token"), alarmed.out());

    int claudeCalls = anthropic.requestCount();
    assertEquals(202, post("d-2", Payloads.issue("acme/app", 2, "opened", "Crash again", "NPE")));
    Thread.sleep(1500); // a window in which the pipeline would have claimed and analysed d-2
    assertEquals(claudeCalls, anthropic.requestCount(), "no analysis paid for while GitHub refuses the token");
    assertEquals(EventStatus.PENDING, new EventStore(service.db).statusOf(2).orElseThrow());

    github.refuseToken(false);
    JsonNode live = awaitHealth(h -> h.path("github").asText().equals("live"), Duration.ofSeconds(40));
    assertFalse(live.has("github_paused_since"), live.toString());
    awaitStatus(1, EventStatus.COMPLETED, Duration.ofSeconds(20));
    awaitStatus(2, EventStatus.COMPLETED, Duration.ofSeconds(20));
    assertEquals("ok", health().path("status").asText());
    CliHarness.Run calm = CliHarness.monitor(service.url());
    assertEquals(0, calm.exit(), calm.out() + calm.err());
    assertEquals(2, anthropic.requestCount(), "one call per event: the returned event reused its analysis");
    assertTrue(github.received().stream().anyMatch(r -> r.path().equals("/rate_limit")), "probed GET /rate_limit");
    assertEquals(1, github.comments("acme/app", 1).size());
    assertEquals(1, github.comments("acme/app", 2).size());
  }
}

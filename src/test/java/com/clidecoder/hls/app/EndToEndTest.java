package com.clidecoder.hls.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.ConfigLoader;
import com.clidecoder.hls.domain.ActionStatus;
import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.store.ActionStore;
import com.clidecoder.hls.store.AnalysisStore;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.store.StatsStore;
import com.clidecoder.hls.testkit.FakeAnthropic;
import com.clidecoder.hls.testkit.FakeGitHub;
import com.clidecoder.hls.testkit.Payloads;
import com.clidecoder.hls.testkit.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service over loopback: a delivery posted to the intake is analysed by a fake Anthropic
 * API and acted on at a fake GitHub, both speaking the real wire formats.
 */
public class EndToEndTest {
  private static final String TOKEN = "test-gh-test_token_for_the_fake_only";
  private static final AtomicInteger deliveries = new AtomicInteger();

  @TempDir Path dir;
  private final FakeAnthropic anthropic = FakeAnthropic.start();
  private final FakeGitHub github = FakeGitHub.start(TOKEN).labels("acme/app", "bug", "enhancement", "question");
  private final HttpClient http = HttpClient.newHttpClient();
  private HlsApp app;
  private Database db;

  @AfterEach
  void stop() throws Exception {
    if (app != null) app.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (db != null) db.close();
    anthropic.close();
    github.close();
  }

  private ConfigLoader.Loaded config(String extra) {
    return TestConfigs.load(dir, againstFakes(anthropic, github, TOKEN, extra));
  }

  /** Settings for a live service against the two fakes, with short waits; {@code extra} is appended. */
  public static String againstFakes(FakeAnthropic anthropic, FakeGitHub github, String token, String extra) {
    return String.join("\n",
        "hls.claude.api-url = \"" + anthropic.url() + "\"",
        "hls.claude.api-key = \"test-ant-test-only\"",
        "hls.github.api-url = \"" + github.url() + "\"",
        "hls.github.token = \"" + token + "\"",
        "hls.github.write-interval = 20ms",
        "hls.workers.poll-interval = 200ms",
        "hls.workers.backoff { min = 100ms, max = 300ms }",
        extra);
  }

  private HlsApp start(ConfigLoader.Loaded loaded) throws Exception {
    HlsApp started = HlsApp.start(loaded).toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (db == null) db = Database.open(loaded.hls().database());
    return started;
  }

  private int post(String event, String payload) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/webhook"))
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", event)
        .header("X-GitHub-Delivery", "e2e-" + deliveries.incrementAndGet())
        .POST(HttpRequest.BodyPublishers.ofString(payload))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private void awaitStatus(long id, EventStatus expected, Duration within) throws InterruptedException {
    EventStore events = new EventStore(db);
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (events.statusOf(id).orElse(null) == expected) return;
      Thread.sleep(25);
    }
    assertEquals(expected, events.statusOf(id).orElse(null), "status of event " + id);
  }

  private static FakeAnthropic.Answer analysis(List<String> labels, String comment) {
    return FakeAnthropic.jsonAnswer(
        FakeAnthropic.analysisJson("A crash on start.", labels, comment, "high", 0.9), 1200, 300);
  }

  @Test
  void issueIsAnalysedThenLabelledAndCommentedThroughThePolicy() throws Exception {
    // A malicious or confused answer: an unknown label and a comment that pings people.
    anthropic.answerAll(r -> analysis(List.of("bug", "urgent-escalate-now"),
        "Thanks! cc @alice @bob, looks like a bug."));
    app = start(config(""));
    assertEquals(202, post("issues",
        Payloads.issue("acme/app", 7, "opened", "Crash on start", "NullPointerException at Main.java:1")));
    awaitStatus(1, EventStatus.COMPLETED, Duration.ofSeconds(20));

    FakeAnthropic.Received call = anthropic.takeRequest();
    assertEquals("test-ant-test-only", call.header("x-api-key"));
    assertTrue(call.userText().contains("Crash on start"));

    assertEquals(List.of("bug"), github.issueLabels("acme/app", 7), "only labels that exist are applied");
    assertTrue(github.createdLabels().isEmpty(), "no label is created");
    List<FakeGitHub.Comment> comments = github.comments("acme/app", 7);
    assertEquals(1, comments.size());
    String body = comments.get(0).body();
    assertFalse(body.contains("@alice") || body.contains("@bob"), "mentions are neutralised: " + body);
    assertTrue(body.endsWith("<!-- hls:delivery=e2e-" + deliveries.get() + " -->"), body);

    AnalysisStore.StoredAnalysis stored = new AnalysisStore(db).latestFor(1).orElseThrow();
    assertEquals("anthropic", stored.record().provider());
    assertEquals(1200, stored.record().inputTokens());
    assertEquals(1200 * 3.0 / 1e6 + 300 * 15.0 / 1e6, stored.record().costUsd(), 1e-9);
    List<ActionStore.ActionRow> actions = new ActionStore(db).forEvent(1);
    assertEquals(2, actions.size());
    assertTrue(actions.stream().allMatch(a -> a.status() == ActionStatus.DONE));
    assertTrue(actions.get(0).reason().orElse("").contains("urgent-escalate-now"), "the refusal is recorded");
    // The embedded classifier's prediction went to Claude as a hint and is stored beside the answer.
    assertTrue(call.userText().contains("Hint from HLS's embedded classifier"), call.userText());
    StatsStore.TriageComparison triage = new StatsStore(db).triageComparison();
    assertEquals(1, triage.compared(), "the hint was stored and compared with Claude's labels");
    var today = new StatsStore(db).queueStats(Instant.now()).today();
    assertEquals(1, today.claudeAnalyses());
    assertEquals(2, today.githubActions());
  }

  @Test
  void overloadedClaudeIsRetriedWithinTheCallThenSucceeds() throws Exception {
    anthropic.enqueue(FakeAnthropic.error(529, "overloaded_error", "Overloaded").withHeader("retry-after", "1"));
    anthropic.answerAll(r -> analysis(List.of("bug"), "Looks like a bug."));
    app = start(config(""));
    assertEquals(202, post("issues", Payloads.issue("acme/app", 3, "opened", "Crash", "trace")));
    awaitStatus(1, EventStatus.COMPLETED, Duration.ofSeconds(30));
    // An outage (529) is the client's short retry (10 s later), not a failed attempt of the event.
    assertEquals(0, new EventStore(db).find(1).orElseThrow().retryCount());
    assertEquals(2, anthropic.requestCount());
    assertEquals(1, github.comments("acme/app", 3).size());
  }

  @Test
  void aCommentWhosePostTimedOutButLandedIsNotPostedTwice() throws Exception {
    anthropic.answerAll(r -> analysis(List.of(), "One comment only, please."));
    // The POST must land within the request timeout (1.5 s, room for a loaded machine) and its answer
    // come well after it.
    github.script("POST", "/repos/acme/app/issues/9/comments", 1, FakeGitHub.landThenAnswerAfter(Duration.ofSeconds(6)));
    app = start(config("hls.github.request-timeout = 1500ms"));
    assertEquals(202, post("issues", Payloads.issue("acme/app", 9, "opened", "Question", "How do I?")));
    awaitStatus(1, EventStatus.COMPLETED, Duration.ofSeconds(20));
    assertEquals(1, github.comments("acme/app", 9).size());
  }

  @Test
  void stoppingMidEventAndRestartingOnTheSameFileCompletesItOnce() throws Exception {
    // The first answer comes long after the stop below (whose drain deadline is 200 ms) has returned the
    // event, even if stopping is slow on a loaded machine.
    anthropic.enqueue(analysis(List.of("bug"), "Posted once.").delayed(Duration.ofSeconds(8)));
    anthropic.answerAll(r -> analysis(List.of("bug"), "Posted once."));
    ConfigLoader.Loaded loaded = config("hls.workers.shutdown-deadline = 200ms");
    app = start(loaded);
    assertEquals(202, post("issues", Payloads.issue("acme/app", 11, "opened", "Crash", "trace")));
    anthropic.takeRequest(); // the first analysis is in flight
    app.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    app = null;
    assertEquals(EventStatus.PENDING, new EventStore(db).statusOf(1).orElseThrow(), "returned to the queue");

    app = start(loaded);
    awaitStatus(1, EventStatus.COMPLETED, Duration.ofSeconds(20));
    assertEquals(1, github.comments("acme/app", 11).size());
    assertEquals(List.of("bug"), github.issueLabels("acme/app", 11));
  }

  @Test
  void withoutKeysTheOfflineAnalystRunsAndGitHubIsDryRun() throws Exception {
    app = start(TestConfigs.load(dir, "hls.workers.poll-interval = 200ms"));
    assertEquals(202, post("issues", Payloads.issue("acme/app", 5, "opened",
        "Crash on startup: NullPointerException in ConfigLoader",
        "**Describe the bug**\nThe app crashes on startup after upgrading to 2.3.1.\n\n**To Reproduce**\n"
            + "1. Install 2.3.1\n2. Run the app with an empty config file\n\n**Expected behavior**\n"
            + "It starts with defaults.\n\n**Actual behavior**\nException in thread main"
            + " java.lang.NullPointerException\n    at com.example.ConfigLoader.load(ConfigLoader.java:42)\n"
            + "    at com.example.Main.main(Main.java:10)")));
    awaitStatus(1, EventStatus.COMPLETED, Duration.ofSeconds(20));
    AnalysisStore.StoredAnalysis stored = new AnalysisStore(db).latestFor(1).orElseThrow();
    assertEquals("offline", stored.record().provider());
    assertTrue(stored.record().analysis().labels().contains("bug"), stored.record().analysis().labels().toString());
    assertEquals("offline-classifier", stored.record().model(), "the embedded model, not the keyword rules");
    List<ActionStore.ActionRow> actions = new ActionStore(db).forEvent(1);
    assertFalse(actions.isEmpty());
    assertTrue(actions.stream().allMatch(ActionStore.ActionRow::dryRun));
    assertEquals(0, anthropic.requestCount());
    assertTrue(github.received().isEmpty(), "dry-run calls nothing");
  }
}

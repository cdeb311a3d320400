package com.clidecoder.hls.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.ConfigLoader;
import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.store.ActionStore;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventQueries;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.testkit.FakeAnthropic;
import com.clidecoder.hls.testkit.FakeGitHub;
import com.clidecoder.hls.testkit.Payloads;
import com.clidecoder.hls.testkit.TestConfigs;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One comment per thread through the whole service (real HTTP to the intake, fake Anthropic and GitHub on
 * loopback): later analyses of a thread edit HLS's comment in place, and a stop between a landed write and
 * its record neither posts a second comment nor edits again.
 */
class ThreadCommentsEndToEndTest {
  private static final String TOKEN = "test-gh-test_token_for_the_fake_only";
  private static final String REPO = "acme/app";

  @TempDir Path dir;
  private final FakeAnthropic anthropic = FakeAnthropic.start();
  private final FakeGitHub github = FakeGitHub.start(TOKEN).labels(REPO, "bug", "enhancement");
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger analyses = new AtomicInteger();
  private HlsApp app;
  private Database db;
  private long lastId;

  @AfterEach
  void stop() throws Exception {
    if (app != null) app.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (db != null) db.close();
    anthropic.close();
    github.close();
  }

  private ConfigLoader.Loaded config(String extra) {
    return TestConfigs.load(dir, EndToEndTest.againstFakes(anthropic, github, TOKEN, extra));
  }

  private void start(ConfigLoader.Loaded loaded) throws Exception {
    app = HlsApp.start(loaded).toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (db == null) db = Database.open(loaded.hls().database());
  }

  /** Every analysis numbered, so the comment shows which one it carries. */
  private void answerNumbered() {
    anthropic.answerAll(r -> FakeAnthropic.jsonAnswer(FakeAnthropic.analysisJson("A summary.", List.of("bug"),
        "analysis #" + analyses.incrementAndGet(), "medium", 0.9), 1000, 200));
  }

  private long post(String event, String delivery, String payload) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/webhook"))
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", event)
        .header("X-GitHub-Delivery", delivery)
        .POST(HttpRequest.BodyPublishers.ofString(payload))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(202, response.statusCode(), response.body());
    lastId = Json.MAPPER.readTree(response.body()).path("id").asLong();
    return lastId;
  }

  private void awaitFinal(long id, EventStatus expected) throws InterruptedException {
    EventStore events = new EventStore(db);
    await(() -> events.statusOf(id).orElse(null) == expected);
    assertEquals(expected, events.statusOf(id).orElse(null), "status of event " + id);
  }

  private static String pullRequest(int number, String action, boolean draft) {
    ObjectNode pr = (ObjectNode) read(Payloads.pullRequest(REPO, number, action, "Faster start", "Caches the config."));
    ((ObjectNode) pr.path("pull_request")).put("draft", draft);
    return pr.toString();
  }

  private static String review(int number, String state) {
    ObjectNode payload = (ObjectNode) read(pullRequest(number, "submitted", false));
    payload.remove("number");
    payload.putObject("review").put("id", 80 + number).put("state", state).put("body", "Looks fine.")
        .putObject("user").put("login", "reviewer").put("type", "User");
    return payload.toString();
  }

  private static com.fasterxml.jackson.databind.JsonNode read(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private FakeGitHub.Comment onlyComment(int number) {
    List<FakeGitHub.Comment> comments = github.comments(REPO, number);
    assertEquals(1, comments.size(), "one HLS comment on #" + number + ": " + comments);
    return comments.get(0);
  }

  @Test
  void pullRequestThroughItsLifeCarriesOneCommentEditedToTheLatestAnalysis() throws Exception {
    answerNumbered();
    github.diff(REPO, 21, "diff --git a/Main.java b/Main.java\n+cache\n");
    start(config(""));
    post("pull_request", "pr-opened", pullRequest(21, "opened", false));
    for (int push = 1; push <= 3; push++) post("pull_request", "pr-push-" + push, pullRequest(21, "synchronize", false));
    post("pull_request", "pr-reopened", pullRequest(21, "reopened", false));
    post("pull_request", "pr-ready", pullRequest(21, "ready_for_review", false));
    post("pull_request_review", "pr-review-1", review(21, "commented"));
    long last = post("pull_request_review", "pr-review-2", review(21, "approved"));
    awaitFinal(last, EventStatus.COMPLETED);

    for (long pushId = 2; pushId <= 4; pushId++) awaitFinal(pushId, EventStatus.SKIPPED);
    assertEquals(5, anthropic.requestCount(), "opened, reopened, ready_for_review, 2 reviews; no call per push");
    FakeGitHub.Comment comment = onlyComment(21);
    assertTrue(comment.body().startsWith("analysis #5"), comment.body());
    assertTrue(comment.body().endsWith("<!-- hls:delivery=pr-review-2 -->"), comment.body());
    assertEquals(1, github.received("POST", "/repos/acme/app/issues/21/comments").size());
    assertEquals(4, github.edits().size(), "each later analysis edits the one comment");
    assertTrue(github.edits().stream().allMatch(e -> e.id() == comment.id()));
    assertEquals(Optional.of(String.valueOf(comment.id())), new ActionStore(db).threadComment("acme/app#21"));
  }

  @Test
  void issueOpenedEditedAndReopenedKeepsOneCommentEvenAfterItsRowIsLost() throws Exception {
    answerNumbered();
    start(config(""));
    awaitFinal(post("issues", "is-opened", Payloads.issue(REPO, 8, "opened", "Crash on start", "NPE")),
        EventStatus.COMPLETED);
    // As after restoring a backup taken before the comment: HLS must find its comment by the thread marker.
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("webhooks.db"));
        var s = c.createStatement()) {
      assertEquals(1, s.executeUpdate("DELETE FROM thread_comments"));
    }
    long edited = post("issues", "is-edited", Payloads.issue(REPO, 8, "edited", "Crash on start", "NPE, trace"));
    long reopened = post("issues", "is-reopened", Payloads.issue(REPO, 8, "reopened", "Crash on start", "again"));
    awaitFinal(reopened, EventStatus.COMPLETED);
    awaitFinal(edited, EventStatus.SKIPPED);
    assertEquals(2, anthropic.requestCount());
    FakeGitHub.Comment comment = onlyComment(8);
    assertTrue(comment.body().startsWith("analysis #2"), comment.body());
    assertTrue(comment.body().endsWith("<!-- hls:delivery=is-reopened -->"), comment.body());
    assertEquals(1, github.edits().size());
    assertEquals(2, github.received("GET", "/repos/acme/app/issues/8/comments").size(),
        "looked up before the first comment and again once the row was lost");
  }

  @Test
  void draftIsAnalysedOnceWhenReadyForReview() throws Exception {
    answerNumbered();
    github.diff(REPO, 30, "diff --git a/x b/x\n");
    start(config(""));
    long opened = post("pull_request", "dr-opened", pullRequest(30, "opened", true));
    ObjectNode draftReview = (ObjectNode) read(review(30, "commented"));
    ((ObjectNode) draftReview.path("pull_request")).put("draft", true);
    long review = post("pull_request_review", "dr-review", draftReview.toString());
    long ready = post("pull_request", "dr-ready", pullRequest(30, "ready_for_review", false));
    awaitFinal(ready, EventStatus.COMPLETED);
    awaitFinal(opened, EventStatus.SKIPPED);
    awaitFinal(review, EventStatus.SKIPPED);
    assertEquals(1, anthropic.requestCount(), "only ready_for_review is analysed");
    FakeGitHub.Comment comment = onlyComment(30);
    assertTrue(comment.body().endsWith("<!-- hls:delivery=dr-ready -->"), comment.body());
    assertTrue(new EventQueries(db, new EventStore(db)).detail(opened).orElseThrow().toString().contains("draft"),
        "the skip names the reason");
  }

  @Test
  void commentsOnLimitsWhichActionsMayEditTheComment() throws Exception {
    answerNumbered();
    start(config("hls.repositories = [{ name = \"*\", comments { on = [opened] } }]"));
    post("issues", "on-opened", Payloads.issue(REPO, 4, "opened", "Crash", "NPE"));
    long reopened = post("issues", "on-reopened", Payloads.issue(REPO, 4, "reopened", "Crash", "again"));
    awaitFinal(reopened, EventStatus.COMPLETED);
    assertEquals(2, anthropic.requestCount(), "reopened is still analysed (and labels)");
    assertTrue(onlyComment(4).body().endsWith("<!-- hls:delivery=on-opened -->"));
    assertEquals(0, github.edits().size());
  }

  @Test
  void stopsBetweenLandedWritesAndTheirRecordsEndWithOneCommentAndNoRepeatedEdit() throws Exception {
    answerNumbered();
    // Both writes land at once but answer long after the stops below have returned their events.
    github.script("POST", "/repos/acme/app/issues/9/comments", FakeGitHub.landThenAnswerAfter(Duration.ofSeconds(8)));
    github.script("PATCH", "/repos/acme/app/issues/comments/\\d+", FakeGitHub.landThenAnswerAfter(Duration.ofSeconds(8)));
    ConfigLoader.Loaded loaded = config("hls.workers.shutdown-deadline = 200ms");
    start(loaded);
    long opened = post("issues", "cr-opened", Payloads.issue(REPO, 9, "opened", "Crash", "NPE"));
    awaitLanded(() -> github.comments(REPO, 9).size() == 1);
    restart(loaded, opened);
    awaitFinal(opened, EventStatus.COMPLETED);
    assertEquals(1, github.comments(REPO, 9).size(), "the landed comment was found, not posted again");

    long reopened = post("issues", "cr-reopened", Payloads.issue(REPO, 9, "reopened", "Crash", "again"));
    awaitLanded(() -> github.edits().size() == 1);
    restart(loaded, reopened);
    awaitFinal(reopened, EventStatus.COMPLETED);
    FakeGitHub.Comment comment = onlyComment(9);
    assertTrue(comment.body().endsWith("<!-- hls:delivery=cr-reopened -->"), comment.body());
    assertEquals(1, github.edits().size(), "the landed edit is not repeated");
    assertEquals(1, github.received("POST", "/repos/acme/app/issues/9/comments").size());
    assertEquals(Optional.of(String.valueOf(comment.id())), new ActionStore(db).threadComment("acme/app#9"));
  }

  private void awaitLanded(java.util.function.BooleanSupplier landed) throws InterruptedException {
    await(landed);
    assertTrue(landed.getAsBoolean(), "the write landed on the fake");
  }

  /** Polls for up to 20 s (a loaded machine), then lets the caller's assertion say what is missing. */
  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline && !condition.getAsBoolean()) Thread.sleep(25);
  }

  /** Stops while the landed write's answer is pending (its row still 'planned'), then starts on the same file. */
  private void restart(ConfigLoader.Loaded loaded, long inFlight) throws Exception {
    app.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    app = null;
    assertEquals(EventStatus.PENDING, new EventStore(db).statusOf(inFlight).orElseThrow(), "returned to the queue");
    start(loaded);
  }
}

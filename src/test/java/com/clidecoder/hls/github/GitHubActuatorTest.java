package com.clidecoder.hls.github;

import static com.clidecoder.hls.github.GitHubFixtures.TOKEN;
import static com.clidecoder.hls.github.GitHubFixtures.config;
import static com.clidecoder.hls.github.GitHubFixtures.live;
import static com.clidecoder.hls.github.GitHubFixtures.permissive;
import static com.clidecoder.hls.github.GitHubFixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.domain.PlannedAction;
import com.clidecoder.hls.github.GitHubActuator.Access;
import com.clidecoder.hls.github.GitHubActuator.Command;
import com.clidecoder.hls.github.GitHubActuator.DiffResult;
import com.clidecoder.hls.github.GitHubActuator.Done;
import com.clidecoder.hls.github.GitHubActuator.Failed;
import com.clidecoder.hls.github.GitHubActuator.FetchDiff;
import com.clidecoder.hls.github.GitHubActuator.Outcome;
import com.clidecoder.hls.github.GitHubActuator.Perform;
import com.clidecoder.hls.github.GitHubActuator.Reconfigure;
import com.clidecoder.hls.github.GitHubActuator.Refused;
import com.clidecoder.hls.github.GitHubActuator.TokenRefused;
import com.clidecoder.hls.github.GitHubActuator.WatchAccess;
import com.clidecoder.hls.testkit.FakeGitHub;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GitHubActuatorTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String ZWJ = "\u200D";
  private static final String COMMENTS = "/repos/octo/app/issues/\\d+/comments";

  private FakeGitHub fake;
  private TestProbe<Outcome> probe;

  @BeforeEach
  void start() {
    fake = FakeGitHub.start(TOKEN);
    probe = kit.createTestProbe();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @AfterAll
  static void stopKit() {
    kit.shutdownTestKit();
  }

  private ActorRef<Command> actuator(HlsConfig.GitHub config) {
    return kit.spawn(GitHubActuator.create(config));
  }

  private Perform labels(long eventId, String repo, List<String> labels) {
    return new Perform(eventId, "d-" + eventId, PlannedAction.labels(repo, 5, labels), permissive(), false, probe.ref());
  }

  private Perform comment(long eventId, String delivery, String body, boolean mayHaveLanded) {
    return new Perform(eventId, delivery, PlannedAction.comment("octo/app", 5, body), permissive(), mayHaveLanded,
        probe.ref());
  }

  private <T extends Outcome> T next(Class<T> type) {
    return assertInstanceOf(type, probe.receiveMessage(WAIT));
  }

  @Test
  void modelProposalReachesGitHubOnlyAsPolicyAllows() throws Exception {
    fake.labels("octo/app", "bug", "enhancement");
    var actuator = actuator(live(fake.url()));
    actuator.tell(labels(1, "octo/app", List.of("bug", "pwned-label", "needs-triage")));
    Done labelled = next(Done.class);
    assertEquals(List.of("bug", "needs-triage"), labelled.sent().labels());
    assertTrue(labelled.refused().get(0).contains("pwned-label"), labelled.refused().toString());
    assertFalse(labelled.dryRun());

    actuator.tell(comment(2, "d-2", "Thanks @alice and @org/maintainers! Contact me@example.com", false));
    Done commented = next(Done.class);

    var post = fake.received("POST", "/repos/octo/app/issues/5/labels");
    assertEquals(1, post.size());
    assertEquals(Json.MAPPER.readTree("{\"labels\":[\"bug\",\"needs-triage\"]}"), Json.MAPPER.readTree(post.get(0).body()));
    assertEquals("Bearer " + TOKEN, post.get(0).header("authorization"));
    assertEquals("application/vnd.github+json", post.get(0).header("accept"));
    assertEquals("2022-11-28", post.get(0).header("x-github-api-version"));
    assertEquals("hook-line-sinker", post.get(0).header("user-agent"));
    assertFalse(fake.createdLabels().contains("pwned-label"));

    FakeGitHub.Comment posted = fake.comments("octo/app", 5).get(0);
    assertEquals(Optional.of(String.valueOf(posted.id())), commented.githubId());
    assertEquals(commented.sent().body(), posted.body());
    assertTrue(posted.body().startsWith("Thanks @" + ZWJ + "alice and @" + ZWJ + "org/maintainers! Contact me@example.com"));
    assertTrue(posted.body().endsWith("\n\n<!-- hls:thread=octo/app#5 -->\n<!-- hls:delivery=d-2 -->"), posted.body());
    assertEquals(posted.body(), Json.MAPPER.readTree(fake.received("POST", COMMENTS).get(0).body()).get("body").asText());
  }

  @Test
  void writesForTwoRepositoriesShareOnePacedLane() {
    Duration interval = Duration.ofMillis(100);
    var actuator = actuator(config(fake.url(), Optional.of(TOKEN), false, interval, Duration.ofSeconds(5), 1000));
    for (int i = 0; i < 3; i++) {
      actuator.tell(labels(10 + i, "octo/a", List.of("needs-triage")));
      actuator.tell(labels(20 + i, "octo/b", List.of("needs-triage")));
    }
    for (int i = 0; i < 6; i++) next(Done.class);
    List<FakeGitHub.Received> writes = new ArrayList<>(fake.writes());
    writes.sort(Comparator.comparingLong(FakeGitHub.Received::arrivalNanos));
    assertEquals(6, writes.size());
    assertTrue(writes.stream().anyMatch(w -> w.path().startsWith("/repos/octo/a/")));
    assertTrue(writes.stream().anyMatch(w -> w.path().startsWith("/repos/octo/b/")));
    for (int i = 1; i < writes.size(); i++) {
      long gap = writes.get(i).arrivalNanos() - writes.get(i - 1).arrivalNanos();
      assertTrue(gap >= interval.toNanos(), "write " + i + " came " + gap / 1_000_000 + " ms after the previous one");
    }
    assertEquals(1, fake.maxConcurrentWrites());
  }

  @Test
  void repositoryLabelsAreReadAcrossPagesOnceThenCached() {
    fake.labels("octo/app", "a", "b", "c", "d", "bug").pageSize(2);
    var actuator = actuator(live(fake.url()));
    actuator.tell(labels(1, "octo/app", List.of("bug")));
    actuator.tell(labels(2, "octo/app", List.of("BUG", "nope")));
    assertEquals(List.of("bug"), next(Done.class).sent().labels());
    assertEquals(List.of("bug"), next(Done.class).sent().labels());
    actuator.tell(labels(3, "octo/app", List.of("d")));
    assertEquals(List.of("d"), next(Done.class).sent().labels());
    assertEquals(3, fake.received("GET", "/repos/octo/app/labels").size(), "one listing of three pages");
  }

  @Test
  void secondaryRateLimitHoldsTheLaneUntilRetryAfter() {
    fake.script("POST", COMMENTS, FakeGitHub.secondaryRateLimit(Optional.of(1)));
    var actuator = actuator(live(fake.url()));
    actuator.tell(comment(1, "d-1", "first", false));
    actuator.tell(labels(2, "octo/b", List.of("needs-triage")));
    assertEquals(1, next(Done.class).eventId(), "the held comment keeps its place");
    assertEquals(2, next(Done.class).eventId());
    List<FakeGitHub.Received> writes = fake.writes();
    assertEquals(3, writes.size());
    long waited = writes.get(1).arrivalNanos() - writes.get(0).arrivalNanos();
    assertTrue(waited >= Duration.ofSeconds(1).toNanos(), "next write after " + waited / 1_000_000 + " ms");
    assertEquals(1, fake.comments("octo/app", 5).size());
  }

  @Test
  void rateLimitedLabelReadIsDeferredUntilThePauseEnds() {
    fake.labels("octo/c", "bug");
    fake.script("GET", "/repos/octo/c/labels", FakeGitHub.secondaryRateLimit(Optional.of(1)));
    var actuator = actuator(live(fake.url()));
    actuator.tell(labels(1, "octo/c", List.of("bug")));
    assertEquals(List.of("bug"), next(Done.class).sent().labels());
    List<FakeGitHub.Received> reads = fake.received("GET", "/repos/octo/c/labels");
    assertEquals(2, reads.size());
    long waited = reads.get(1).arrivalNanos() - reads.get(0).arrivalNanos();
    assertTrue(waited >= Duration.ofSeconds(1).toNanos(), "read again after " + waited / 1_000_000 + " ms");
  }

  @Test
  void aJobRateLimitedAgainAndAgainIsHandedBackRetryable() {
    fake.script("POST", COMMENTS, GitHubActuator.MAX_HOLDS + 1, FakeGitHub.secondaryRateLimit(Optional.of(1)));
    var actuator = actuator(live(fake.url()));
    actuator.tell(comment(1, "d-1", "hello", false));
    Failed f = next(Failed.class);
    assertTrue(f.retryable() && f.retryAfter().isPresent(), f.toString());
    assertEquals(GitHubActuator.MAX_HOLDS + 1, fake.writes().size());
    assertEquals(List.of(), fake.comments("octo/app", 5));
  }

  @Test
  void primaryRateLimitHoldsWritesUntilReset() {
    long reset = Instant.now().getEpochSecond() + 2;
    fake.script("POST", "/repos/octo/app/issues/5/labels", FakeGitHub.primaryRateLimit(reset));
    var actuator = actuator(live(fake.url()));
    actuator.tell(labels(1, "octo/app", List.of("needs-triage")));
    next(Done.class);
    List<FakeGitHub.Received> writes = fake.writes();
    assertEquals(2, writes.size());
    assertFalse(writes.get(1).arrivedAt().isBefore(Instant.ofEpochSecond(reset)), "retried at " + writes.get(1).arrivedAt());
  }

  @Test
  void farOffResetFailsRetryableAndCallsNothingUntilThen() {
    fake.script("POST", "/repos/octo/app/issues/5/labels",
        FakeGitHub.primaryRateLimit(Instant.now().getEpochSecond() + 3600));
    fake.diff("octo/app", 5, "diff");
    var actuator = actuator(live(fake.url()));
    actuator.tell(labels(1, "octo/app", List.of("needs-triage")));
    Failed first = next(Failed.class);
    assertTrue(first.retryable());
    long after = first.retryAfter().orElseThrow().toSeconds();
    assertTrue(after > 3500 && after <= 3601, "retryAfter " + after);
    actuator.tell(comment(2, "d-2", "later", false));
    Failed second = next(Failed.class);
    assertTrue(second.retryable() && second.retryAfter().isPresent(), second.toString());
    TestProbe<DiffResult> diffs = kit.createTestProbe();
    actuator.tell(new FetchDiff("octo/app", 5, diffs.ref()));
    assertTrue(diffs.receiveMessage(WAIT).error().orElseThrow().contains("rate limit"));
    assertEquals(1, fake.received().size(), "only the request that was refused");
  }

  @Test
  void serverErrorsAreRetryableAndClientErrorsPermanentWithGitHubsMessage() {
    fake.script("POST", "/repos/octo/app/issues/5/labels", 2,
        FakeGitHub.respond(502, Map.of("content-type", "text/html"), "<html>502 Bad Gateway</html>"));
    var actuator = actuator(live(fake.url()));
    for (int i = 0; i < 2; i++) {
      actuator.tell(labels(1, "octo/app", List.of("needs-triage")));
      assertTrue(next(Failed.class).retryable());
    }
    actuator.tell(labels(1, "octo/app", List.of("needs-triage")));
    next(Done.class);

    fake.script("POST", COMMENTS, FakeGitHub.error(404, "Not Found"));
    actuator.tell(comment(2, "d-2", "hello", false));
    Failed missing = next(Failed.class);
    assertFalse(missing.retryable());
    assertTrue(missing.message().contains("404") && missing.message().contains("Not Found"), missing.message());

    fake.script("POST", COMMENTS, FakeGitHub.error(422, "Validation Failed"));
    actuator.tell(comment(3, "d-3", "hello", false));
    Failed invalid = next(Failed.class);
    assertFalse(invalid.retryable());
    assertTrue(invalid.message().contains("Validation Failed"), invalid.message());

    fake.script("GET", "/repos/octo/other/labels", FakeGitHub.error(503, "Service Unavailable"));
    actuator.tell(labels(4, "octo/other", List.of("bug")));
    Failed labelsDown = next(Failed.class);
    assertTrue(labelsDown.retryable(), labelsDown.toString());
  }

  @Test
  void wrongTokenSendsTheEventBackAndIsNeverEchoed() {
    var actuator = actuator(config(fake.url(), Optional.of("test-gh-wrong"), false, Duration.ofMillis(50),
        Duration.ofSeconds(5), 1000));
    actuator.tell(comment(1, "d-1", "hello", false));
    TokenRefused f = next(TokenRefused.class);
    assertEquals(1, f.eventId());
    // The first request of a thread's first comment is the look-up of its marker.
    assertEquals("look for the marker on octo/app#5: GitHub refused the token (401 Bad credentials)", f.reason());
    assertFalse(f.reason().contains("test-gh-wrong"));
  }

  @Test
  void refusedTokenPausesWritesUntilTheRateLimitProbePasses() {
    var actuator = kit.spawn(GitHubActuator.create(live(fake.url()), GitHubActuator.DEFAULT_MAX_HOLD,
        Duration.ofMillis(300)));
    TestProbe<Access> watcher = kit.createTestProbe();
    actuator.tell(new WatchAccess(watcher.ref()));
    assertEquals(Optional.empty(), watcher.receiveMessage(WAIT).pausedBecause());

    fake.refuseToken(true);
    actuator.tell(comment(1, "d-1", "hello", false));
    next(TokenRefused.class);
    Access paused = watcher.receiveMessage(WAIT);
    assertEquals(Optional.of("GitHub refused the token (401 Bad credentials)"), paused.pausedBecause());
    assertTrue(paused.pausedSince().isPresent());

    actuator.tell(comment(2, "d-2", "hello again", false));
    assertEquals(2, next(TokenRefused.class).eventId());
    assertEquals(1, fake.received("GET", COMMENTS).size(),
        "only the first comment's marker look-up reached GitHub (and got the 401)");
    assertEquals(0, fake.received("POST", COMMENTS).size(), "nothing was posted while refused");

    fake.refuseToken(false);
    Access live = watcher.receiveMessage(Duration.ofSeconds(10));
    assertEquals(Optional.empty(), live.pausedBecause());
    assertTrue(fake.received().stream().anyMatch(r -> r.path().equals("/rate_limit")), "probed GET /rate_limit");
    actuator.tell(comment(3, "d-3", "back", false));
    assertEquals(3, next(Done.class).eventId());
  }

  @Test
  void tokenExpiryFromGitHubsHeaderIsPassedOn() {
    fake.labels("octo/app", "bug").tokenExpiration("2026-12-31 23:59:59 UTC");
    var actuator = actuator(live(fake.url()));
    TestProbe<Access> watcher = kit.createTestProbe();
    actuator.tell(new WatchAccess(watcher.ref()));
    assertEquals(Optional.empty(), watcher.receiveMessage(WAIT).pausedBecause());
    actuator.tell(labels(1, "octo/app", List.of("bug")));
    next(Done.class);
    assertEquals(Optional.of(java.time.Instant.parse("2026-12-31T23:59:59Z")), watcher.receiveMessage(WAIT).tokenExpiresAt());
  }

  @Test
  void commentThatLandedDespiteATimeoutIsNotPostedTwice() {
    fake.existingComment("octo/app", 5, "older\n\n<!-- hls:delivery=d-other -->");
    // The POST must land before the request timeout (1 s, room for a loaded machine to deliver it),
    // and the answer come well after it.
    fake.script("POST", COMMENTS, FakeGitHub.landThenAnswerAfter(Duration.ofSeconds(5)));
    var actuator = actuator(config(fake.url(), Optional.of(TOKEN), false, Duration.ofMillis(50),
        Duration.ofSeconds(1), 1000));
    actuator.tell(comment(7, "d-7", "analysis", false));
    Failed timedOut = next(Failed.class);
    assertTrue(timedOut.retryable() && timedOut.message().contains("may have landed"), timedOut.message());

    actuator.tell(comment(7, "d-7", "analysis", true));
    Done done = next(Done.class);
    FakeGitHub.Comment landed = fake.comments("octo/app", 5).get(1);
    assertEquals(Optional.of(String.valueOf(landed.id())), done.githubId());
    assertEquals(1, fake.received("POST", COMMENTS).size());
    assertEquals(2, fake.comments("octo/app", 5).size());
  }

  @Test
  void droppedConnectionIsRetryableAndTheRetryFindsTheComment() {
    fake.script("POST", COMMENTS, FakeGitHub.landThenDrop());
    var actuator = actuator(live(fake.url()));
    actuator.tell(comment(8, "d-8", "analysis", false));
    assertTrue(next(Failed.class).retryable());
    actuator.tell(comment(8, "d-8", "analysis", true));
    next(Done.class);
    assertEquals(1, fake.received("POST", COMMENTS).size());
  }

  @Test
  void mayHaveLandedButAbsentPostsExactlyOnce() {
    fake.existingComment("octo/app", 5, "someone quoting <!-- hls:delivery=d-9 --> mid-text, not at the end");
    var actuator = actuator(live(fake.url()));
    actuator.tell(comment(9, "d-9", "analysis", true));
    Done done = next(Done.class);
    assertEquals(1, fake.received("GET", COMMENTS).size());
    assertEquals(1, fake.received("POST", COMMENTS).size());
    assertEquals(Optional.of(String.valueOf(fake.comments("octo/app", 5).get(1).id())), done.githubId());
  }

  @Test
  void dryRunAppliesPolicyAndCallsNothing() {
    for (var cfg : List.of(
        config(fake.url(), Optional.empty(), false, Duration.ofMillis(50), Duration.ofSeconds(5), 1000),
        config(fake.url(), Optional.of(TOKEN), true, Duration.ofMillis(50), Duration.ofSeconds(5), 1000))) {
      var actuator = actuator(cfg);
      actuator.tell(labels(1, "octo/app", List.of("bug", "needs-triage")));
      Done labelled = next(Done.class);
      assertTrue(labelled.dryRun());
      assertEquals(List.of("needs-triage"), labelled.sent().labels());
      assertTrue(labelled.refused().get(0).contains("not verified"), labelled.refused().toString());
      actuator.tell(comment(2, "d-2", "cc @alice", false));
      Done commented = next(Done.class);
      assertTrue(commented.dryRun());
      assertEquals(Optional.empty(), commented.githubId());
      assertEquals("cc @" + ZWJ + "alice\n\n<!-- hls:thread=octo/app#5 -->\n<!-- hls:delivery=d-2 -->",
          commented.sent().body());
      actuator.tell(new Perform(3, "d-3", PlannedAction.labels("octo/app", 5, List.of("needs-triage")),
          rule(false, true, List.of("needs-triage"), Map.of()), false, probe.ref()));
      next(Refused.class);
    }
    assertEquals(List.of(), fake.received());
  }

  @Test
  void diffComesCappedWithATokenAndNotWithout() {
    fake.diff("octo/app", 4, "+x\n".repeat(1000));
    TestProbe<DiffResult> diffs = kit.createTestProbe();
    actuator(live(fake.url())).tell(new FetchDiff("octo/app", 4, diffs.ref()));
    DiffResult capped = diffs.receiveMessage(WAIT);
    assertTrue(capped.truncated());
    assertEquals(1000, capped.diff().orElseThrow().length());
    actuator(config(fake.url(), Optional.empty(), false, Duration.ofMillis(50), Duration.ofSeconds(5), 1000))
        .tell(new FetchDiff("octo/app", 4, diffs.ref()));
    assertEquals(new DiffResult(Optional.empty(), Optional.of("no token")), diffs.receiveMessage(WAIT));
    assertEquals(1, fake.received().size());
  }

  @Test
  void policyRefusalsAnswerWithoutCalls() {
    var actuator = actuator(live(fake.url()));
    actuator.tell(new Perform(1, "d-1", PlannedAction.labels("octo/app", 5, List.of("needs-triage")),
        rule(false, false, List.of("needs-triage"), Map.of()), false, probe.ref()));
    assertTrue(next(Refused.class).reason().contains("auto-apply"));
    actuator.tell(new Perform(2, "d-2", PlannedAction.comment("octo/app", 5, "hi"),
        rule(true, false, List.of(), Map.of()), false, probe.ref()));
    assertTrue(next(Refused.class).reason().contains("auto-post"));
    assertEquals(List.of(), fake.received());
  }

  @Test
  void reconfiguringFromDryRunToLiveStartsWriting() {
    var actuator = actuator(config(fake.url(), Optional.empty(), false, Duration.ofMillis(50), Duration.ofSeconds(5), 1000));
    actuator.tell(comment(1, "d-1", "hello", false));
    assertTrue(next(Done.class).dryRun());
    actuator.tell(new Reconfigure(live(fake.url())));
    actuator.tell(comment(2, "d-2", "hello", false));
    assertFalse(next(Done.class).dryRun());
    assertEquals(1, fake.writes().size());
  }
}

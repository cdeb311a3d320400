package com.clidecoder.hls.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.claude.ClaudeAnalyst;
import com.clidecoder.hls.config.ConfigLoader;
import com.clidecoder.hls.domain.ActionKind;
import com.clidecoder.hls.domain.ActionStatus;
import com.clidecoder.hls.domain.Analysis;
import com.clidecoder.hls.domain.AnalysisRecord;
import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.domain.NewDelivery;
import com.clidecoder.hls.domain.PlannedAction;
import com.clidecoder.hls.domain.Priority;
import com.clidecoder.hls.github.GitHubActuator;
import com.clidecoder.hls.metrics.HlsMetrics;
import com.clidecoder.hls.triage.TriageModels;
import com.clidecoder.hls.store.ActionStore;
import com.clidecoder.hls.store.AnalysisStore;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.store.StatsStore;
import com.clidecoder.hls.testkit.Payloads;
import com.clidecoder.hls.testkit.TestConfigs;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QueueSupervisor and RepoActor against a real SQLite file, with probes standing in for the analyst
 * and the actuator: what reaches them, in which order, and what the store says afterwards.
 */
class PipelineActorTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final AtomicInteger deliveries = new AtomicInteger();

  @TempDir Path dir;
  private Database db;
  private ExecutorService jdbc;
  private EventStore events;
  private AnalysisStore analyses;
  private ActionStore actions;
  private TestProbe<ClaudeAnalyst.Command> analyst;
  private TestProbe<GitHubActuator.Command> actuator;
  private ActorRef<GitHubActuator.Access> githubAccess;
  private final List<ActorRef<QueueSupervisor.Command>> spawned = new java.util.ArrayList<>();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void close() {
    spawned.forEach(testKit::stop);
    if (db != null) db.close();
    if (jdbc != null) jdbc.shutdownNow();
  }

  private ActorRef<QueueSupervisor.Command> start(String hocon) {
    ConfigLoader.Loaded loaded = TestConfigs.load(dir, "hls.workers.poll-interval = 200ms\n" + hocon);
    db = Database.open(loaded.hls().database());
    jdbc = Executors.newFixedThreadPool(2);
    events = new EventStore(db);
    analyses = new AnalysisStore(db);
    actions = new ActionStore(db);
    analyst = testKit.createTestProbe();
    actuator = testKit.createTestProbe();
    Pipeline pipeline = new Pipeline(events, analyses, actions, new StatsStore(db), jdbc, analyst.getRef(),
        actuator.getRef(), new TriageModels(dir.resolve("models")), new HlsMetrics(), Clock.systemUTC());
    return spawn(loaded, pipeline);
  }

  private ActorRef<QueueSupervisor.Command> spawn(ConfigLoader.Loaded loaded, Pipeline pipeline) {
    ActorRef<QueueSupervisor.Command> ref = testKit.spawn(QueueSupervisor.create(loaded.hls(), pipeline));
    spawned.add(ref);
    // The supervisor asks the actuator at start to be told when GitHub refuses the token.
    githubAccess = actuator.expectMessageClass(GitHubActuator.WatchAccess.class).replyTo();
    return ref;
  }

  private long enqueue(String eventType, String repo, String action, String payload) {
    String delivery = "d-" + deliveries.incrementAndGet();
    return events.insertBatch(List.of(new NewDelivery(delivery, eventType, repo, action, payload, null, 0)),
        Instant.now()).get(0).id();
  }

  private long enqueueIssue(String repo, int number, String action, String title) {
    return enqueue("issues", repo, action, Payloads.issue(repo, number, action, title, "It crashes with a NullPointerException"));
  }

  private static ClaudeAnalyst.Analysed analysed(long eventId, List<String> labels, String comment) {
    Analysis a = new Analysis("summary", labels, comment, Priority.HIGH, 0.9);
    return new ClaudeAnalyst.Analysed(eventId,
        new AnalysisRecord("anthropic", "claude-sonnet-4-5", "issues", "prompt", "{}", 100, 50, 0.00105, 12, a));
  }

  private EventStatus awaitStatus(long id, EventStatus expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    EventStatus s = null;
    while (System.nanoTime() < deadline) {
      s = events.statusOf(id).orElseThrow();
      if (s == expected) return s;
      sleep(20);
    }
    assertEquals(expected, s, "status of event " + id);
    return s;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Answers every Perform with Done, as GitHub would, and returns what was performed. */
  private GitHubActuator.Perform performDone(String githubId) {
    GitHubActuator.Perform p = actuator.expectMessageClass(GitHubActuator.Perform.class);
    p.replyTo().tell(new GitHubActuator.Done(p.eventId(), p.action(), Optional.ofNullable(githubId), List.of(), false));
    return p;
  }

  @Test
  void openedIssueIsAnalysedLabelledCommentedAndCompleted() {
    ActorRef<QueueSupervisor.Command> supervisor = start("");
    long id = enqueueIssue("acme/app", 7, "opened", "Crash on start");
    supervisor.tell(new QueueSupervisor.Wake());

    ClaudeAnalyst.Analyse ask = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    assertEquals(id, ask.request().eventId());
    assertEquals("Crash on start", ask.request().payload().path("issue").path("title").asText());
    ask.replyTo().tell(analysed(id, List.of("bug"), "Thanks, this looks like a bug."));

    GitHubActuator.Perform label = performDone(null);
    assertEquals(ActionKind.LABEL, label.action().kind());
    assertEquals(List.of("bug"), label.action().labels());
    assertEquals("acme/app#7", label.action().target());
    assertFalse(label.mayHaveLanded());
    GitHubActuator.Perform comment = performDone("1001");
    assertEquals(ActionKind.COMMENT, comment.action().kind());

    awaitStatus(id, EventStatus.COMPLETED);
    assertTrue(analyses.latestFor(id).isPresent());
    List<ActionStore.ActionRow> rows = actions.forEvent(id);
    assertEquals(2, rows.size());
    assertTrue(rows.stream().allMatch(r -> r.status() == ActionStatus.DONE));
    assertEquals(Optional.of("1001"), rows.get(1).githubId());
  }

  @Test
  void editedIssueAndBotEventsAreSkippedWithoutCallingTheAnalyst() {
    ActorRef<QueueSupervisor.Command> supervisor = start("");
    long edited = enqueueIssue("acme/app", 1, "edited", "Typo");
    long bot = enqueue("issues", "acme/other", "opened",
        Payloads.issue("acme/other", 2, "opened", "Auto", "x", "Bot"));
    long green = enqueue("workflow_run", "acme/ci", "completed", Payloads.workflowRun("acme/ci", "success", 3));
    supervisor.tell(new QueueSupervisor.Wake());

    awaitStatus(edited, EventStatus.SKIPPED);
    awaitStatus(bot, EventStatus.SKIPPED);
    awaitStatus(green, EventStatus.SKIPPED);
    analyst.expectNoMessage(Duration.ofMillis(300));
    // A skip reads as the decision it is, not as an error.
    assertEquals("skipped: issues action 'edited' is not analysed", errorMessage(edited));
    assertTrue(errorMessage(bot).startsWith("skipped: caused by a bot"), errorMessage(bot));
    assertEquals("skipped: workflow run concluded 'success', not a failure", errorMessage(green));
  }

  private String errorMessage(long id) {
    return db.read(c -> {
      try (Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT error_message FROM webhook_events WHERE id = " + id)) {
        rs.next();
        return rs.getString(1);
      }
    });
  }

  @Test
  void oneRepositoryIsWorkedInIdOrderWhileAnotherRunsInParallel() {
    ActorRef<QueueSupervisor.Command> supervisor = start("");
    long first = enqueueIssue("acme/app", 1, "opened", "first");
    long second = enqueueIssue("acme/app", 2, "opened", "second");
    long other = enqueueIssue("acme/lib", 3, "opened", "other repo");
    supervisor.tell(new QueueSupervisor.Wake());

    ClaudeAnalyst.Analyse a = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    ClaudeAnalyst.Analyse b = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    // Both repositories are in flight at once; acme/app's second event waits for its first.
    assertEquals(List.of(first, other), List.of(a.request().eventId(), b.request().eventId()).stream().sorted().toList());
    analyst.expectNoMessage(Duration.ofMillis(300));

    ClaudeAnalyst.Analyse appFirst = a.request().eventId() == first ? a : b;
    appFirst.replyTo().tell(analysed(first, List.of(), ""));
    awaitStatus(first, EventStatus.COMPLETED);
    ClaudeAnalyst.Analyse next = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    assertEquals(second, next.request().eventId());
  }

  @Test
  void concurrencyCapLimitsAnalysesInFlight() {
    ActorRef<QueueSupervisor.Command> supervisor = start("hls.workers.max-concurrent-analyses = 2");
    for (int i = 0; i < 4; i++) enqueueIssue("acme/r" + i, i + 1, "opened", "issue " + i);
    supervisor.tell(new QueueSupervisor.Wake());
    ClaudeAnalyst.Analyse a = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    analyst.expectNoMessage(Duration.ofMillis(400));
    a.replyTo().tell(analysed(a.request().eventId(), List.of(), ""));
    analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
  }

  @Test
  void eventsAreClaimedAheadOfAFreeSlotWhileTheCapBoundsAnalystCalls() {
    ActorRef<QueueSupervisor.Command> supervisor = start("hls.workers.max-concurrent-analyses = 2");
    List<Long> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) ids.add(enqueueIssue("acme/r" + i, i + 1, "opened", "issue " + i));
    supervisor.tell(new QueueSupervisor.Wake());
    ClaudeAnalyst.Analyse a = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    ClaudeAnalyst.Analyse b = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    // All four are claimed (the cap again ahead), two wait for a slot without calling the analyst.
    ids.forEach(id -> awaitStatus(id, EventStatus.PROCESSING));
    analyst.expectNoMessage(Duration.ofMillis(400));
    TestProbe<QueueSupervisor.Status> status = testKit.createTestProbe();
    supervisor.tell(new QueueSupervisor.GetStatus(status.getRef()));
    QueueSupervisor.Status s = status.receiveMessage();
    assertEquals(List.of(4, 2, 2), List.of(s.inFlight(), s.analysing(), s.maxConcurrentAnalyses()),
        "four in flight, two of them analysing, under a cap of two");
    a.replyTo().tell(analysed(a.request().eventId(), List.of(), ""));
    ClaudeAnalyst.Analyse third = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    // Which repository is granted first depends on which is ready first: only "one that waited" is fixed.
    assertTrue(ids.contains(third.request().eventId())
            && third.request().eventId() != a.request().eventId() && third.request().eventId() != b.request().eventId(),
        "a waiting event gets the freed slot");
    analyst.expectNoMessage(Duration.ofMillis(300));
  }

  /** Two repositories under a cap of one: one event is being analysed, the other claimed ahead of a slot. */
  private record OneAnalysingOneWaiting(
      ActorRef<QueueSupervisor.Command> supervisor, ClaudeAnalyst.Analyse analysing, long first, long second) {}

  private OneAnalysingOneWaiting oneAnalysingOneWaiting(String hocon) {
    ActorRef<QueueSupervisor.Command> supervisor = start("hls.workers.max-concurrent-analyses = 1\n" + hocon);
    long x = enqueueIssue("acme/a", 1, "opened", "one");
    long y = enqueueIssue("acme/b", 2, "opened", "two");
    supervisor.tell(new QueueSupervisor.Wake());
    ClaudeAnalyst.Analyse a = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    long first = a.request().eventId();
    long second = first == x ? y : x;
    awaitStatus(second, EventStatus.PROCESSING);
    // Claimed is not yet waiting: the second repository still reads its event's state before it asks for
    // a slot, and a test that then holds the write lock must not catch that read behind it.
    TestProbe<QueueSupervisor.Status> status = testKit.createTestProbe();
    long deadline = System.nanoTime() + 10_000_000_000L;
    do {
      supervisor.tell(new QueueSupervisor.GetStatus(status.getRef()));
    } while (status.receiveMessage().waitingForSlot() < 1 && System.nanoTime() < deadline);
    return new OneAnalysingOneWaiting(supervisor, a, first, second);
  }

  @Test
  void theSlotIsFreedWhenTheAnswerArrivesNotWhenItIsStored() throws Exception {
    // Whichever repository is ready first gets the slot; the other waits, claimed ahead.
    // The store waits up to 20 s for the lock, longer than the 10 s the test waits for the freed slot: a
    // slot freed only once the answer is stored (or its store gave up) would not come in time.
    OneAnalysingOneWaiting two = oneAnalysingOneWaiting("hls.database.busy-timeout = 20s");
    ClaudeAnalyst.Analyse a = two.analysing();
    long first = two.first();
    long second = two.second();
    try (com.clidecoder.hls.testkit.WriteLock lock = com.clidecoder.hls.testkit.WriteLock.hold(dir.resolve("webhooks.db"))) {
      // The first analysis cannot be stored while another writer holds the lock, yet its slot is free.
      a.replyTo().tell(analysed(first, List.of(), ""));
      ClaudeAnalyst.Analyse b = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class, Duration.ofSeconds(10));
      assertEquals(second, b.request().eventId());
      assertEquals(EventStatus.PROCESSING, events.statusOf(first).orElseThrow());
      b.replyTo().tell(analysed(second, List.of(), ""));
    }
    awaitStatus(first, EventStatus.COMPLETED);
    awaitStatus(second, EventStatus.COMPLETED);
  }

  @Test
  void drainReturnsEventsClaimedAheadAtOnceAndWaitsForTheOneBeingAnalysed() {
    OneAnalysingOneWaiting two = oneAnalysingOneWaiting("");
    ActorRef<QueueSupervisor.Command> supervisor = two.supervisor();
    ClaudeAnalyst.Analyse a = two.analysing();
    long first = two.first();
    long second = two.second();
    TestProbe<Done> drained = testKit.createTestProbe();
    supervisor.tell(new QueueSupervisor.Drain(Duration.ofSeconds(30), drained.getRef()));
    awaitStatus(second, EventStatus.PENDING); // long before the deadline
    assertEquals(0, events.find(second).orElseThrow().retryCount(), "returned, not a failed attempt");
    drained.expectNoMessage(Duration.ofMillis(200));
    a.replyTo().tell(analysed(first, List.of(), ""));
    drained.expectMessage(Duration.ofSeconds(10), Done.getInstance());
    assertEquals(EventStatus.COMPLETED, events.statusOf(first).orElseThrow());
    analyst.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aPauseReturnsTheEventsWaitingForASlot() {
    OneAnalysingOneWaiting two = oneAnalysingOneWaiting("hls.workers.backoff.max = 1h");
    ClaudeAnalyst.Analyse a = two.analysing();
    long first = two.first();
    long second = two.second();
    a.replyTo().tell(new ClaudeAnalyst.Failed(first, ClaudeAnalyst.FailureKind.PAUSE_AUTH,
        "401 authentication_error", Optional.empty()));
    awaitStatus(first, EventStatus.PENDING);
    awaitStatus(second, EventStatus.PENDING);
    assertEquals(0, events.find(second).orElseThrow().retryCount());
    analyst.expectNoMessage(Duration.ofMillis(500));
  }

  @Test
  void retryableFailureIsRescheduledNoSoonerThanRetryAfterAndFailsAfterMaxRetries() {
    ActorRef<QueueSupervisor.Command> supervisor =
        start("hls.workers.max-retries = 1\nhls.workers.backoff { min = 100ms, max = 200ms }");
    long id = enqueueIssue("acme/app", 1, "opened", "flaky");
    supervisor.tell(new QueueSupervisor.Wake());

    ClaudeAnalyst.Analyse first = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    Instant failedAt = Instant.now();
    first.replyTo().tell(new ClaudeAnalyst.Failed(id, ClaudeAnalyst.FailureKind.RETRYABLE, "529 overloaded",
        Optional.of(Duration.ofSeconds(1))));
    ClaudeAnalyst.Analyse second = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class, Duration.ofSeconds(10));
    assertTrue(Duration.between(failedAt, Instant.now()).toMillis() >= 950, "retry-after of 1 s was honoured");
    second.replyTo().tell(new ClaudeAnalyst.Failed(id, ClaudeAnalyst.FailureKind.RETRYABLE, "529 overloaded",
        Optional.empty()));
    awaitStatus(id, EventStatus.FAILED);
  }

  @Test
  void permanentFailureFailsTheEventWithTheMessage() throws Exception {
    ActorRef<QueueSupervisor.Command> supervisor = start("");
    long id = enqueueIssue("acme/app", 1, "opened", "too big");
    supervisor.tell(new QueueSupervisor.Wake());
    ClaudeAnalyst.Analyse ask = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    ask.replyTo().tell(new ClaudeAnalyst.Failed(id, ClaudeAnalyst.FailureKind.PERMANENT,
        "400 invalid_request_error: prompt is too long", Optional.empty()));
    awaitStatus(id, EventStatus.FAILED);
    String error = errorOf(id);
    assertTrue(error.contains("prompt is too long"), error);
  }

  /** Two repositories' events, both handed to the analyst. */
  private record TwoAnalysing(ActorRef<QueueSupervisor.Command> supervisor, long x, long y,
      ClaudeAnalyst.Analyse a, ClaudeAnalyst.Analyse b) {}

  private TwoAnalysing twoAnalysing(String hocon) {
    ActorRef<QueueSupervisor.Command> supervisor = start(hocon);
    long x = enqueueIssue("acme/app", 1, "opened", "x");
    long y = enqueueIssue("acme/lib", 2, "opened", "y");
    supervisor.tell(new QueueSupervisor.Wake());
    ClaudeAnalyst.Analyse a = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    ClaudeAnalyst.Analyse b = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    return new TwoAnalysing(supervisor, x, y, a, b);
  }

  @Test
  void badApiKeyPausesAnalysisAndReturnsTheEventUntouched() {
    TwoAnalysing two = twoAnalysing("hls.workers.backoff.max = 1h");
    ActorRef<QueueSupervisor.Command> supervisor = two.supervisor();
    long id = two.x();
    long later = two.y();
    ClaudeAnalyst.Analyse a = two.a();
    ClaudeAnalyst.Analyse b = two.b();
    a.replyTo().tell(new ClaudeAnalyst.Failed(a.request().eventId(), ClaudeAnalyst.FailureKind.PAUSE_AUTH,
        "401 authentication_error", Optional.empty()));
    awaitStatus(a.request().eventId(), EventStatus.PENDING);
    TestProbe<QueueSupervisor.Status> status = testKit.createTestProbe();
    supervisor.tell(new QueueSupervisor.GetStatus(status.getRef()));
    assertTrue(status.receiveMessage().analysis().startsWith("paused: Anthropic rejected the API key"));
    b.replyTo().tell(analysed(b.request().eventId(), List.of(), ""));
    supervisor.tell(new QueueSupervisor.Wake());
    analyst.expectNoMessage(Duration.ofMillis(500));
    assertEquals(0, events.find(id).orElseThrow().retryCount(), "a pause is not a failed attempt");
    assertTrue(later > 0);
  }

  private QueueSupervisor.Status status(ActorRef<QueueSupervisor.Command> supervisor) {
    TestProbe<QueueSupervisor.Status> status = testKit.createTestProbe();
    supervisor.tell(new QueueSupervisor.GetStatus(status.getRef()));
    return status.receiveMessage();
  }

  private String errorOf(long id) {
    return db.read(c -> {
      try (Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT error_message FROM webhook_events WHERE id = " + id)) {
        rs.next();
        return rs.getString(1);
      }
    });
  }

  private static final String LIVE = "hls.github.token = \"test-gh-pipeline_test_only\"\n";

  @Test
  void anthropicOutagePausesAnalysisThenResumesWithoutCountingAnAttempt() {
    TwoAnalysing two = twoAnalysing("");
    ActorRef<QueueSupervisor.Command> supervisor = two.supervisor();
    long x = two.x(), y = two.y();
    String refused = "cannot connect to https://api.anthropic.com: connection refused";
    for (ClaudeAnalyst.Analyse ask : List.of(two.a(), two.b())) {
      ask.replyTo().tell(new ClaudeAnalyst.Failed(ask.request().eventId(), ClaudeAnalyst.FailureKind.PAUSE_OUTAGE,
          refused, Optional.of(Duration.ofSeconds(1))));
    }
    awaitStatus(x, EventStatus.PENDING);
    awaitStatus(y, EventStatus.PENDING);
    QueueSupervisor.Status paused = status(supervisor);
    assertEquals("paused: Anthropic unavailable: " + refused, paused.analysis());
    Instant since = paused.analysisPausedSince().orElseThrow();

    // After the probe time the events are analysed again; the pause shows (since the start) until one is answered.
    ClaudeAnalyst.Analyse again = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class, Duration.ofSeconds(10));
    assertEquals(Optional.of(since), status(supervisor).analysisPausedSince());
    again.replyTo().tell(analysed(again.request().eventId(), List.of(), ""));
    ClaudeAnalyst.Analyse other = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class, Duration.ofSeconds(10));
    other.replyTo().tell(analysed(other.request().eventId(), List.of(), ""));
    awaitStatus(x, EventStatus.COMPLETED);
    awaitStatus(y, EventStatus.COMPLETED);
    assertEquals(List.of(0, 0), List.of(events.find(x).orElseThrow().retryCount(), events.find(y).orElseThrow().retryCount()),
        "an outage is not the events' failed attempt");
    QueueSupervisor.Status resumed = status(supervisor);
    assertEquals("running", resumed.analysis());
    assertEquals(Optional.empty(), resumed.analysisPausedSince());
  }

  @Test
  void refusedGitHubTokenReturnsTheEventAndStopsClaudeCallsUntilItIsAccepted() {
    ActorRef<QueueSupervisor.Command> supervisor = start(LIVE);
    long x = enqueueIssue("acme/app", 1, "opened", "x");
    supervisor.tell(new QueueSupervisor.Wake());
    ClaudeAnalyst.Analyse a = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    a.replyTo().tell(analysed(x, List.of("bug"), "A comment."));
    GitHubActuator.Perform label = actuator.expectMessageClass(GitHubActuator.Perform.class);
    String why = "GitHub refused the token (401 Bad credentials)";
    // The actuator tells the watchers first, then answers the action.
    githubAccess.tell(new GitHubActuator.Access(Optional.of(why), Optional.of(Instant.now()), Optional.empty()));
    label.replyTo().tell(new GitHubActuator.TokenRefused(x, "add labels to acme/app#1: " + why));
    awaitStatus(x, EventStatus.PENDING);
    assertEquals(0, events.find(x).orElseThrow().retryCount(), "the token's fault, not the event's");

    long y = enqueueIssue("acme/lib", 2, "opened", "y");
    supervisor.tell(new QueueSupervisor.Wake());
    analyst.expectNoMessage(Duration.ofMillis(800)); // no analysis paid for that could not be acted on
    actuator.expectNoMessage(Duration.ofMillis(100));
    assertEquals(EventStatus.PENDING, events.statusOf(y).orElseThrow());
    QueueSupervisor.Status s = status(supervisor);
    assertEquals("paused: " + why, s.github());
    assertTrue(s.githubPausedSince().isPresent());
    assertEquals("running", s.analysis());

    githubAccess.tell(GitHubActuator.Access.LIVE);
    // x reuses its stored analysis (no second Claude call); its label may have landed, so the actuator is told.
    GitHubActuator.Perform retried = actuator.expectMessageClass(GitHubActuator.Perform.class, Duration.ofSeconds(10));
    assertEquals(x, retried.eventId());
    assertTrue(retried.mayHaveLanded());
    retried.replyTo().tell(new GitHubActuator.Done(x, retried.action(), Optional.empty(), List.of(), false));
    performDone("77");
    ClaudeAnalyst.Analyse b = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class, Duration.ofSeconds(10));
    assertEquals(y, b.request().eventId());
    b.replyTo().tell(analysed(y, List.of(), ""));
    awaitStatus(x, EventStatus.COMPLETED);
    awaitStatus(y, EventStatus.COMPLETED);
    assertEquals("live", status(supervisor).github());
  }

  @Test
  void aRefusedTokenDoesNotHoldDryRun() {
    ActorRef<QueueSupervisor.Command> supervisor = start("hls.github.dry-run = true\n" + LIVE);
    githubAccess.tell(new GitHubActuator.Access(Optional.of("GitHub refused the token"), Optional.of(Instant.now()),
        Optional.empty()));
    long x = enqueueIssue("acme/app", 1, "opened", "x");
    supervisor.tell(new QueueSupervisor.Wake());
    assertEquals(x, analyst.expectMessageClass(ClaudeAnalyst.Analyse.class).request().eventId());
    assertEquals("dry-run", status(supervisor).github());
  }

  @Test
  void aGitHubAnswerAboutTheEventItselfStillFailsIt() {
    ActorRef<QueueSupervisor.Command> supervisor = start(LIVE);
    long x = enqueueIssue("acme/app", 1, "opened", "x");
    supervisor.tell(new QueueSupervisor.Wake());
    analyst.expectMessageClass(ClaudeAnalyst.Analyse.class).replyTo().tell(analysed(x, List.of("bug"), ""));
    GitHubActuator.Perform label = actuator.expectMessageClass(GitHubActuator.Perform.class);
    label.replyTo().tell(new GitHubActuator.Failed(x, false, "add labels to acme/app#1: GitHub 404: Not Found",
        Optional.empty()));
    awaitStatus(x, EventStatus.FAILED);
    assertEquals("GitHub: add labels to acme/app#1: GitHub 404: Not Found", errorOf(x));
  }

  @Test
  void spentBudgetPausesAnalysisAndEventsWait() {
    ActorRef<QueueSupervisor.Command> supervisor =
        start("hls.claude.api-key = \"sk-test-not-real\"\nhls.claude.daily-budget-usd = 0.001");
    long first = enqueueIssue("acme/app", 1, "opened", "x");
    supervisor.tell(new QueueSupervisor.Wake());
    ClaudeAnalyst.Analyse ask = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class);
    ask.replyTo().tell(analysed(first, List.of(), "")); // costs $0.00105, over the budget
    awaitStatus(first, EventStatus.COMPLETED);
    long second = enqueueIssue("acme/app", 2, "opened", "y");
    supervisor.tell(new QueueSupervisor.Wake());
    analyst.expectNoMessage(Duration.ofMillis(500));
    assertEquals(EventStatus.PENDING, events.statusOf(second).orElseThrow());
    TestProbe<QueueSupervisor.Status> status = testKit.createTestProbe();
    supervisor.tell(new QueueSupervisor.GetStatus(status.getRef()));
    assertTrue(status.receiveMessage().analysis().contains("daily budget"));
  }

  @Test
  void retriedEventReusesItsAnalysisAndSkipsActionsAlreadyDone() {
    ActorRef<QueueSupervisor.Command> supervisor =
        start("hls.workers.backoff { min = 50ms, max = 100ms }");
    long id = enqueueIssue("acme/app", 5, "opened", "retry me");
    supervisor.tell(new QueueSupervisor.Wake());
    analyst.expectMessageClass(ClaudeAnalyst.Analyse.class).replyTo()
        .tell(analysed(id, List.of("bug"), "A comment"));
    performDone(null); // labels land
    GitHubActuator.Perform comment = actuator.expectMessageClass(GitHubActuator.Perform.class);
    comment.replyTo().tell(new GitHubActuator.Failed(id, true, "502 bad gateway", Optional.empty()));

    // Second attempt: no new analysis, labels not repeated, the comment is retried as possibly landed.
    GitHubActuator.Perform again = actuator.expectMessageClass(GitHubActuator.Perform.class, Duration.ofSeconds(10));
    assertEquals(ActionKind.COMMENT, again.action().kind());
    assertTrue(again.mayHaveLanded());
    again.replyTo().tell(new GitHubActuator.Done(id, again.action(), Optional.of("77"), List.of(), false));
    awaitStatus(id, EventStatus.COMPLETED);
    analyst.expectNoMessage(Duration.ofMillis(200));
    assertEquals(1, events.find(id).orElseThrow().retryCount());
  }

  @Test
  void eventsLeftProcessingByADeadProcessAreRecoveredOnStart() {
    testKit.stop(start("")); // only its store is used: the 'dead process' claims by hand below
    long id = enqueueIssue("acme/app", 1, "opened", "orphan");
    events.claimHeads(10, List.of(), Instant.now(), "dead-process", Instant.now().plusSeconds(300));
    assertEquals(EventStatus.PROCESSING, events.statusOf(id).orElseThrow());

    Pipeline pipeline = new Pipeline(events, analyses, actions, new StatsStore(db), jdbc, analyst.getRef(),
        actuator.getRef(), new TriageModels(dir.resolve("models")), new HlsMetrics(), Clock.systemUTC());
    spawn(TestConfigs.load(dir, ""), pipeline);
    ClaudeAnalyst.Analyse ask = analyst.expectMessageClass(ClaudeAnalyst.Analyse.class, Duration.ofSeconds(10));
    assertEquals(id, ask.request().eventId());
  }

  @Test
  void drainReturnsUnfinishedEventsToTheQueueAtTheDeadline() {
    ActorRef<QueueSupervisor.Command> supervisor = start("");
    long id = enqueueIssue("acme/app", 1, "opened", "slow");
    supervisor.tell(new QueueSupervisor.Wake());
    analyst.expectMessageClass(ClaudeAnalyst.Analyse.class); // never answered
    TestProbe<Done> drained = testKit.createTestProbe();
    supervisor.tell(new QueueSupervisor.Drain(Duration.ofMillis(200), drained.getRef()));
    drained.expectMessage(Duration.ofSeconds(10), Done.getInstance());
    assertEquals(EventStatus.PENDING, events.statusOf(id).orElseThrow());
  }

  @Test
  void failedWorkflowRunCommentsOnItsPullRequests() {
    ActorRef<QueueSupervisor.Command> supervisor = start("");
    long id = enqueue("workflow_run", "acme/app", "completed", Payloads.workflowRun("acme/app", "failure", 12));
    supervisor.tell(new QueueSupervisor.Wake());
    analyst.expectMessageClass(ClaudeAnalyst.Analyse.class).replyTo()
        .tell(analysed(id, List.of("ci"), "The build failed in step test."));
    GitHubActuator.Perform p = performDone("5");
    assertEquals(PlannedAction.comment("acme/app", 12, "The build failed in step test."), p.action());
    awaitStatus(id, EventStatus.COMPLETED);
  }
}

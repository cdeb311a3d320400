package com.clidecoder.hls.github;

import static com.clidecoder.hls.github.GitHubFixtures.permissive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.AppPrivateKey;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.PlannedAction;
import com.clidecoder.hls.github.GitHubActuator.Access;
import com.clidecoder.hls.github.GitHubActuator.Outcome;
import com.clidecoder.hls.github.GitHubActuator.Perform;
import com.clidecoder.hls.testkit.AppKeys;
import com.clidecoder.hls.testkit.FakeGitHub;
import com.clidecoder.hls.testkit.FakeGitHubApp;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The actuator as a GitHub App on loopback: the bot login from GET /app (retried) and the auth state it reports. */
class GitHubAppActuatorTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final KeyPair PAIR = AppKeys.generate();
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir Path dir;
  private final FakeGitHubApp app = new FakeGitHubApp(42, "hls-test", (RSAPublicKey) PAIR.getPublic(), Duration.ofMinutes(30));
  private final FakeGitHub fake = FakeGitHub.start("test-gh-unused").app(app);

  @AfterEach
  void stop() {
    fake.close();
  }

  @AfterAll
  static void stopKit() {
    kit.shutdownTestKit();
  }

  @Test
  void aFailingGetAppIsRetriedByTimerAndTheLearnedBotLoginIsPassedOn() {
    app.appUnavailable(2);
    var actuator = kit.spawn(GitHubActuator.create(appConfig(PAIR), GitHubActuator.DEFAULT_MAX_HOLD,
        GitHubActuator.DEFAULT_PROBE_EVERY, Duration.ofMillis(300)));
    TestProbe<Access> watcher = watch(actuator);
    Access learned = awaitAccess(watcher, a -> a.botLogin().isPresent());
    assertEquals(Optional.of("hls-test[bot]"), learned.botLogin());
    List<FakeGitHub.Received> lookups = fake.received("GET", "/app");
    assertEquals(3, lookups.size(), "two 503s, then the answer");
    assertTrue(lookups.get(2).arrivalNanos() - lookups.get(1).arrivalNanos() >= Duration.ofMillis(300).toNanos(),
        "retried after the retry interval, not at once");
    for (FakeGitHub.Received r : lookups) {
      assertTrue(r.header("authorization").startsWith("Bearer eyJ"), "the app JWT: " + r.header("authorization"));
    }
  }

  @Test
  void authStateSaysTokenOkAfterAWriteAndNeverCarriesTheToken() {
    var actuator = kit.spawn(GitHubActuator.create(appConfig(PAIR)));
    TestProbe<Access> watcher = watch(actuator);
    TestProbe<Outcome> outcomes = kit.createTestProbe();
    actuator.tell(new Perform(1, "d-1", PlannedAction.labels("octo/one", 5, List.of("needs-triage")), permissive(),
        false, Optional.empty(), outcomes.ref(), Optional.of(7L)));
    assertInstanceOf(GitHubActuator.Done.class, outcomes.receiveMessage(WAIT));
    Access ok = awaitAccess(watcher, a -> a.auth().endsWith("installation token ok"));
    assertEquals("app 42: installation token ok", ok.auth());
    assertEquals(1, app.tokensIssued(7));
    assertFalse(ok.toString().contains(FakeGitHubApp.TOKEN_PREFIX), ok.toString());
  }

  @Test
  void aRefusedJwtIsReportedWithGitHubsReasonAndWritesFailRetryable() {
    var actuator = kit.spawn(GitHubActuator.create(appConfig(AppKeys.generate())));
    TestProbe<Access> watcher = watch(actuator);
    TestProbe<Outcome> outcomes = kit.createTestProbe();
    actuator.tell(new Perform(1, "d-1", PlannedAction.labels("octo/one", 5, List.of("needs-triage")), permissive(),
        false, Optional.empty(), outcomes.ref(), Optional.of(7L)));
    assertTrue(assertInstanceOf(GitHubActuator.Failed.class, outcomes.receiveMessage(WAIT)).retryable());
    Access refused = awaitAccess(watcher, a -> a.auth().contains("cannot"));
    assertTrue(refused.auth().startsWith("app 42: cannot get an installation token: A JSON web token could not be decoded"),
        refused.auth());
    assertEquals(Optional.empty(), refused.botLogin(), "GET /app was refused too");
    assertEquals(Optional.empty(), refused.pausedBecause(), "a refused JWT is not a refused token: no pause");
  }

  @Test
  void aSecondaryRateLimitOfOneInstallationDoesNotHoldAnothersWrites() {
    // Installation 1 meets GitHub's secondary limit (403, retry-after: 2) on its first write.
    fake.script("POST", "/repos/octo/one/issues/1/labels", FakeGitHub.secondaryRateLimit(Optional.of(2)));
    var actuator = kit.spawn(GitHubActuator.create(appConfig(PAIR)));
    TestProbe<Outcome> outcomes = kit.createTestProbe();
    actuator.tell(label(1, "octo/one", 1, 1L, outcomes));
    actuator.tell(label(2, "octo/one", 2, 1L, outcomes));
    // A's pause has begun (its first write was refused): B's work arrives now and must not wait for it.
    awaitCondition(() -> fake.received("POST", "/repos/octo/one/issues/1/labels").size() == 1);
    for (int i = 0; i < 3; i++) actuator.tell(label(10 + i, "octo/two", 10 + i, 2L, outcomes));
    List<Long> order = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      order.add(assertInstanceOf(GitHubActuator.Done.class, outcomes.receiveMessage(WAIT)).eventId());
    }
    List<FakeGitHub.Received> a = fake.received("POST", "/repos/octo/one/issues/\\d+/labels");
    List<FakeGitHub.Received> b = fake.received("POST", "/repos/octo/two/issues/\\d+/labels");
    assertEquals(3, a.size(), "A: refused once, then its two writes");
    assertEquals(3, b.size());
    long refusedAt = a.get(0).arrivalNanos();
    long pauseEnds = refusedAt + Duration.ofSeconds(2).toNanos();
    for (FakeGitHub.Received w : b) {
      assertTrue(w.arrivalNanos() < pauseEnds, "B's write came " + (w.arrivalNanos() - refusedAt) / 1_000_000
          + " ms after A's rate limit, inside A's 2 s pause");
    }
    assertTrue(a.get(1).arrivalNanos() >= pauseEnds, "A waited out its retry-after");
    assertEquals(a.get(1).path(), "/repos/octo/one/issues/1/labels", "the held write keeps its place in A's lane");
    assertEquals(List.of(10L, 11L, 12L), order.subList(0, 3).stream().sorted().toList(), "B finished first: " + order);
    assertEquals(List.of(1L, 2L), order.subList(3, 5), "then A in order: " + order);
    assertEquals(List.of("needs-triage"), fake.issueLabels("octo/one", 2));
  }

  private static Perform label(long eventId, String repo, int number, long installation, TestProbe<Outcome> to) {
    return new Perform(eventId, "d-" + eventId, PlannedAction.labels(repo, number, List.of("needs-triage")),
        permissive(), false, Optional.empty(), to.ref(), Optional.of(installation));
  }

  private static void awaitCondition(java.util.function.BooleanSupplier done) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("never happened");
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private TestProbe<Access> watch(ActorRef<GitHubActuator.Command> actuator) {
    TestProbe<Access> watcher = kit.createTestProbe();
    actuator.tell(new GitHubActuator.WatchAccess(watcher.ref()));
    return watcher;
  }

  private static Access awaitAccess(TestProbe<Access> watcher, Predicate<Access> until) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Access a = watcher.receiveMessage(WAIT);
      if (until.test(a)) return a;
    }
    throw new AssertionError("the access state never got there");
  }

  private HlsConfig.GitHub appConfig(KeyPair pair) {
    Path pem = AppKeys.write(dir.resolve("k" + System.nanoTime() + ".pem"), AppKeys.pkcs1Pem(pair));
    AppPrivateKey key = AppPrivateKey.read(pem).key().orElseThrow();
    HlsConfig.App a = new HlsConfig.App(42, pem, key, Optional.empty(), Duration.ofMinutes(5));
    return new HlsConfig.GitHub(URI.create(fake.url()), Optional.empty(), Optional.empty(), false,
        Duration.ofMillis(50), Optional.empty(), 1000, Duration.ofSeconds(5), Duration.ofMinutes(10), 200, Optional.of(a));
  }
}

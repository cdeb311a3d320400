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

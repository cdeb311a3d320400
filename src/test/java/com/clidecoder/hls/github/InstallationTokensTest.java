package com.clidecoder.hls.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.AppPrivateKey;
import com.clidecoder.hls.config.HlsConfig;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client as a GitHub App on real loopback HTTP: per-installation tokens, renewal ahead of expiry and on a 401. */
class InstallationTokensTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final KeyPair PAIR = AppKeys.generate();
  @TempDir Path dir;
  private FakeGitHub fake;

  @AfterEach
  void stop() {
    if (fake != null) fake.close();
  }

  @AfterAll
  static void stopKit() {
    kit.shutdownTestKit();
  }

  @Test
  void eachInstallationWritesWithItsOwnTokenAcrossRenewals() throws Exception {
    FakeGitHubApp app = new FakeGitHubApp(42, "hls-test", (RSAPublicKey) PAIR.getPublic(), Duration.ofSeconds(3));
    fake = FakeGitHub.start("test-gh-unused").app(app);
    // renew 1 s ahead of a 3 s token: a new token every ~2 s
    GitHubClient client = client(PAIR, Duration.ofSeconds(1));
    GitHubClient first = client.forInstallation(Optional.of(1L));
    GitHubClient second = client.forInstallation(Optional.of(2L));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < end) {
      assertInstanceOf(GitHubResult.Ok.class, await(first.addLabels("octo/one", 1, List.of("bug"))));
      assertInstanceOf(GitHubResult.Ok.class, await(second.addLabels("octo/two", 2, List.of("bug"))));
      Thread.sleep(250);
    }
    assertTrue(app.tokensIssued(1) >= 3, "at least two renewals, got " + app.tokensIssued(1));
    assertTrue(app.tokensIssued(2) >= 3, "at least two renewals, got " + app.tokensIssued(2));
    List<FakeGitHubApp.AppWrite> writes = app.writes();
    assertFalse(writes.isEmpty());
    for (FakeGitHubApp.AppWrite w : writes) {
      assertFalse(w.expired(), "write with an expired token: " + w);
      assertEquals(w.path().contains("/octo/one/") ? 1L : 2L, w.installation(), w.toString());
    }
    assertEquals("app 42: installation token ok", client.authStatus());
  }

  @Test
  void aTokenGitHubRefusesIsRenewedOnceAndTheWriteRetried() throws Exception {
    FakeGitHubApp app = new FakeGitHubApp(42, "hls-test", (RSAPublicKey) PAIR.getPublic(), Duration.ofMinutes(30));
    fake = FakeGitHub.start("test-gh-unused").app(app);
    GitHubClient client = client(PAIR, Duration.ofMinutes(5)).forInstallation(Optional.of(7L));
    assertInstanceOf(GitHubResult.Ok.class, await(client.addLabels("octo/one", 1, List.of("bug"))));
    app.revokeTokens(); // the cached token still looks good for 25 minutes; GitHub's 401 says otherwise
    assertInstanceOf(GitHubResult.Ok.class, await(client.addLabels("octo/one", 1, List.of("bug"))));
    assertEquals(2, app.tokensIssued(7));
    assertEquals(List.of(false, true, false), app.writes().stream().map(FakeGitHubApp.AppWrite::expired).toList(),
        "ok, refused once, retried with the renewed token: " + app.writes());
    fake.script("POST", "/repos/octo/one/issues/1/labels", 5, FakeGitHub.error(401, "Bad credentials"));
    int before = fake.received("POST", "/repos/octo/one/issues/1/labels").size();
    assertEquals(401, assertInstanceOf(GitHubResult.HttpError.class,
        await(client.addLabels("octo/one", 1, List.of("bug")))).status());
    assertEquals(before + 2, fake.received("POST", "/repos/octo/one/issues/1/labels").size(), "retried once, not in a loop");
    assertEquals(3, app.tokensIssued(7));
  }

  @Test
  void aJwtFromTheWrongKeyIsRefusedAndHealthSaysWhyWithoutAToken() throws Exception {
    FakeGitHubApp app = new FakeGitHubApp(42, "hls-test", (RSAPublicKey) PAIR.getPublic(), Duration.ofSeconds(30));
    fake = FakeGitHub.start("test-gh-unused").app(app);
    GitHubClient client = client(AppKeys.generate(), Duration.ofSeconds(1)).forInstallation(Optional.of(1L));
    GitHubResult<?> r = await(client.addLabels("octo/one", 1, List.of("bug")));
    assertFalse(r instanceof GitHubResult.Ok, r.toString());
    assertEquals(0, app.tokensIssued(1));
    String status = client.authStatus();
    assertTrue(status.startsWith("app 42: cannot get an installation token: A JSON web token could not be decoded"), status);
    assertFalse(status.contains(FakeGitHubApp.TOKEN_PREFIX), status);
    assertTrue(fake.received().stream().noneMatch(q -> q.path().startsWith("/repos/")), "nothing sent without a token");
  }

  private GitHubClient client(KeyPair pair, Duration renewBefore) {
    Path pem = AppKeys.write(dir.resolve("k" + System.nanoTime() + ".pem"), AppKeys.pkcs1Pem(pair));
    AppPrivateKey key = AppPrivateKey.read(pem).key().orElseThrow();
    HlsConfig.App app = new HlsConfig.App(42, pem, key, Optional.empty(), renewBefore);
    HlsConfig.GitHub base = GitHubFixtures.live(fake.url());
    HlsConfig.GitHub config = new HlsConfig.GitHub(URI.create(fake.url()), Optional.empty(), Optional.empty(), false,
        base.writeInterval(), Optional.empty(), 1000, Duration.ofSeconds(5), Duration.ofMinutes(10), 200, Optional.of(app));
    return GitHubClient.create(kit.system(), config).orElseThrow();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}

package com.clidecoder.hls.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.testkit.AppKeys;
import com.clidecoder.hls.testkit.FakeAnthropic;
import com.clidecoder.hls.testkit.FakeGitHub;
import com.clidecoder.hls.testkit.FakeGitHubApp;
import com.clidecoder.hls.testkit.Payloads;
import com.clidecoder.hls.testkit.RunningService;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service as a GitHub App: deliveries of two installations are labelled and commented with that
 * installation's token, across several token renewals (tokens live 3 s here), and no write carries an
 * expired token.
 */
class GitHubAppEndToEndTest {
  private static final KeyPair PAIR = AppKeys.generate();
  @TempDir Path dir;
  private final FakeAnthropic anthropic = FakeAnthropic.start();
  private final FakeGitHubApp githubApp =
      new FakeGitHubApp(31337, "hls-e2e", (RSAPublicKey) PAIR.getPublic(), Duration.ofSeconds(3));
  private final FakeGitHub github = FakeGitHub.start("test-gh-not-the-app").app(githubApp)
      .labels("acme/one", "bug").labels("globex/two", "bug");
  private RunningService service;

  @AfterEach
  void stop() {
    if (service != null) service.close();
    anthropic.close();
    github.close();
  }

  @Test
  void deliveriesOfTwoInstallationsAreActedOnWithTheirOwnTokensAcrossRenewals() throws Exception {
    anthropic.answerAll(r -> FakeAnthropic.jsonAnswer(
        FakeAnthropic.analysisJson("A crash.", List.of("bug"), "Looks like a bug.", "high", 0.9), 100, 50));
    Path key = AppKeys.write(dir.resolve("app.pem"), AppKeys.pkcs1Pem(PAIR));
    service = new RunningService(dir.resolve("svc"), String.join("\n",
        "hls.claude.api-url = \"" + anthropic.url() + "\"",
        "hls.claude.api-key = \"test-ant-test-only\"",
        "hls.github.api-url = \"" + github.url() + "\"",
        "hls.github.write-interval = 20ms",
        "hls.github.app { id = 31337, private-key-file = \"" + key + "\", token-renew-before = 1s }",
        "hls.workers.poll-interval = 200ms",
        "hls.workers.backoff { min = 100ms, max = 300ms }"));
    for (int round = 1; round <= 3; round++) {
      long a = deliver("acme/one", 11, round);
      long b = deliver("globex/two", 22, round);
      service.awaitCompleted(a);
      service.awaitCompleted(b);
      Thread.sleep(2200); // past the renewal point of the tokens just used
    }
    assertEquals(List.of("bug"), github.issueLabels("acme/one", 1));
    assertEquals(List.of("bug"), github.issueLabels("globex/two", 3));
    for (int n = 1; n <= 3; n++) {
      assertEquals(1, github.comments("acme/one", n).size(), "one comment on acme/one#" + n);
      assertEquals(1, github.comments("globex/two", n).size(), "one comment on globex/two#" + n);
    }
    assertTrue(githubApp.tokensIssued(11) >= 3, "two renewals or more: " + githubApp.tokensIssued(11));
    assertTrue(githubApp.tokensIssued(22) >= 3, "two renewals or more: " + githubApp.tokensIssued(22));
    List<FakeGitHubApp.AppWrite> writes = githubApp.writes();
    assertTrue(writes.size() >= 12, "labels and comments of six deliveries: " + writes);
    for (FakeGitHubApp.AppWrite w : writes) {
      assertFalse(w.expired(), "write with an expired token: " + w);
      assertEquals(w.path().startsWith("/repos/acme/one/") ? 11L : 22L, w.installation(), w.toString());
    }
    assertTrue(github.received().stream().noneMatch(r -> "Bearer test-gh-not-the-app".equals(r.header("authorization"))),
        "the personal token is never used when the app is set");
    HttpResponse<String> health = service.get("/health");
    assertFalse(health.body().contains(FakeGitHubApp.TOKEN_PREFIX), "no token in /health: " + health.body());
  }

  private long deliver(String repo, long installation, int number) throws Exception {
    ObjectNode payload = (ObjectNode) Json.MAPPER.readTree(Payloads.issue(repo, number, "opened", "Crash " + number, "trace"));
    payload.putObject("installation").put("id", installation).put("node_id", "MDIz");
    HttpResponse<String> r = service.deliver("issues", "app-" + repo.replace('/', '-') + "-" + number, payload.toString());
    assertEquals(202, r.statusCode(), r.body());
    return Json.MAPPER.readTree(r.body()).path("id").asLong();
  }
}

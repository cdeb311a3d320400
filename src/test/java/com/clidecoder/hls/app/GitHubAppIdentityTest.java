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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running service as a GitHub App learns its bot login from {@code GET /app} and skips the events its own
 * bot caused, and {@code /health} says which identity is in use and whether it could get a token (never one).
 */
class GitHubAppIdentityTest {
  private static final KeyPair PAIR = AppKeys.generate();
  private static final long APP_ID = 31337;
  @TempDir Path dir;
  private final FakeAnthropic anthropic = FakeAnthropic.start();
  private final FakeGitHubApp githubApp =
      new FakeGitHubApp(APP_ID, "hls-e2e", (RSAPublicKey) PAIR.getPublic(), Duration.ofMinutes(30));
  private final FakeGitHub github = FakeGitHub.start("test-gh-not-the-app").app(githubApp).labels("acme/one", "bug");
  private RunningService service;

  @AfterEach
  void stop() {
    if (service != null) service.close();
    anthropic.close();
    github.close();
  }

  @Test
  void eventsCausedByTheAppsOwnBotAreSkippedEvenWhenTheSenderIsNotTypedBot() throws Exception {
    service = start(PAIR);
    long first = deliver(11, 1, "octocat", "User");
    service.awaitCompleted(first);
    List<FakeGitHub.Received> lookups = github.received("GET", "/app");
    assertEquals(1, lookups.size(), "GET /app once, at start");
    FakeGitHub.Received lookup = lookups.get(0);
    assertTrue(lookup.header("authorization").matches("Bearer eyJ[\\w-]+\\.[\\w-]+\\.[\\w-]+"),
        "the app JWT, not an installation token");
    assertEquals("application/vnd.github+json", lookup.header("accept"));
    assertEquals("2022-11-28", lookup.header("x-github-api-version"));
    assertEquals("hook-line-sinker", lookup.header("user-agent"));

    int analyses = anthropic.requestCount();
    long own = deliver(11, 2, "hls-e2e[bot]", "User"); // sender.type says User: only the learned login tells
    JsonNode skipped = awaitEvent(own, e -> e.path("status").asText().equals("skipped"));
    assertTrue(skipped.toString().contains("caused by a bot (hls-e2e[bot])"), skipped.toString());
    assertEquals(analyses, anthropic.requestCount(), "no analysis of the bot's own event");

    JsonNode health = Json.MAPPER.readTree(service.get("/health").body());
    assertEquals("app " + APP_ID + ": installation token ok", health.path("github_auth").asText(), health.toString());
    assertFalse(health.toString().contains(FakeGitHubApp.TOKEN_PREFIX), "no token in /health: " + health);
  }

  @Test
  void healthSaysWhyNoInstallationTokenCanBeHadWhenGitHubRefusesTheJwt() throws Exception {
    service = start(AppKeys.generate()); // a key GitHub does not know: every app JWT is refused
    // "unknown" until the supervisor has the actuator's first report (a message, so not at once under load).
    JsonNode before = awaitHealth(h -> !h.path("github_auth").asText().equals("unknown"));
    assertEquals("app " + APP_ID + ": no installation token yet", before.path("github_auth").asText(), before.toString());
    deliver(11, 1, "octocat", "User");
    JsonNode health = awaitHealth(h -> h.path("github_auth").asText().contains("cannot"));
    assertTrue(health.path("github_auth").asText().startsWith(
        "app " + APP_ID + ": cannot get an installation token: A JSON web token could not be decoded"), health.toString());
    assertFalse(health.toString().contains(FakeGitHubApp.TOKEN_PREFIX), health.toString());
    assertFalse(health.toString().contains("eyJ"), "no JWT in /health: " + health);
    assertEquals(0, githubApp.tokensIssued(11));
    assertEquals(1, github.received("GET", "/app").size(), "a refused GET /app is retried after 60 s, not at once");
  }

  private RunningService start(KeyPair key) {
    anthropic.answerAll(r -> FakeAnthropic.jsonAnswer(
        FakeAnthropic.analysisJson("A crash.", List.of("bug"), "Looks like a bug.", "high", 0.9), 100, 50));
    Path pem = AppKeys.write(dir.resolve("app-" + System.nanoTime() + ".pem"), AppKeys.pkcs1Pem(key));
    return new RunningService(dir.resolve("svc"), String.join("\n",
        "hls.claude.api-url = \"" + anthropic.url() + "\"",
        "hls.claude.api-key = \"test-ant-test-only\"",
        "hls.github.api-url = \"" + github.url() + "\"",
        "hls.github.write-interval = 20ms",
        "hls.github.app { id = " + APP_ID + ", private-key-file = \"" + pem + "\" }",
        "hls.workers.poll-interval = 200ms",
        "hls.workers.backoff { min = 100ms, max = 300ms }"));
  }

  private long deliver(long installation, int number, String login, String type) throws Exception {
    ObjectNode payload = (ObjectNode) Json.MAPPER.readTree(
        Payloads.issue("acme/one", number, "opened", "Crash " + number, "trace"));
    payload.putObject("installation").put("id", installation).put("node_id", "MDIz");
    payload.putObject("sender").put("login", login).put("type", type);
    HttpResponse<String> r = service.deliver("issues", "identity-" + number + "-" + type.toLowerCase() + "-" + installation, payload.toString());
    assertEquals(202, r.statusCode(), r.body());
    return Json.MAPPER.readTree(r.body()).path("id").asLong();
  }

  private JsonNode awaitEvent(long id, Predicate<JsonNode> until) throws Exception {
    return await(() -> Json.MAPPER.readTree(service.get("/api/events/" + id).body()), until);
  }

  private JsonNode awaitHealth(Predicate<JsonNode> until) throws Exception {
    return await(() -> Json.MAPPER.readTree(service.get("/health").body()), until);
  }

  private interface Read {
    JsonNode get() throws Exception;
  }

  private static JsonNode await(Read read, Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonNode last = read.get();
    while (!until.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      last = read.get();
    }
    assertTrue(until.test(last), "never got there: " + last);
    return last;
  }
}

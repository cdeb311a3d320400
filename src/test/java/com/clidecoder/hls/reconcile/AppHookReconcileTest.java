package com.clidecoder.hls.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.testkit.AppKeys;
import com.clidecoder.hls.testkit.FakeGitHub;
import com.clidecoder.hls.testkit.FakeGitHubApp;
import com.clidecoder.hls.testkit.FakeHookDeliveries;
import com.clidecoder.hls.testkit.Payloads;
import com.clidecoder.hls.testkit.RunningService;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** As a GitHub App, the reconciler reads the app's own hook with the app JWT (checked by the fake's public key). */
class AppHookReconcileTest {
  private static final KeyPair PAIR = AppKeys.generate();
  @TempDir Path dir;
  private final FakeGitHubApp githubApp = new FakeGitHubApp(4711, "hls-reconcile", (RSAPublicKey) PAIR.getPublic(),
      Duration.ofMinutes(10));
  private final FakeHookDeliveries hook = new FakeHookDeliveries("/app/hook");
  private final FakeGitHub github = FakeGitHub.start("test-gh-not-the-app").app(githubApp).hook(hook);
  private RunningService service;

  @AfterEach
  void stop() {
    if (service != null) service.close();
    github.close();
  }

  private RunningService start(KeyPair keys) throws Exception {
    Path key = AppKeys.write(dir.resolve("app-" + System.nanoTime() + ".pem"), AppKeys.pkcs1Pem(keys));
    RunningService s = new RunningService(dir.resolve("svc"), String.join("\n",
        "hls.github.api-url = \"" + github.url() + "\"",
        "hls.github.dry-run = false",
        "hls.github.app { id = 4711, private-key-file = \"" + key + "\", installation-id = 5 }"));
    hook.receiver(s.url() + "/webhook");
    return s;
  }

  @Test
  void theAppsHookIsReadAndRedeliveredWithTheAppJwt() throws Exception {
    service = start(PAIR);
    hook.failed("app-lost-1", "issues", "opened", Payloads.issue("acme/app", 9, "opened", "Lost", "B."), 0,
        Instant.now().minusSeconds(120));
    HttpResponse<String> r = service.post("/api/deliveries/redeliver");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode report = Json.MAPPER.readTree(r.body());
    assertEquals(1, report.path("redeliveries_asked").asInt(), report.toPrettyString());
    assertEquals(List.of(hook.attempts().get(0).id()), hook.asked());
    List<FakeGitHub.Received> reads = github.received("GET", "/app/hook/deliveries");
    assertEquals(1, reads.size());
    assertTrue(reads.get(0).header("authorization").startsWith("Bearer eyJ"), "a JWT, not an installation token");
    assertTrue(github.received("POST", "/app/installations/.*").isEmpty(), "no installation token was needed");
  }

  @Test
  void aJwtByAnotherKeyIsAClearHookProblemNotACrash() throws Exception {
    service = start(AppKeys.generate());
    HttpResponse<String> r = service.get("/api/deliveries");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode hookState = Json.MAPPER.readTree(r.body()).path("hooks").get(0);
    assertTrue(hookState.path("problem").asText().contains("401"), hookState.toString());
    assertFalse(r.body().contains("eyJ"), "no JWT in the answer");
  }
}

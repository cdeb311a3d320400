package com.clidecoder.hls.intake;

import static com.clidecoder.hls.intake.WebhookRouteTest.json;
import static com.clidecoder.hls.intake.WebhookRouteTest.reply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.testkit.IntakeHarness;
import com.clidecoder.hls.testkit.IntakeHarnesses;
import com.clidecoder.hls.testkit.JupiterRouteTest;
import com.clidecoder.hls.testkit.WriteLock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the webhook route reports to metrics for each answer, and the commit timeout. Both are decided in
 * the route's own code on the hot path (not by directives around it), so they are pinned here.
 */
// "try": a held WriteLock is used only for its effect on the database file.
@SuppressWarnings("try")
class WebhookOutcomesTest extends JupiterRouteTest {
  @TempDir Path dir;
  private final IntakeHarnesses harnesses = new IntakeHarnesses();
  private final List<String> outcomes = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void tearDown() throws Exception {
    harnesses.close();
    outcomes.clear();
  }

  private IntakeHarness harness(String hocon) {
    return harnesses.open(dir, hocon, system());
  }

  private TestRouteResult post(IntakeHarness h, HttpRequest request) {
    WebhookRoute route = new WebhookRoute(() -> h.config, h.writer, () -> {}, (type, outcome) -> outcomes.add(type + ":" + outcome),
        refusal -> outcomes.add("refused:" + refusal.label));
    return testRoute(route.route()).run(request);
  }

  @Test
  void everyAnswerIsReportedOnceByEventTypeAndOutcome() {
    IntakeHarness h = harness("hls.github.webhook-secret = \"s3cret\"");
    byte[] body = WebhookFixtures.own("issues.opened.json");
    String signature = new SignatureVerifier(com.clidecoder.hls.config.Secret.of("s3cret")).sign(body);
    HttpRequest signed = json("issues", "o-1", body).addHeader(RawHeader.create("X-Hub-Signature-256", signature));
    byte[] ping = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String pingSignature = new SignatureVerifier(com.clidecoder.hls.config.Secret.of("s3cret")).sign(ping);

    assertEquals(202, post(h, signed).statusCode());
    assertEquals(200, post(h, signed).statusCode());
    assertEquals(200, post(h, json("ping", "o-2", ping).addHeader(RawHeader.create("X-Hub-Signature-256", pingSignature))).statusCode());
    byte[] broken = "{\"action\":".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    HttpRequest signedBroken = json("issues", "o-7", broken).addHeader(RawHeader.create("X-Hub-Signature-256",
        new SignatureVerifier(com.clidecoder.hls.config.Secret.of("s3cret")).sign(broken)));
    assertEquals(400, post(h, signedBroken).statusCode());
    assertEquals(401, post(h, json("made_up_event", "o-8", body)).statusCode());
    assertEquals(401, post(h, json("issues", "o-3", body)).statusCode());
    assertEquals(400, post(h, json(null, "o-4", body)).statusCode());
    assertEquals(400, post(h, json("Not An Event", "o-5", body)).statusCode());
    assertEquals(400, post(h, json("issues", null, body)).statusCode());
    assertEquals(415, post(h, WebhookRouteTest.delivery("pull_request", "o-6", HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "x"))).statusCode());
    assertEquals(405, post(h, HttpRequest.GET("/webhook")).statusCode());

    // Refusals are reported by reason class; by event type only once the signature is good, so an
    // unsigned request's X-GitHub-Event reaches no label.
    assertEquals(List.of("issues:queued", "issues:duplicate", "ping:ignored", "refused:payload", "issues:rejected",
        "refused:signature", "refused:signature", "refused:headers", "refused:headers", "refused:headers",
        "refused:media_type"), outcomes, "the 405 is not a delivery and is not reported");
  }

  @Test
  void aCommitThatOutlastsTheCommitTimeoutIs503AndStillCountsWhenItLands() throws Exception {
    IntakeHarness h = harness("hls.server.commit-timeout = 1s\nhls.database.busy-timeout = 30s");
    byte[] body = WebhookFixtures.own("issues.opened.json");
    try (WriteLock held = WriteLock.hold(h.db.path())) {
      long start = System.nanoTime();
      TestRouteResult r = post(h, json("issues", "slow-1", body));
      int status = r.statusCode(); // waits for the answer
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(503, status, r.entityString());
      assertEquals("the delivery was not committed within 1s; retry later", reply(r).get("reason").asText());
      assertTrue(tookMillis >= 1000, "answered after the timeout, not before: " + tookMillis + " ms");
      assertEquals(List.of("refused:unavailable", "issues:unavailable"), outcomes);
    }
    // The writer was still waiting for the lock; its late commit stands, and GitHub's retry is a duplicate.
    TestRouteResult retry = post(h, json("issues", "slow-1", body));
    assertEquals(200, retry.statusCode(), retry.entityString());
    assertEquals("duplicate", reply(retry).get("status").asText());
    assertEquals(1, h.rows());
  }
}

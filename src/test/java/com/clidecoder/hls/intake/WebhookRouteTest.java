package com.clidecoder.hls.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.domain.QueuedEvent;
import com.clidecoder.hls.testkit.IntakeHarness;
import com.clidecoder.hls.testkit.IntakeHarnesses;
import com.clidecoder.hls.testkit.JupiterRouteTest;
import com.clidecoder.hls.testkit.WriteLock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook route through pekko-http-testkit, over a real SQLite file and the real group-commit writer. */
// "try": a held WriteLock is used only for its effect on the database file.
@SuppressWarnings("try")
class WebhookRouteTest extends JupiterRouteTest {
  static final String GITHUB_VECTOR_SECRET = "It's a Secret to Everybody";

  private Path dir;
  private final IntakeHarnesses harnesses = new IntakeHarnesses();
  private final AtomicInteger wakeUps = new AtomicInteger();

  @BeforeEach
  void setUp(@TempDir Path dir) {
    this.dir = dir;
    wakeUps.set(0);
  }

  @AfterEach
  void tearDown() throws Exception {
    harnesses.close();
  }

  private IntakeHarness harness(String hocon) {
    return harnesses.open(dir, hocon, system());
  }

  private TestRouteResult post(IntakeHarness h, HttpRequest request) {
    return testRoute(new WebhookRoute(() -> h.config, h.writer, wakeUps::incrementAndGet, (type, outcome) -> {}).route()).run(request);
  }

  static HttpRequest delivery(String event, String deliveryId, RequestEntity entity) {
    HttpRequest r = HttpRequest.POST("/webhook").withEntity(entity);
    if (event != null) r = r.addHeader(RawHeader.create("X-GitHub-Event", event));
    if (deliveryId != null) r = r.addHeader(RawHeader.create("X-GitHub-Delivery", deliveryId));
    return r;
  }

  static HttpRequest json(String event, String deliveryId, byte[] body) {
    return delivery(event, deliveryId, HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  static JsonNode reply(TestRouteResult r) {
    try {
      return Json.MAPPER.readTree(r.entityString());
    } catch (Exception e) {
      throw new AssertionError("reply is not JSON: " + r.entityString(), e);
    }
  }

  private void assertLands(IntakeHarness h, WebhookFixtures f, String deliveryId) {
    TestRouteResult r = post(h, json(f.event(), deliveryId, f.body()));
    JsonNode body = reply(r);
    if (f.expectQueued()) {
      assertEquals(202, r.statusCode(), f.file() + ": " + body);
      assertEquals("queued", body.get("status").asText(), f.file());
      assertEquals(deliveryId, body.get("delivery_id").asText());
      QueuedEvent stored = h.event(body.get("id").asLong()).orElseThrow();
      assertEquals(new String(f.body(), StandardCharsets.UTF_8), stored.payloadJson(), f.file() + " payload");
      assertEquals(f.event(), stored.eventType());
      assertEquals(deliveryId, stored.deliveryId());
    } else {
      assertEquals(200, r.statusCode(), f.file() + ": " + body);
      assertEquals("ignored", body.get("status").asText(), f.file());
      assertTrue(body.get("reason").asText().contains(f.event()), f.file() + " reason names the event: " + body);
    }
  }

  @Test
  void everySharedFixtureLandsAsItsManifestImplies() {
    IntakeHarness h = harness("");
    List<WebhookFixtures> fixtures = WebhookFixtures.shared();
    for (WebhookFixtures f : fixtures) assertLands(h, f, "shared-" + f.file());
    assertEquals(fixtures.stream().filter(WebhookFixtures::expectQueued).count(), h.rows());
    assertEquals(h.rows(), wakeUps.get(), "one wake-up per queued event");
  }

  @Test
  void ownGitHubShapedPayloadsLandAsTheirManifestSays() {
    IntakeHarness h = harness("");
    List<WebhookFixtures> fixtures = WebhookFixtures.own();
    for (WebhookFixtures f : fixtures) assertLands(h, f, "own-" + f.file());
    assertEquals(4, h.rows());
  }

  @Test
  void bodyArrivingInPiecesIsReadWholeLikeOneThatArrivedWithItsHeaders() {
    IntakeHarness h = harness("");
    byte[] body = WebhookFixtures.own("issues.opened.json");
    List<ByteString> pieces = new ArrayList<>();
    for (int at = 0; at < body.length; at += 100) {
      pieces.add(ByteString.fromArray(body, at, Math.min(100, body.length - at)));
    }
    // A streamed entity (the body came after the headers) takes the toStrict path; a strict one does not.
    RequestEntity streamed = HttpEntities.createChunked(ContentTypes.APPLICATION_JSON, Source.from(pieces));
    JsonNode viaStream = reply(post(h, delivery("issues", "pieces-1", streamed)).assertStatusCode(202));
    JsonNode viaStrict = reply(post(h, json("issues", "whole-1", body)).assertStatusCode(202));
    String expected = new String(body, StandardCharsets.UTF_8);
    assertEquals(expected, h.event(viaStream.get("id").asLong()).orElseThrow().payloadJson());
    assertEquals(expected, h.event(viaStrict.get("id").asLong()).orElseThrow().payloadJson());
    assertEquals(2, h.rows());
  }

  @Test
  void eventNameWithDigitsIsIgnoredNotRefused() {
    // GitHub's projects_v2_item: the event-name check once allowed only letters and underscores.
    IntakeHarness h = harness("");
    byte[] body = "{\"action\":\"edited\",\"projects_v2_item\":{\"id\":1}}".getBytes(StandardCharsets.UTF_8);
    JsonNode reply = reply(post(h, json("projects_v2_item", "digits-1", body)).assertStatusCode(200));
    assertEquals("ignored", reply.get("status").asText(), reply.toString());
    assertEquals(0, h.rows());
  }

  @Test
  void duplicateDeliveryIsAcknowledgedWithoutSecondRow() {
    IntakeHarness h = harness("");
    byte[] body = WebhookFixtures.own("issues.opened.json");
    JsonNode first = reply(post(h, json("issues", "dup-1", body)).assertStatusCode(202));
    TestRouteResult again = post(h, json("issues", "dup-1", WebhookFixtures.own("pull_request.opened.json")));
    JsonNode second = reply(again);
    assertEquals(200, again.statusCode());
    assertEquals("duplicate", second.get("status").asText());
    assertEquals(first.get("id").asLong(), second.get("id").asLong());
    assertEquals("dup-1", second.get("delivery_id").asText());
    assertEquals(1, h.rows());
    assertEquals(new String(body, StandardCharsets.UTF_8), h.event(first.get("id").asLong()).orElseThrow().payloadJson(),
        "the first delivery's body stays");
    assertEquals(1, wakeUps.get(), "a duplicate does not wake the pipeline");
  }

  @Test
  void githubVectorSignaturePassesTheCheck() {
    IntakeHarness h = harness("hls.github.webhook-secret = \"" + GITHUB_VECTOR_SECRET + "\"");
    // The vector's payload is not JSON: a 400 for the body (not a 401) shows the signature was accepted.
    HttpRequest request = json("issues", "vector", "Hello, World!".getBytes(StandardCharsets.UTF_8))
        .addHeader(RawHeader.create("X-Hub-Signature-256",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
    TestRouteResult r = post(h, request);
    assertEquals(400, r.statusCode(), r.entityString());
    assertTrue(reply(r).get("reason").asText().contains("JSON"), r.entityString());
    assertEquals(0, h.rows());
  }

  @Test
  void signedDeliveryIsQueuedAndWrongOrMissingSignaturesAre401WithNothingStored() {
    IntakeHarness h = harness("hls.github.webhook-secret = \"" + GITHUB_VECTOR_SECRET + "\"");
    byte[] body = WebhookFixtures.own("issues.opened.json");
    String good = new SignatureVerifier(com.clidecoder.hls.config.Secret.of(GITHUB_VECTOR_SECRET)).sign(body);
    List<String> wrong = List.of(
        // the vector's negative values: right payload with \n, typographic apostrophe, legacy SHA-1
        "sha256=8fde2e970f9163923fb1cb61bb945626ff2b4091d87e622ee3ad600160592325",
        "sha256=015aa23e001012e1db9b8d38348a033d9465d85a466b60696d7224abc059d713",
        "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59",
        "sha256=01dc10d0c83e72ed246219cdd91669667fe2ca59",
        good.substring("sha256=".length()),
        good.substring(0, good.length() - 1) + (good.endsWith("0") ? "1" : "0"),
        "sha256=not-hex");
    for (String signature : wrong) {
      TestRouteResult r = post(h, json("issues", "sig-" + wrong.indexOf(signature), body)
          .addHeader(RawHeader.create("X-Hub-Signature-256", signature)));
      assertEquals(401, r.statusCode(), signature);
      assertEquals("rejected", reply(r).get("status").asText());
    }
    TestRouteResult missing = post(h, json("issues", "sig-missing", body));
    assertEquals(401, missing.statusCode());
    assertTrue(reply(missing).get("reason").asText().contains("required"));
    assertEquals(0, h.rows());

    post(h, json("issues", "sig-good", body).addHeader(RawHeader.create("X-Hub-Signature-256", good)))
        .assertStatusCode(202);
    assertEquals(1, h.rows());
  }

  @Test
  void signatureIsNotRequiredWhenValidationIsOff() {
    IntakeHarness h = harness("hls.github.webhook-secret = \"s3cret\"\nhls.features.signature-validation = false");
    post(h, json("issues", "unsigned", WebhookFixtures.own("issues.opened.json"))).assertStatusCode(202);
  }

  @Test
  void formEncodedBodyIsQueuedWithItsPayloadFieldAndSignedOverTheRawBody() {
    IntakeHarness h = harness("hls.github.webhook-secret = \"" + GITHUB_VECTOR_SECRET + "\"");
    String payload = new String(WebhookFixtures.own("issues.opened.json"), StandardCharsets.UTF_8);
    byte[] form = ("payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);
    String signature = new SignatureVerifier(com.clidecoder.hls.config.Secret.of(GITHUB_VECTOR_SECRET)).sign(form);
    HttpRequest request = delivery("issues", "form-1", HttpEntities.create(ContentTypes.APPLICATION_X_WWW_FORM_URLENCODED, form))
        .addHeader(RawHeader.create("X-Hub-Signature-256", signature));
    JsonNode body = reply(post(h, request).assertStatusCode(202));
    assertEquals(payload, h.event(body.get("id").asLong()).orElseThrow().payloadJson());
  }

  @Test
  void eachClientMistakeIsRefusedWithItsStatusAndNothingStored() {
    IntakeHarness h = harness("hls.server.max-payload-bytes = 2048");
    byte[] ok = "{\"action\":\"opened\",\"repository\":{\"full_name\":\"hls-test/sandbox\"}}".getBytes(StandardCharsets.UTF_8);
    byte[] big = new byte[4096];
    java.util.Arrays.fill(big, (byte) ' ');
    big[0] = '{';
    big[big.length - 1] = '}';
    record Case(String name, HttpRequest request, int status) {}
    List<Case> cases = List.of(
        new Case("missing event header", json(null, "m-1", ok), 400),
        new Case("missing delivery header", json("issues", null, ok), 400),
        new Case("blank delivery header", json("issues", " ", ok), 400),
        new Case("malformed JSON", json("issues", "m-2", "{\"action\":".getBytes(StandardCharsets.UTF_8)), 400),
        new Case("trailing data", json("issues", "m-3", concat(ok, " {}".getBytes(StandardCharsets.UTF_8))), 400),
        new Case("two documents", json("issues", "m-4", concat(ok, ok)), 400),
        new Case("not an object", json("issues", "m-5", "[1,2]".getBytes(StandardCharsets.UTF_8)), 400),
        new Case("empty body", json("issues", "m-6", new byte[0]), 400),
        new Case("invalid UTF-8", json("issues", "m-7", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'}), 400),
        new Case("no repository.full_name", json("issues", "m-8", "{\"action\":\"opened\",\"repository\":{}}".getBytes(StandardCharsets.UTF_8)), 400),
        new Case("form without payload", delivery("issues", "m-9",
            HttpEntities.create(ContentTypes.APPLICATION_X_WWW_FORM_URLENCODED, "other=1")), 400),
        new Case("form with bad escape", delivery("issues", "m-10",
            HttpEntities.create(ContentTypes.APPLICATION_X_WWW_FORM_URLENCODED, "payload=%7")), 400),
        new Case("text/plain", delivery("issues", "m-11", HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, ok)), 415),
        new Case("no content type", delivery("issues", "m-12", HttpEntities.create(ok)), 415),
        new Case("declared length over the cap", json("issues", "m-13", big), 413),
        new Case("chunked body growing over the cap", delivery("issues", "m-14", HttpEntities.createChunked(
            ContentTypes.APPLICATION_JSON, Source.from(List.of(ByteString.fromArray(big), ByteString.fromArray(big))))), 413));
    for (Case c : cases) {
      TestRouteResult r = post(h, c.request());
      assertEquals(c.status(), r.statusCode(), c.name() + ": " + r.entityString());
      JsonNode body = reply(r);
      assertEquals("rejected", body.get("status").asText(), c.name());
      assertTrue(!body.get("reason").asText().isBlank(), c.name());
    }
    assertEquals(0, h.rows(), "nothing stored");
    post(h, json("issues", "m-ok", ok)).assertStatusCode(202);
    assertEquals(1, h.rows(), "a well-formed delivery still goes through");
  }

  @Test
  void repositoriesNotConfiguredDisabledOrWithoutTheEventAreIgnored() {
    IntakeHarness h = harness("""
        hls.repositories = [
          { name = "hls-test/sandbox", enabled = false }
          { name = "acme/*", enabled = true, events = [issues] }
          { name = "acme/special", enabled = true, events = [pull_request] }
        ]""");
    record Case(String repo, String event, String reason) {}
    for (Case c : List.of(
        new Case("hls-test/sandbox", "issues", "repository hls-test/sandbox is disabled"),
        new Case("acme/widgets", "pull_request", "event pull_request is not enabled for acme/widgets"),
        new Case("acme/special", "issues", "event issues is not enabled for acme/special"),
        new Case("other/repo", "issues", "repository other/repo is not configured"))) {
      TestRouteResult r = post(h, json(c.event(), "ign-" + c.repo() + c.event(), withRepository(c.repo())));
      assertEquals(200, r.statusCode(), c.toString());
      assertEquals("ignored", reply(r).get("status").asText());
      assertEquals(c.reason(), reply(r).get("reason").asText());
    }
    assertEquals(0, h.rows());
    post(h, json("issues", "ok-acme", withRepository("acme/widgets"))).assertStatusCode(202);
    post(h, json("pull_request", "ok-special", withRepository("acme/special"))).assertStatusCode(202);
    assertEquals(2, h.rows());
  }

  @Test
  void pingIsIgnoredWithItsReason() {
    IntakeHarness h = harness("");
    TestRouteResult r = post(h, json("ping", "p-1", WebhookFixtures.own("ping.json")));
    assertEquals(200, r.statusCode());
    assertEquals("{\"status\":\"ignored\",\"reason\":\"ping\"}", r.entityString());
    assertEquals(0, h.rows());
  }

  @Test
  void databaseThatCannotCommitAnswers503AndAcknowledgesNothing() throws Exception {
    IntakeHarness h = harness("hls.database.busy-timeout = 200ms");
    byte[] body = WebhookFixtures.own("issues.opened.json");
    try (WriteLock held = WriteLock.hold(h.db.path())) {
      TestRouteResult r = post(h, json("issues", "locked-1", body));
      assertEquals(503, r.statusCode(), r.entityString());
      assertEquals("rejected", reply(r).get("status").asText());
    }
    assertEquals(0, h.rows());
    assertEquals(0, wakeUps.get());
    // GitHub's redelivery after the outage is stored normally.
    TestRouteResult after = post(h, json("issues", "locked-1", body));
    assertEquals(202, after.statusCode(), after.entityString());
  }

  @Test
  void otherMethodsOnTheWebhookPathAre405() {
    IntakeHarness h = harness("");
    TestRouteResult r = post(h, HttpRequest.GET("/webhook"));
    assertEquals(405, r.statusCode());
    assertEquals("rejected", reply(r).get("status").asText());
  }

  @Test
  void configuredWebhookPathIsServed() {
    IntakeHarness h = harness("hls.server.webhook-path = \"/hooks/github\"");
    HttpRequest request = json("issues", "path-1", WebhookFixtures.own("issues.opened.json")).withUri("/hooks/github");
    post(h, request).assertStatusCode(202);
  }

  static byte[] withRepository(String fullName) {
    try {
      ObjectNode root = (ObjectNode) Json.MAPPER.readTree(WebhookFixtures.own("issues.opened.json"));
      ((ObjectNode) root.get("repository")).put("full_name", fullName);
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

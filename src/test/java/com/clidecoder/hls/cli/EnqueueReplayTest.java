package com.clidecoder.hls.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.cli.CliHarness.Run;
import com.clidecoder.hls.config.Secret;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.spool.DeliveryIds;
import com.clidecoder.hls.spool.Spool;
import com.clidecoder.hls.testkit.TestConfigs;
import com.clidecoder.hls.testkit.JsonExchange;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code enqueue} and {@code replay} against a fake intake on loopback that answers in the contract's
 * wire format (202 queued, 200 duplicate for a delivery id seen before, 200 ignored for ping, 401 for a
 * bad signature) and records what it received.
 */
class EnqueueReplayTest {
  static final String SECRET = "hook-secret";

  record Received(Map<String, String> headers, byte[] body) {}

  @TempDir Path dir;
  HttpServer intake;
  final List<Received> received = new CopyOnWriteArrayList<>();
  final Map<String, Long> seen = new HashMap<>();
  final AtomicLong ids = new AtomicLong();
  Map<String, String> env;
  String config;

  @BeforeEach
  void startIntake() throws IOException {
    intake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    intake.createContext("/webhook", this::answer);
    intake.start();
    env = Map.of("HLS_URL", "http://127.0.0.1:" + intake.getAddress().getPort(), "HLS_WEBHOOK_SECRET", SECRET);
    config = TestConfigs.load(dir, "").hls().sourceFile().orElseThrow().toString();
  }

  @AfterEach
  void stopIntake() {
    intake.stop(0);
  }

  private synchronized void answer(HttpExchange x) throws IOException {
    byte[] body = x.getRequestBody().readAllBytes();
    Map<String, String> h = new HashMap<>();
    x.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(), v.get(0)));
    received.add(new Received(h, body));
    String delivery = h.get("x-github-delivery");
    int status;
    String reply;
    if (!Deliveries.sign(body, Secret.of(SECRET)).equals(h.get("x-hub-signature-256"))) {
      status = 401;
      reply = "{\"status\":\"rejected\",\"reason\":\"signature does not match\"}";
    } else if ("ping".equals(h.get("x-github-event"))) {
      status = 200;
      reply = "{\"status\":\"ignored\",\"reason\":\"ping\"}";
    } else if (seen.containsKey(delivery)) {
      status = 200;
      reply = "{\"status\":\"duplicate\",\"id\":" + seen.get(delivery) + ",\"delivery_id\":\"" + delivery + "\"}";
    } else {
      seen.put(delivery, ids.incrementAndGet());
      status = 202;
      reply = "{\"status\":\"queued\",\"id\":" + seen.get(delivery) + ",\"delivery_id\":\"" + delivery + "\"}";
    }
    JsonExchange.reply(x, status, reply);
  }

  @Test
  void enqueueSendsASignedDeliveryWithRepositoryAndActionFilledIn() throws Exception {
    Run r = CliHarness.run(env, "enqueue", "octo/demo", "issues", "opened",
        "{\"issue\":{\"number\":7,\"title\":\"Crash\"}}", "--delivery", "manual-1", "--config", config);
    assertEquals(0, r.exit(), r.err());
    assertEquals("queued id=1 delivery=manual-1", r.out().strip());
    Received got = received.get(0);
    assertEquals("issues", got.headers().get("x-github-event"));
    assertEquals("manual-1", got.headers().get("x-github-delivery"));
    assertTrue(got.headers().get("content-type").startsWith("application/json"));
    JsonNode body = Json.MAPPER.readTree(got.body());
    assertEquals("opened", body.path("action").asText());
    assertEquals("octo/demo", body.path("repository").path("full_name").asText());
    assertEquals("octo", body.path("repository").path("owner").path("login").asText());
    assertEquals(7, body.path("issue").path("number").asInt());

    Run again = CliHarness.run(env, "enqueue", "octo/demo", "issues", "opened", "{}", "--delivery", "manual-1", "--config", config);
    assertEquals("duplicate id=1 delivery=manual-1", again.out().strip());

    Map<String, String> wrongSecret = Map.of("HLS_URL", env.get("HLS_URL"), "HLS_WEBHOOK_SECRET", "other");
    Run refused = CliHarness.run(wrongSecret, "enqueue", "octo/demo", "issues", "opened", "{}", "--config", config);
    assertEquals(1, refused.exit());
    assertTrue(refused.err().strip().endsWith("hls enqueue: rejected (HTTP 401): signature does not match"), refused.err());
  }

  @Test
  void enqueueWithoutDeliveryWarnsAndDerivesTheIdFromThePayloadSoARepeatIsADuplicate() throws Exception {
    String payload = "{\"issue\":{\"number\":8,\"title\":\"Same twice\"}}";
    Run first = CliHarness.run(env, "enqueue", "octo/demo", "issues", "opened", payload, "--config", config);
    assertEquals(0, first.exit(), first.err());
    assertTrue(first.err().contains("WARNING: no --delivery given"), first.err());
    String delivery = received.get(0).headers().get("x-github-delivery");
    assertEquals(DeliveryIds.derivedFrom(received.get(0).body()), delivery);
    assertTrue(delivery.matches("sha256-[0-9a-f]{32}"), delivery);
    Run second = CliHarness.run(env, "enqueue", "octo/demo", "issues", "opened", payload, "--config", config);
    assertEquals("duplicate id=1 delivery=" + delivery, second.out().strip());
    Run other = CliHarness.run(env, "enqueue", "octo/demo", "issues", "opened", "{\"issue\":{\"number\":9}}", "--config", config);
    assertTrue(other.out().startsWith("queued id=2 "), other.out());
  }

  @Test
  void replaySendsSpooledDeliveriesInOrderByteForByteAndCountsOutcomes() throws Exception {
    Path spool = Files.createDirectories(dir.resolve("spool"));
    byte[] first = "{\"action\":\"opened\",\"issue\":{\"number\":1},  \"repository\":{\"full_name\":\"o/r\"}}".getBytes(StandardCharsets.UTF_8);
    Path folder = Files.createDirectories(spool.resolve("0001-a"));
    Files.write(folder.resolve("body.json"), first);
    Files.writeString(folder.resolve("headers"), "# saved by the spool\nX-GitHub-Event: issues\nX-GitHub-Delivery: d-1\nHost: example\n");
    spooled(spool, "0002-b", "issues", "d-2", "{\"action\":\"closed\"}");
    pair(spool, "0003-c", "issues", "d-1", "{\"action\":\"opened\"}");
    spooled(spool, "0004-d", "ping", "d-4", "{\"zen\":\"Keep it simple\"}");
    Files.writeString(spool.resolve("0005-e.json"), "{}"); // saved without headers: unreadable
    Files.writeString(spool.resolve("0006-f.body"), "{}"); // a spool write in progress: left alone
    Files.writeString(spool.resolve(".0006-f.headers.tmp"), "X-GitHub-Event: issues\n");

    Run r = CliHarness.run(env, "replay", spool.toString(), "--config", config);

    assertEquals(1, r.exit(), "an unreadable entry makes the exit non-zero");
    assertEquals("replayed 4 deliveries: 2 queued, 1 duplicate, 1 ignored, 0 rejected, 1 unreadable", r.out().strip());
    assertTrue(r.err().contains("skipped " + spool.resolve("0005-e.json") + ": no headers file beside it"), r.err());
    assertTrue(r.err().contains("left " + spool.resolve("0006-f.body") + ": its .headers is not there"), r.err());
    assertEquals(List.of("d-1", "d-2", "d-1", "d-4"), received.stream().map(x -> x.headers().get("x-github-delivery")).toList());
    assertArrayEquals(first, received.get(0).body(), "the body is sent byte for byte");
    assertFalse(received.get(0).headers().containsKey("host") && received.get(0).headers().get("host").equals("example"));
  }

  @Test
  void replayKeepsASavedSignatureRemovesTakenEntriesAndShowsProgress() throws Exception {
    Path spool = Files.createDirectories(dir.resolve("home/spool"));
    for (int i = 0; i < 150; i++) spooled(spool, String.format("%04d", i), "issues", "bulk-" + i, "{\"n\":" + i + "}");
    Path forged = spool.resolve("9999.headers");
    Files.writeString(spool.resolve("9999.body"), "{\"n\":-1}");
    Files.writeString(forged, "X-GitHub-Event: issues\nX-GitHub-Delivery: forged\nX-Hub-Signature-256: sha256=00\n");

    // No DIR: the spool of bin/queue-hls-event, spool/ in the HLS folder that bin/hls exports as HLS_HOME.
    Map<String, String> withHome = new HashMap<>(env);
    withHome.put("HLS_HOME", dir.resolve("home").toString());
    String relativeSpool = TestConfigs.load(dir, "hls.spool.dir = spool").hls().sourceFile().orElseThrow().toString();
    Run r = CliHarness.run(withHome, "replay", "--remove", "--config", relativeSpool);

    assertEquals(1, r.exit(), r.out() + r.err());
    assertEquals("replayed 151 deliveries: 150 queued, 0 duplicate, 0 ignored, 1 rejected, 0 unreadable", r.out().strip());
    assertTrue(r.err().contains("replay: 100/151 sent (100 queued"), r.err());
    assertTrue(r.err().contains("9999.headers: rejected (HTTP 401): signature does not match"), r.err());
    assertEquals("sha256=00", received.get(150).headers().get("x-hub-signature-256"), "a saved signature is not replaced");
    try (var left = Files.list(spool)) {
      assertEquals(List.of(Spool.REJECTED), left.map(p -> p.getFileName().toString()).sorted().toList(),
          "taken entries are removed, the refused one is moved out of the way");
    }
    try (var kept = Files.list(spool.resolve(Spool.REJECTED))) {
      assertEquals(List.of("9999.body", "9999.headers", "9999.reason"), kept.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals("HLS refused it (HTTP 401): signature does not match\n",
        Files.readString(spool.resolve(Spool.REJECTED).resolve("9999.reason")));
  }

  @Test
  void replayOfOneFileSendsItsEntry() throws Exception {
    spooled(dir, "one", "issues", "single", "{}");
    Run r = CliHarness.run(env, "replay", dir.resolve("one.body").toString(), "--config", config);
    assertEquals(0, r.exit(), r.err());
    assertEquals("replayed 1 delivery: 1 queued, 0 duplicate, 0 ignored, 0 rejected, 0 unreadable", r.out().strip());
  }

  @Test
  void replayOfAMissingPathIsAUsageError() {
    Run r = CliHarness.run(env, "replay", dir.resolve("nope").toString(), "--config", config);
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("does not exist"), r.err());
  }

  /** What bin/queue-hls-event writes when HLS is unreachable: NAME.body, then NAME.headers. */
  private static void spooled(Path spool, String name, String event, String delivery, String body) throws IOException {
    Files.writeString(spool.resolve(name + ".body"), body);
    Files.writeString(spool.resolve(name + ".headers"), "Content-Type: application/json\nX-GitHub-Event: " + event
        + "\nX-GitHub-Delivery: " + delivery + "\nUser-Agent: hls-queue-event\n");
  }

  private static void pair(Path spool, String name, String event, String delivery, String body) throws IOException {
    Files.writeString(spool.resolve(name + ".json"), body);
    Files.writeString(spool.resolve(name + ".headers"), "X-GitHub-Event: " + event + "\nX-GitHub-Delivery: " + delivery
        + "\nUser-Agent: GitHub-Hookshot/abc\nContent-Type: application/json\n");
  }
}

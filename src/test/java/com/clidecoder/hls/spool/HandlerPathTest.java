package com.clidecoder.hls.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.app.HlsApp;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.Secret;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.intake.SignatureVerifier;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.testkit.Payloads;
import com.clidecoder.hls.testkit.HandlerScripts;
import com.clidecoder.hls.testkit.HandlerScripts.Run;
import com.clidecoder.hls.testkit.TestConfigs;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handler path end to end with real processes: bin/queue-hls-event (and the handler snippet run as
 * adnanh/webhook runs it from deploy/hooks.json) against a real HLS on loopback, whose spool drainer
 * sends what was spooled without anyone running replay.
 */
class HandlerPathTest {
  private static final Path PROJECT = Path.of(System.getProperty("hls.project.dir", ".")).toAbsolutePath();
  private static final String SECRET = "handler-path-secret";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private HlsApp app;


  @AfterEach
  void stop() throws Exception {
    if (app != null) app.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private Path spool() {
    return dir.resolve("spool"); // TestConfigs puts hls.spool.dir there
  }

  private String start(String hocon) throws Exception {
    app = HlsApp.start(TestConfigs.load(dir, hocon)).toCompletableFuture().get(60, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + app.port();
  }

  private Run run(List<String> command, Map<String, String> env, byte[] stdin) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(Map.of("HLS_SPOOL_DIR", spool().toString()));
    all.putAll(env);
    return HandlerScripts.run(command, dir, all, stdin);
  }

  private Run queue(String url, Map<String, String> env, String payload) throws Exception {
    Map<String, String> e = new HashMap<>(env);
    e.put("HLS_URL", url);
    return run(List.of("bash", PROJECT.resolve("bin/queue-hls-event").toString(), "hls-test/sandbox", "issues", "opened", "-"),
        e, payload.getBytes(StandardCharsets.UTF_8));
  }

  private String get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private JsonNode spoolHealth() throws Exception {
    return Json.MAPPER.readTree(get("/health")).path("spool");
  }

  private static void waitUntil(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within 20 s: " + what);
      Thread.sleep(100);
    }
  }

  private BooleanSupplier health(String field, int value) {
    return () -> {
      try {
        return spoolHealth().path(field).asInt(-1) == value;
      } catch (Exception e) {
        return false;
      }
    };
  }

  private BooleanSupplier metricsContain(String line) {
    return () -> {
      try {
        return get("/metrics").contains(line);
      } catch (Exception e) {
        return false;
      }
    };
  }

  /** Delivery id to payload of every stored event, read after the service stopped. */
  private Map<String, String> storedAfterStop() throws Exception {
    HlsConfig config = app.config();
    app.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
    app = null;
    Map<String, String> stored = new TreeMap<>();
    try (Database db = Database.open(config.database())) {
      EventStore events = new EventStore(db);
      for (long id = 1; id <= 20; id++) events.find(id).ifPresent(e -> stored.put(e.deliveryId(), e.payloadJson()));
    }
    return stored;
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void spoolWrittenWhileHlsIsDownDrainsAfterItComesBackWithoutReplayAndRedeliveriesStayOne() throws Exception {
    String down = "http://127.0.0.1:" + closedPort();
    String first = Payloads.issue("hls-test/sandbox", 1, "opened", "First", "spooled while down");
    String second = Payloads.issue("hls-test/sandbox", 2, "opened", "Second", "no delivery id given");
    assertEquals(3, queue(down, Map.of("GITHUB_DELIVERY", "down-1"), first).exit());
    assertEquals(3, queue(down, Map.of("GITHUB_DELIVERY", "down-1"), first).exit(), "GitHub's redelivery of it");
    Run noId = queue(down, Map.of(), second);
    assertEquals(3, noId.exit(), noId.toString());
    assertTrue(noId.err().contains("WARNING: GITHUB_DELIVERY is not set"), noId.err());
    assertEquals(3, queue(down, Map.of(), second).exit(), "the same payload again, still without an id");
    assertEquals(8, names(spool()).size(), names(spool()).toString());

    start("hls.spool.drain-interval = 1s");
    waitUntil("the spool is empty", health("depth", 0));
    assertEquals(0, spoolHealth().path("rejected").asInt());
    assertEquals(spool().toString(), spoolHealth().path("dir").asText());
    waitUntil("four entries drained", metricsContain("hls_spool_drained_total 4.0"));
    assertEquals(List.of(), names(spool()), "every entry deleted after the intake took it");

    String derived = DeliveryIds.derivedFrom(second.getBytes(StandardCharsets.UTF_8));
    assertEquals(Map.of("down-1", first, derived, second), storedAfterStop(), "four spooled deliveries, two events");
  }

  @Test
  void drainMovesWhatTheIntakeRefusesToRejectedWithItsReasonAndSignsUnsignedEntries() throws Exception {
    Files.createDirectories(spool());
    String good = Payloads.issue("hls-test/sandbox", 3, "opened", "Unsigned", "signed by the drainer");
    entry("0001-good", "issues", "good-1", null, good);
    entry("0002-forged", "issues", "forged-1", "sha256=" + "0".repeat(64), good.replace("Unsigned", "Forged"));
    entry("0003-notjson", "issues", "bad-json-1", null, "{not json");
    Files.writeString(spool().resolve("0004-noevent.headers"), "X-GitHub-Delivery: no-event-1\n");
    Files.writeString(spool().resolve("0004-noevent.body"), good);

    start("hls.github.webhook-secret = \"" + SECRET + "\"\nhls.spool.drain-interval = 1s");
    waitUntil("three entries rejected", health("rejected", 3));
    assertEquals(0, spoolHealth().path("depth").asInt());
    Path rejected = spool().resolve(Spool.REJECTED);
    assertEquals(List.of("0002-forged.body", "0002-forged.headers", "0002-forged.reason", "0003-notjson.body",
        "0003-notjson.headers", "0003-notjson.reason", "0004-noevent.body", "0004-noevent.headers", "0004-noevent.reason"),
        names(rejected));
    assertTrue(Files.readString(rejected.resolve("0002-forged.reason")).startsWith("HLS refused it (HTTP 401): "));
    assertTrue(Files.readString(rejected.resolve("0003-notjson.reason")).startsWith("HLS refused it (HTTP 400): "));
    assertEquals("unreadable: its headers have no X-GitHub-Event\n", Files.readString(rejected.resolve("0004-noevent.reason")));
    waitUntil("rejected gauge", metricsContain("hls_spool_rejected 3.0"));
    assertTrue(get("/metrics").contains("hls_spool_drained_total 1.0"));

    Thread.sleep(2500); // two more drain rounds (1 s apart): a rejected entry is not sent again
    assertEquals(9, names(rejected).size());
    assertEquals(Map.of("good-1", good), storedAfterStop());
  }

  @Test
  void healthAndMetricsShowWaitingEntriesAndTheOldestAge() throws Exception {
    start("hls.spool.drain-interval = 1h");
    Thread.sleep(3000); // the drain at start (of a spool that does not exist yet) is over; the next is in an hour
    Files.createDirectories(spool());
    Path headers = entry("0001-waiting", "issues", "waiting-1", null, Payloads.issue("hls-test/sandbox", 4, "opened", "W", "b"));
    Files.setLastModifiedTime(headers, FileTime.from(Instant.now().minusSeconds(600)));
    JsonNode figures = spoolHealth();
    assertEquals(1, figures.path("depth").asInt(), figures.toString());
    assertTrue(figures.path("oldest_age_seconds").asLong() >= 600, figures.toString());
    assertEquals(0, figures.path("rejected").asInt());
    String metrics = get("/metrics");
    assertTrue(metrics.contains("hls_spool_depth 1.0"), metrics);
    assertTrue(metrics.matches("(?s).*hls_spool_oldest_age_seconds 6\\d\\d\\.0.*"), metrics);
  }

  /** A request as GitHub sends it, handed to the snippet exactly as deploy/hooks.json tells adnanh/webhook to. */
  @Test
  void hooksJsonPassesDeliverySignatureAndRawBodyToTheHandlerSnippetEndToEnd() throws Exception {
    String url = start("hls.github.webhook-secret = \"" + SECRET + "\"");
    Path handler = dir.resolve("handle-github-event.sh");
    Files.writeString(handler, "#!/usr/bin/env bash\nset -euo pipefail\n"
        + Files.readString(PROJECT.resolve("deploy/handle-github-event.snippet.sh")));
    // Pretty-printed with a trailing newline: only the exact bytes carry GitHub's signature.
    String body = Payloads.issue("hls-test/sandbox", 5, "opened", "Quote ' and $(x) `y`", "raw \\\"body\\\"")
        .replace(",", ",\n  ") + "\n";
    byte[] raw = body.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new HashMap<>(Map.of("X-GitHub-Event", "issues", "X-GitHub-Delivery", "hooks-1",
        "X-Hub-Signature-256", new SignatureVerifier(Secret.of(SECRET)).sign(raw), "Content-Type", "application/json"));

    Run r = runAsWebhookDaemon(handler, headers, raw, url);
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().startsWith("queued: hls-test/sandbox issues/opened delivery=hooks-1 id="), r.toString());

    headers.remove("X-GitHub-Delivery"); // a request without it: the daemon leaves the variable out
    Run noId = runAsWebhookDaemon(handler, headers, raw, url);
    assertTrue(noId.out().startsWith("queued: "), noId.toString());
    assertTrue(noId.err().contains("WARNING: GITHUB_DELIVERY is not set"), noId.err());
    Run again = runAsWebhookDaemon(handler, headers, raw, url);
    assertTrue(again.out().startsWith("duplicate: "), again.toString());

    assertEquals(Map.of("hooks-1", body, DeliveryIds.derivedFrom(raw), body), storedAfterStop());
  }

  /**
   * What adnanh/webhook does for a hook: pass-environment-to-command entries become variables (a header
   * or payload value that is missing is left out), pass-file-to-command entries become a temporary file
   * named by their envname, the daemon's own environment is inherited, and execute-command runs in
   * command-working-directory with no arguments.
   */
  private Run runAsWebhookDaemon(Path handler, Map<String, String> headers, byte[] raw, String url) throws Exception {
    JsonNode hook = Json.MAPPER.readTree(PROJECT.resolve("deploy/hooks.json").toFile()).get(0);
    assertEquals("github", hook.path("id").asText());
    JsonNode payload = Json.MAPPER.readTree(raw);
    Map<String, String> env = new HashMap<>(Map.of("HLS_URL", url, "HLS_HOME", PROJECT.toString()));
    for (JsonNode arg : hook.path("pass-environment-to-command")) {
      String value = switch (arg.path("source").asText()) {
        case "header" -> headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(arg.path("name").asText()))
            .map(Map.Entry::getValue).findFirst().orElse(null);
        case "payload" -> {
          JsonNode n = payload;
          for (String part : arg.path("name").asText().split("\\.")) n = n.path(part);
          yield n.isValueNode() ? n.asText() : null;
        }
        default -> throw new AssertionError("a source this test does not model: " + arg);
      };
      if (value != null) env.put(arg.path("envname").asText(), value);
    }
    List<Path> files = new ArrayList<>();
    for (JsonNode file : hook.path("pass-file-to-command")) {
      assertEquals("raw-request-body", file.path("source").asText());
      Path f = Files.write(Files.createTempFile(dir, "webhook-body", ""), raw);
      files.add(f);
      env.put(file.path("envname").asText(), f.toString());
    }
    assertTrue(hook.path("pass-arguments-to-command").isMissingNode(), "the snippet reads variables, not arguments");
    try {
      return run(List.of("bash", handler.toString()), env, null);
    } finally {
      for (Path f : files) Files.deleteIfExists(f); // the daemon deletes them after the command exits
    }
  }

  private Path entry(String name, String event, String delivery, String signature, String body) throws Exception {
    Files.writeString(spool().resolve(name + ".body"), body);
    String h = "X-GitHub-Event: " + event + "\nX-GitHub-Delivery: " + delivery + "\nContent-Type: application/json\n"
        + (signature == null ? "" : "X-Hub-Signature-256: " + signature + "\n");
    return Files.writeString(spool().resolve(name + ".headers"), h);
  }
}

package com.clidecoder.hls.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.app.HlsApp;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.Secret;
import com.clidecoder.hls.domain.QueuedEvent;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.testkit.TestConfigs;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/queue-hls-event} run with bash and curl against a real HLS on loopback. */
class QueueHlsEventScriptTest {
  private static final Path SCRIPT =
      Path.of(System.getProperty("hls.project.dir", ".")).resolve("bin/queue-hls-event").toAbsolutePath();
  private static final Pattern ID = Pattern.compile(" id=(\\d+)");

  @TempDir Path dir;
  private HlsApp app;

  record Run(int exit, String out, String err) {}

  @AfterEach
  void stop() throws Exception {
    if (app != null) app.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private String start(String hocon) throws Exception {
    app = HlsApp.start(TestConfigs.load(dir, hocon)).toCompletableFuture().get(60, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + app.port() + "/webhook";
  }

  private Run run(String url, Map<String, String> env, byte[] stdin, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().remove("GITHUB_DELIVERY");
    pb.environment().remove("X_HUB_SIGNATURE_256");
    pb.environment().put("HLS_URL", url);
    pb.environment().put("HLS_SPOOL_DIR", dir.resolve("spool").toString());
    pb.environment().putAll(env);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) in.write(stdin);
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script finished");
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static long idOf(Run r) {
    Matcher m = ID.matcher(r.out());
    assertTrue(m.find(), r.toString());
    return Long.parseLong(m.group(1));
  }

  private QueuedEvent storedAfterStop(long id) throws Exception {
    HlsConfig config = app.config();
    app.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
    app = null;
    try (Database db = Database.open(config.database())) {
      return new EventStore(db).find(id).orElseThrow();
    }
  }

  /** Every shell metacharacter we could think of, inside valid GitHub-shaped JSON. */
  private String hostilePayload(Path marker) {
    String body = "it's \\\"quoted\\\" $(touch " + marker + ") `touch " + marker + "` ${HOME} $HOME"
        + " \\\\ %s %n !! & ; | > < * ? ~ #\\n\\ttab";
    return "{\"action\":\"opened\",\"issue\":{\"number\":7,\"title\":\"'single' \\\"double\\\"\",\"body\":\""
        + body + "\"},\"repository\":{\"full_name\":\"hls-test/sandbox\"}}\n";
  }

  @Test
  void payloadWithQuotesSubstitutionsAndBackticksArrivesByteIdentical() throws Exception {
    String url = start("");
    Path marker = dir.resolve("MARKER");
    String payload = hostilePayload(marker);
    Run r = run(url, Map.of("GITHUB_DELIVERY", "script-arg-1"), null, "hls-test/sandbox", "issues", "opened", payload);
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().startsWith("queued: hls-test/sandbox issues/opened delivery=script-arg-1 id="), r.out());
    QueuedEvent stored = storedAfterStop(idOf(r));
    assertEquals(payload, stored.payloadJson());
    assertEquals("script-arg-1", stored.deliveryId());
    assertFalse(Files.exists(marker), "nothing in the payload was executed");
  }

  @Test
  void payloadFromFileAndFromStdinArriveByteIdenticalIncludingUtf8() throws Exception {
    String url = start("");
    Path marker = dir.resolve("MARKER");
    String payload = hostilePayload(marker).replace("tab", "caf\u00e9 \u2603 \ud83d\ude00");
    Path file = dir.resolve("payload.json");
    Files.write(file, payload.getBytes(StandardCharsets.UTF_8));
    Run fromFile = run(url, Map.of(), null, "hls-test/sandbox", "issues", "opened", "@" + file);
    assertEquals(0, fromFile.exit(), fromFile.toString());
    Run fromStdin = run(url, Map.of(), payload.getBytes(StandardCharsets.UTF_8), "hls-test/sandbox", "issues", "opened", "-");
    assertEquals(0, fromStdin.exit(), fromStdin.toString());
    long a = idOf(fromFile);
    long b = idOf(fromStdin);
    assertTrue(a != b, "two generated delivery ids, two rows");
    HlsConfig config = app.config();
    app.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
    app = null;
    try (Database db = Database.open(config.database())) {
      EventStore events = new EventStore(db);
      for (long id : List.of(a, b)) {
        QueuedEvent e = events.find(id).orElseThrow();
        assertEquals(payload, e.payloadJson());
        assertTrue(e.deliveryId().matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), e.deliveryId());
      }
    }
    assertFalse(Files.exists(marker));
  }

  @Test
  void signatureFromTheEnvironmentIsPassedOnAndEachOutcomeHasItsLine() throws Exception {
    String secret = "handler-secret";
    String url = start("hls.github.webhook-secret = \"" + secret + "\"");
    byte[] body = WebhookFixtures.own("issues.opened.json");
    String signature = new SignatureVerifier(Secret.of(secret)).sign(body);
    Path file = dir.resolve("issue.json");
    Files.write(file, body);
    Map<String, String> env = new HashMap<>(Map.of("GITHUB_DELIVERY", "sig-1", "X_HUB_SIGNATURE_256", signature));

    Run queued = run(url, env, null, "hls-test/sandbox", "issues", "opened", "@" + file);
    assertEquals(0, queued.exit(), queued.toString());
    assertTrue(queued.out().startsWith("queued: "), queued.out());

    Run duplicate = run(url, env, null, "hls-test/sandbox", "issues", "opened", "@" + file);
    assertEquals(0, duplicate.exit(), duplicate.toString());
    assertTrue(duplicate.out().startsWith("duplicate: hls-test/sandbox issues/opened delivery=sig-1 id=" + idOf(queued)),
        duplicate.out());

    byte[] ping = WebhookFixtures.own("ping.json");
    Files.write(file, ping);
    Map<String, String> pingEnv = Map.of("GITHUB_DELIVERY", "sig-2",
        "X_HUB_SIGNATURE_256", new SignatureVerifier(Secret.of(secret)).sign(ping));
    Run ignored = run(url, pingEnv, null, "hls-test/sandbox", "ping", "-", "@" + file);
    assertEquals(0, ignored.exit(), ignored.toString());
    assertEquals("not handled: hls-test/sandbox ping/- delivery=sig-2: ping\n", ignored.out());

    env.put("GITHUB_DELIVERY", "sig-3");
    env.put("X_HUB_SIGNATURE_256", "sha256=" + "0".repeat(64));
    Run refused = run(url, env, null, "hls-test/sandbox", "issues", "opened", "@" + file);
    assertEquals(2, refused.exit(), refused.toString());
    assertTrue(refused.err().contains("rejected (HTTP 401)"), refused.err());
    assertFalse(Files.exists(dir.resolve("spool")), "a refusal is not spooled");
  }

  @Test
  void unreachableHlsSpoolsTheDeliveryInAReplayableFormAndExitsNonZero() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String payload = hostilePayload(dir.resolve("MARKER"));
    Run r = run("http://127.0.0.1:" + closedPort + "/webhook",
        Map.of("GITHUB_DELIVERY", "spool-1", "X_HUB_SIGNATURE_256", "sha256=abc"), null,
        "hls-test/sandbox", "issues", "opened", payload);
    assertEquals(3, r.exit(), r.toString());
    assertTrue(r.err().startsWith("spooled: hls-test/sandbox issues/opened delivery=spool-1"), r.err());

    Path headers = onlySpooled(".headers");
    Path body = onlySpooled(".body");
    assertEquals(payload, Files.readString(body));
    List<String> lines = Files.readAllLines(headers);
    assertTrue(lines.containsAll(List.of("X-GitHub-Event: issues", "X-GitHub-Delivery: spool-1",
        "X-Hub-Signature-256: sha256=abc", "Content-Type: application/json")), lines.toString());

    // Replaying the spool entry as documented queues it once HLS is up.
    String url = start("");
    Process curl = new ProcessBuilder("curl", "-sS", "-H", "@" + headers, "--data-binary", "@" + body, url)
        .redirectErrorStream(true).start();
    String reply = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, curl.waitFor());
    assertTrue(reply.contains("\"status\":\"queued\"") && reply.contains("\"delivery_id\":\"spool-1\""), reply);
    assertEquals(payload, storedAfterStop(Long.parseLong(reply.replaceAll(".*\"id\":(\\d+).*", "$1"))).payloadJson());
  }

  @Test
  void serviceUnavailableIsSpooledToo() throws Exception {
    HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    fake.createContext("/webhook", exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] reply = "{\"status\":\"rejected\",\"reason\":\"the database cannot commit right now; retry later\"}"
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(503, reply.length);
      exchange.getResponseBody().write(reply);
      exchange.close();
    });
    fake.start();
    try {
      Run r = run("http://127.0.0.1:" + fake.getAddress().getPort() + "/webhook", Map.of("GITHUB_DELIVERY", "busy-1"),
          "{\"action\":\"opened\"}".getBytes(StandardCharsets.UTF_8), "hls-test/sandbox", "issues", "opened", "-");
      assertEquals(3, r.exit(), r.toString());
      assertTrue(r.err().contains("HTTP 503: the database cannot commit right now"), r.err());
      assertEquals("{\"action\":\"opened\"}", Files.readString(onlySpooled(".body")));
    } finally {
      fake.stop(0);
    }
  }

  @Test
  void badArgumentsAreRefusedBeforeAnythingIsSent() throws Exception {
    Run r = run("http://127.0.0.1:1/webhook", Map.of(), null, "hls-test/sandbox", "issues; rm -rf /", "opened", "{}");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("EVENT must be"), r.err());
    assertEquals(1, run("http://127.0.0.1:1/webhook", Map.of(), null, "only", "three", "args").exit());
    assertFalse(Files.exists(dir.resolve("spool")));
  }

  private Path onlySpooled(String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("spool"))) {
      List<Path> matching = files.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
      assertEquals(1, matching.size(), matching.toString());
      return matching.get(0);
    }
  }
}

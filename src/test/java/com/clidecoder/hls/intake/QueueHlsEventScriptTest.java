package com.clidecoder.hls.intake;

import com.clidecoder.hls.testkit.HandlerScripts;
import com.clidecoder.hls.testkit.HandlerScripts.Run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.app.HlsApp;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.Secret;
import com.clidecoder.hls.domain.QueuedEvent;
import com.clidecoder.hls.spool.DeliveryIds;
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


  @AfterEach
  void stop() throws Exception {
    if (app != null) app.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private String start(String hocon) throws Exception {
    app = HlsApp.start(TestConfigs.load(dir, hocon)).toCompletableFuture().get(60, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + app.port(); // HLS_URL is the base URL, as for bin/hls
  }

  private Run run(String url, Map<String, String> env, byte[] stdin, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    Map<String, String> all = new java.util.HashMap<>(Map.of("HLS_URL", url, "HLS_SPOOL_DIR", dir.resolve("spool").toString()));
    all.putAll(env);
    return HandlerScripts.run(command, dir, all, stdin);
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
    // No GITHUB_DELIVERY: a loud warning, and an id derived from the payload, so the same payload twice is one event.
    assertTrue(fromFile.err().contains("WARNING: GITHUB_DELIVERY is not set"), fromFile.err());
    assertTrue(fromFile.out().startsWith("queued: "), fromFile.out());
    assertTrue(fromStdin.out().startsWith("duplicate: "), fromStdin.out());
    long a = idOf(fromFile);
    assertEquals(a, idOf(fromStdin));
    QueuedEvent e = storedAfterStop(a);
    assertEquals(payload, e.payloadJson());
    assertEquals(DeliveryIds.derivedFrom(payload.getBytes(StandardCharsets.UTF_8)), e.deliveryId());
    assertTrue(e.deliveryId().matches("sha256-[0-9a-f]{32}"), e.deliveryId());
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
    // A 401 is a secret someone is fixing, not a bad delivery: the bytes are spooled, not dropped.
    Run refused = run(url, env, null, "hls-test/sandbox", "issues", "opened", "@" + file);
    assertEquals(3, refused.exit(), refused.toString());
    assertTrue(refused.err().contains("spooled: hls-test/sandbox issues/opened delivery=sig-3 (HLS answered HTTP 401"), refused.err());
    assertEquals("sha256=" + "0".repeat(64), Files.readAllLines(onlySpooled(".headers")).stream()
        .filter(l -> l.startsWith("X-Hub-Signature-256: ")).findFirst().orElseThrow().substring(21));
  }

  @Test
  void badRequestIsReportedAndKeptInRejectedWithItsReasonNotSpooled() throws Exception {
    String url = start("");
    // A payload HLS cannot parse: a 400 that no retry can fix.
    Run r = run(url, Map.of("GITHUB_DELIVERY", "bad-1"), "{not json".getBytes(StandardCharsets.UTF_8),
        "hls-test/sandbox", "issues", "opened", "-");
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().startsWith("rejected (HTTP 400): hls-test/sandbox issues/opened delivery=bad-1:"), r.err());
    Path rejected = dir.resolve("spool").resolve("rejected");
    try (Stream<Path> files = Files.list(rejected)) {
      List<String> names = files.map(p -> p.getFileName().toString().replaceFirst("^\\d{8}T\\d{6}Z-", "")).sorted().toList();
      assertEquals(List.of("bad-1.body", "bad-1.headers", "bad-1.reason"), names);
    }
    try (Stream<Path> files = Files.list(rejected)) {
      Path reason = files.filter(p -> p.toString().endsWith(".reason")).findFirst().orElseThrow();
      assertTrue(Files.readString(reason).startsWith("HLS refused it (HTTP 400): "), Files.readString(reason));
    }
    try (Stream<Path> files = Files.list(dir.resolve("spool"))) {
      assertEquals(List.of(rejected), files.toList(), "nothing waits in the spool itself");
    }
  }

  @Test
  void oldWebhookUrlInHlsUrlStillWorksWithAWarning() throws Exception {
    String url = start("");
    Run r = run(url + "/webhook", Map.of("GITHUB_DELIVERY", "old-url-1"), WebhookFixtures.own("issues.opened.json"),
        "hls-test/sandbox", "issues", "opened", "-");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().startsWith("queued: "), r.out());
    assertTrue(r.err().contains("HLS_URL is the service's base URL now"), r.err());
  }

  @Test
  void unwritableSpoolSaysWhyAndHowToFixItAndExits4() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    // A file where the spool's folder should be: unwritable for every user, root included.
    Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
    Run r = run("http://127.0.0.1:" + closedPort, Map.of("GITHUB_DELIVERY", "lost-1",
            "HLS_SPOOL_DIR", blocker.resolve("spool").toString()),
        "{}".getBytes(StandardCharsets.UTF_8), "hls-test/sandbox", "issues", "opened", "-");
    assertEquals(4, r.exit(), r.toString());
    assertTrue(r.err().startsWith("LOST: hls-test/sandbox issues/opened delivery=lost-1 (HLS unreachable"), r.err());
    assertTrue(r.err().contains(blocker + " is a file, not a folder; set HLS_SPOOL_DIR"), r.err());
  }

  @Test
  void spoolOwnedByAnotherUserNamesOwnerModeAndTheInstallCommand() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
        "root can write any folder; the file-in-the-way case covers root");
    Path spool = Files.createDirectory(dir.resolve("ro-spool"));
    Files.setPosixFilePermissions(spool, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
    Run r = run("http://127.0.0.1:1", Map.of("GITHUB_DELIVERY", "lost-2", "HLS_SPOOL_DIR", spool.toString()),
        "{}".getBytes(StandardCharsets.UTF_8), "hls-test/sandbox", "issues", "opened", "-");
    assertEquals(4, r.exit(), r.toString());
    assertTrue(r.err().contains("mode 555 and not writable by") && r.err().contains("chmod 2770"), r.err());
  }

  @Test
  void unreachableHlsSpoolsTheDeliveryInAReplayableFormAndExitsNonZero() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String payload = hostilePayload(dir.resolve("MARKER"));
    Run r = run("http://127.0.0.1:" + closedPort,
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

    // The documented hand replay (curl with the saved headers) is accepted by the intake as it is.
    HttpServer echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    echo.createContext("/webhook", x -> {
      seen.add(x.getRequestHeaders().getFirst("X-GitHub-Delivery") + " " + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      x.sendResponseHeaders(204, -1);
      x.close();
    });
    echo.start();
    try {
      Process curl = new ProcessBuilder("curl", "-sS", "-H", "@" + headers, "--data-binary", "@" + body,
          "http://127.0.0.1:" + echo.getAddress().getPort() + "/webhook").redirectErrorStream(true).start();
      curl.getInputStream().readAllBytes();
      assertEquals(0, curl.waitFor());
      assertEquals(List.of("spool-1 " + payload), seen);
    } finally {
      echo.stop(0);
    }
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

package com.clidecoder.hls.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.bench.ServiceProcess;
import com.clidecoder.hls.testkit.Payloads;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input: 2,000 generated malformed requests (garbage, truncated and deeply nested JSON, invalid
 * UTF-8, huge headers, wrong and missing signatures, wrong content types, oversize bodies, slow
 * senders, not HTTP at all) while valid deliveries keep arriving: no 5xx, no malformed request
 * stored, every valid delivery queued, /health answering all along.
 */
class BadInputSuite {
  private static final String SECRET = "bad-input-suite-secret";
  private static final int REQUESTS = Integer.getInteger("hls.badInput.requests", 2000);
  private static final int CAP = 1 << 20;

  // Kept when the suite fails: the service logs in it are what explains the failure.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

  private record Malformed(String kind, byte[] head, byte[] body, int bytesPerPause, long pauseMillis) {}

  @Test
  void aStormOfMalformedRequestsIsRefusedWithoutHarm() throws Exception {
    long seed = Long.getLong("hls.reliability.seed", System.nanoTime());
    System.out.println("BADINPUT seed=" + seed);
    Random random = new Random(seed);
    Path db = dir.resolve("webhooks.db");
    String conf = "hls.database.path = \"" + db + "\"\nhls.github.webhook-secret = \"" + SECRET + "\"\n"
        + "hls.server.max-payload-bytes = " + CAP + "\nhls.logging.level = WARN";
    try (ServiceProcess service = ServiceProcess.start(dir.resolve("svc"), conf, List.of("-Xmx512m"))) {
      List<Malformed> storm = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) storm.add(malformed(i, random));

      AtomicBoolean storming = new AtomicBoolean(true);
      Deliveries valid = new Deliveries(service::port, Optional.of(SECRET));
      AtomicInteger validSent = new AtomicInteger();
      List<Integer> validStatuses = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<Integer> healthStatuses = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread validSender = new Thread(() -> {
        HttpClient http = HttpClient.newHttpClient();
        try {
          while (storming.get()) {
            int n = validSent.incrementAndGet();
            validStatuses.add(valid.postOnce("issues", "valid-" + n,
                Payloads.issue("good/repo", n, "opened", "Valid " + n, "body")));
            var health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/health"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            healthStatuses.add(health.statusCode());
            Thread.sleep(50);
          }
        } catch (Exception e) {
          healthStatuses.add(-1);
        }
      });
      validSender.start();

      Map<String, Map<Integer, Integer>> byKind = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(24);
      List<Future<?>> futures = new ArrayList<>();
      for (Malformed m : storm) {
        futures.add(pool.submit(() -> {
          int status = RawHttp.exchange(service.port(), m.head(), m.body(), m.bytesPerPause(), m.pauseMillis());
          byKind.computeIfAbsent(m.kind(), k -> new ConcurrentHashMap<>()).merge(status, 1, Integer::sum);
        }));
      }
      for (Future<?> f : futures) f.get();
      pool.shutdown();
      storming.set(false);
      validSender.join();

      Map<String, Map<Integer, Integer>> sorted = new TreeMap<>(byKind);
      sorted.forEach((k, v) -> System.out.println("BADINPUT kind=" + k + " statuses=" + new TreeMap<>(v)));
      long fiveHundreds = byKind.values().stream().flatMap(v -> v.entrySet().stream())
          .filter(e -> e.getKey() >= 500).mapToInt(Map.Entry::getValue).sum();
      long accepted = byKind.values().stream().flatMap(v -> v.entrySet().stream())
          .filter(e -> e.getKey() >= 200 && e.getKey() < 300).mapToInt(Map.Entry::getValue).sum();
      long valids = validStatuses.stream().filter(s -> s == 202).count();
      long rows = Rows.count(db, "SELECT count(*) FROM webhook_events");
      System.out.printf("BADINPUT malformed=%d responses_5xx=%d responses_2xx=%d valid_sent=%d valid_202=%d rows=%d"
              + " health_checks=%d health_200=%d%n", storm.size(), fiveHundreds, accepted, validStatuses.size(), valids,
          rows, healthStatuses.size(), healthStatuses.stream().filter(s -> s == 200).count());
      assertEquals(0, fiveHundreds, "no malformed request is answered 5xx: " + sorted);
      assertEquals(0, accepted, "no malformed request is accepted: " + sorted);
      assertTrue(validStatuses.size() >= 10, "valid deliveries were sent during the storm");
      assertTrue(validStatuses.stream().allMatch(s -> s == 202), "every valid delivery queued: " + validStatuses);
      assertTrue(healthStatuses.stream().allMatch(s -> s == 200), "health answered 200 throughout: " + healthStatuses);
      assertEquals(valids, rows, "only the valid deliveries are stored");
    }
  }

  private static Malformed malformed(int i, Random random) {
    String id = "bad-" + i;
    byte[] good = Payloads.issue("bad/repo", i + 1, "opened", "Bad " + i, "body").getBytes(StandardCharsets.UTF_8);
    switch (i % 16) {
      case 0: {
        byte[] garbage = new byte[1 + random.nextInt(4096)];
        random.nextBytes(garbage);
        return signed("garbage-body", id, garbage);
      }
      case 1:
        return signed("truncated-json", id, java.util.Arrays.copyOf(good, 1 + random.nextInt(good.length - 2)));
      case 2: {
        int depth = 2_000 + random.nextInt(200_000);
        String nested = random.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth) : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        return signed("deeply-nested-json", id, nested.getBytes(StandardCharsets.US_ASCII));
      }
      case 3: {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("{\"action\":\"opened\",\"repository\":{\"full_name\":\"bad/repo\"},\"issue\":{\"number\":1,\"title\":\"".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xED, (byte) 0xA0, (byte) 0x80});
        b.writeBytes("\"}}".getBytes(StandardCharsets.US_ASCII));
        return signed("invalid-utf8", id, b.toByteArray());
      }
      case 4:
        return new Malformed("huge-header", RawHttp.head("POST", "application/json", "X-GitHub-Event: issues",
            "X-GitHub-Delivery: " + id, "X-Junk: " + "a".repeat(16_384 + random.nextInt(200_000)),
            "Content-Length: " + good.length), good, 0, 0);
      case 5:
        return new Malformed("wrong-signature", headers("application/json", id, good.length,
            "X-Hub-Signature-256: sha256=" + "0".repeat(64)), good, 0, 0);
      case 6:
        return new Malformed("missing-signature", headers("application/json", id, good.length), good, 0, 0);
      case 7: {
        String[] types = {"text/plain", "application/xml", "multipart/form-data; boundary=x", "application/octet-stream"};
        return new Malformed("wrong-content-type", headers(types[random.nextInt(types.length)], id, good.length,
            "X-Hub-Signature-256: " + Deliveries.sign(SECRET, good)), good, 0, 0);
      }
      case 8: {
        byte[] big = new byte[CAP + 1 + random.nextInt(CAP)];
        java.util.Arrays.fill(big, (byte) ' ');
        return signed("oversize-declared", id, big);
      }
      case 9: {
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        byte[] chunk = " ".repeat(65_536).getBytes(StandardCharsets.US_ASCII);
        for (int c = 0; c < 20; c++) {
          chunked.writeBytes("10000\r\n".getBytes(StandardCharsets.US_ASCII));
          chunked.writeBytes(chunk);
          chunked.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunked.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return new Malformed("oversize-chunked", RawHttp.head("POST", "application/json", "X-GitHub-Event: issues",
            "X-GitHub-Delivery: " + id, "Transfer-Encoding: chunked"), chunked.toByteArray(), 0, 0);
      }
      case 10: {
        String[][] bad = {{"X-GitHub-Delivery: " + id}, {"X-GitHub-Event: issues"}, {"X-GitHub-Event: Issues!", "X-GitHub-Delivery: " + id},
            {"X-GitHub-Event: issues", "X-GitHub-Delivery: has spaces in it"}};
        String[] h = bad[random.nextInt(bad.length)];
        List<String> all = new ArrayList<>(List.of(h));
        all.add("Content-Length: " + good.length);
        all.add("X-Hub-Signature-256: " + Deliveries.sign(SECRET, good));
        return new Malformed("bad-github-headers", RawHttp.head("POST", "application/json", all.toArray(String[]::new)), good, 0, 0);
      }
      case 11: {
        String[] docs = {"[1,2,3]", "42", "\"a string\"", "null", "{}", "{\"repository\":{}}"};
        return signed("not-a-delivery-object", id, docs[random.nextInt(docs.length)].getBytes(StandardCharsets.US_ASCII));
      }
      case 12: {
        String[] forms = {"foo=bar", "payload=%7B%22broken", "payload=", "%%%%"};
        byte[] form = forms[random.nextInt(forms.length)].getBytes(StandardCharsets.US_ASCII);
        return new Malformed("bad-form", headers("application/x-www-form-urlencoded", id, form.length,
            "X-Hub-Signature-256: " + Deliveries.sign(SECRET, form)), form, 0, 0);
      }
      case 13: {
        byte[] trailing = (new String(good, StandardCharsets.UTF_8) + " {\"second\":true}").getBytes(StandardCharsets.UTF_8);
        return signed("trailing-data", id, trailing);
      }
      case 14: {
        byte[] noise = new byte[64 + random.nextInt(2048)];
        random.nextBytes(noise);
        return new Malformed("not-http", noise, new byte[0], 0, 0);
      }
      default: {
        if (i % 160 == 15) {
          // A slow sender: the body trickles in a few bytes every second, longer than any delivery takes.
          byte[] body = java.util.Arrays.copyOf(good, 60);
          return new Malformed("slow-sender", headers("application/json", id, good.length,
              "X-Hub-Signature-256: " + Deliveries.sign(SECRET, good)), body, 2, 1000);
        }
        String[] methods = {"GET", "PUT", "DELETE", "PATCH"};
        return new Malformed("wrong-method", RawHttp.head(methods[random.nextInt(methods.length)], "application/json",
            "X-GitHub-Event: issues", "X-GitHub-Delivery: " + id, "Content-Length: " + good.length), good, 0, 0);
      }
    }
  }

  private static Malformed signed(String kind, String id, byte[] body) {
    return new Malformed(kind, headers("application/json", id, body.length, "X-Hub-Signature-256: " + Deliveries.sign(SECRET, body)),
        body, 0, 0);
  }

  private static byte[] headers(String contentType, String id, int length, String... extra) {
    List<String> h = new ArrayList<>(List.of("X-GitHub-Event: issues", "X-GitHub-Delivery: " + id, "Content-Length: " + length));
    h.addAll(List.of(extra));
    return RawHttp.head("POST", contentType, h.toArray(String[]::new));
  }
}

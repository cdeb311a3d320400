package com.clidecoder.hls.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.bench.ServiceProcess;
import com.clidecoder.hls.testkit.Payloads;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database under trouble: the file locked by another writer, its filesystem made read-only, the
 * disk full (a small loop-mounted ext4 filesystem the suite makes; needs root). During each, intake answers 503 and never
 * 202 without a commit; afterwards it recovers by itself, nothing accepted is lost, and the pipeline
 * finishes every event.
 */
class DatabaseTroubleSuite {
  // Kept when the suite fails: the service logs in it are what explains the failure.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;
  private Path mount;

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) {
      run("chattr", "-R", "-i", mount.toString());
      run("umount", "-l", mount.toString());
    }
  }

  @Test
  void lockedReadOnlyAndFullDatabaseRefuseThenRecover() throws Exception {
    // A small ext4 filesystem of its own: it can be filled up, and its files made immutable (chattr +i
    // stops writes through descriptors already open, which a read-only remount refuses to do: "busy").
    Path image = dir.resolve("fs.img");
    mount = dir.resolve("mnt");
    Files.createDirectories(mount);
    Assumptions.assumeTrue(run("truncate", "-s", "48M", image.toString()) == 0
            && run("mkfs.ext4", "-q", "-F", "-m", "0", image.toString()) == 0
            && run("mount", "-o", "loop", image.toString(), mount.toString()) == 0,
        "a loop-mounted filesystem needs root and mkfs.ext4: skipping");
    Path db = mount.resolve("webhooks.db");
    String conf = "hls.database.path = \"" + db + "\"\nhls.database.busy-timeout = 1s\n"
        + "hls.server.commit-timeout = 5s\nhls.workers.poll-interval = 500ms\nhls.workers.lease-timeout = 10s\n"
        + "hls.workers.backoff { min = 200ms, max = 1s }\nhls.workers.max-retries = 50\nhls.logging.level = INFO";
    Map<String, Map<Integer, Integer>> answers = new TreeMap<>();
    AtomicInteger seq = new AtomicInteger();
    try (ServiceProcess service = ServiceProcess.start(dir.resolve("svc"), conf, List.of("-Xmx512m"))) {
      Deliveries sender = new Deliveries(service::port, Optional.empty());
      List<String> refused = new ArrayList<>();

      post(sender, "before", 20, 1_000, seq, answers, refused);
      assertEquals(Map.of(202, 20), answers.get("before"));

      // 1. Another process holds the write lock for 6 s.
      try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = other.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
        post(sender, "locked", 4, 1_000, seq, answers, refused);
        System.out.println("TROUBLE locked health=" + health(service));
        s.execute("ROLLBACK");
      }
      post(sender, "after-lock", 10, 1_000, seq, answers, refused);

      // 2. The filesystem turns read-only.
      List<String> files = List.of(mount.toString(), db.toString(), db + "-wal", db + "-shm");
      for (String f : files) assertEquals(0, run("chattr", "+i", f));
      post(sender, "read-only", 5, 1_000, seq, answers, refused);
      System.out.println("TROUBLE read-only health=" + health(service));
      for (String f : files) assertEquals(0, run("chattr", "-i", f));
      post(sender, "after-read-only", 10, 1_000, seq, answers, refused);

      // 3. The disk fills up: deliveries of 200 KB need space the WAL does not have.
      Path filler = mount.resolve("filler");
      run("dd", "if=/dev/zero", "of=" + filler, "bs=1M", "count=100");
      post(sender, "disk-full", 10, 200_000, seq, answers, refused);
      System.out.println("TROUBLE disk-full health=" + health(service));
      Files.delete(filler);
      post(sender, "after-disk-full", 10, 1_000, seq, answers, refused);

      answers.forEach((phase, statuses) -> System.out.println("TROUBLE phase=" + phase + " statuses=" + statuses));
      for (String phase : List.of("locked", "read-only", "disk-full")) {
        assertTrue(answers.get(phase).getOrDefault(503, 0) > 0, phase + ": the trouble was felt (503): " + answers.get(phase));
        assertTrue(answers.get(phase).keySet().stream().allMatch(s -> s == 202 || s == 503), phase + ": " + answers.get(phase));
      }
      for (String phase : List.of("after-lock", "after-read-only", "after-disk-full")) {
        assertEquals(Map.of(202, 10), answers.get(phase), phase + ": intake recovered by itself");
      }
      // GitHub resends what was refused; now it is accepted.
      for (String id : refused) {
        assertTrue(List.of(202, 200).contains(sender.postOnce("issues", id, body(id, 1_000))), "resend of " + id);
      }
      int accepted = sender.accepted.size();
      Rows.awaitAllFinal(db, accepted, Duration.ofMinutes(3));
      Map<String, Rows.Event> stored = Rows.events(db);
      long open = stored.values().stream().filter(e -> !e.status().equals("completed") && !e.status().equals("skipped")).count();
      System.out.printf("TROUBLE accepted=%d stored=%d refused_then_resent=%d not_final=%d%n", accepted, stored.size(),
          refused.size(), open);
      service.kill();
      // Acknowledged = durable: after kill -9 every 202 is on disk.
      Map<String, Rows.Event> afterKill = Rows.events(db);
      for (String id : sender.accepted.keySet()) assertTrue(afterKill.containsKey(id), "accepted " + id + " is stored");
      assertEquals(0, open, "the pipeline finished every event after the trouble: " + stored.values().stream()
          .filter(e -> !e.status().equals("completed") && !e.status().equals("skipped")).toList());
    }
  }

  private static void post(Deliveries sender, String phase, int n, int bodyBytes, AtomicInteger seq,
      Map<String, Map<Integer, Integer>> answers, List<String> refused) {
    for (int i = 0; i < n; i++) {
      String id = phase + "-" + seq.incrementAndGet();
      int status = sender.postOnce("issues", id, body(id, bodyBytes));
      answers.computeIfAbsent(phase, p -> new TreeMap<>()).merge(status, 1, Integer::sum);
      if (status != 202) refused.add(id);
    }
  }

  private static String body(String id, int bytes) {
    return Payloads.issue("trouble/repo", Math.abs(id.hashCode() % 100_000) + 1, "opened", "Trouble " + id,
        "x".repeat(bytes));
  }

  private static String health(ServiceProcess service) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(service.uri("/health"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    } catch (IOException | InterruptedException e) {
      return "no answer: " + e;
    }
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    int code = p.waitFor();
    if (code != 0) System.out.println("TROUBLE `" + String.join(" ", command) + "` exited " + code + ": " + out.trim());
    return code;
  }

}

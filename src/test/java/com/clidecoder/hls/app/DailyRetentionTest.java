package com.clidecoder.hls.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.Retention;
import com.clidecoder.hls.store.Seed;
import com.clidecoder.hls.testkit.TestConfigs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service's scheduled retention: it runs by itself, deletes only final events past the age, records the run. */
class DailyRetentionTest {
  private static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void theScheduledRunDeletesOldFinalEventsAndRecordsItself(@TempDir Path dir) throws Exception {
    HlsConfig config = TestConfigs.load(dir, "hls.database.retention = 30d").hls();
    ExecutorService jdbc = Executors.newSingleThreadExecutor();
    try (Database db = Database.open(config.database())) {
      Seed seed = new Seed(db);
      Instant old = Instant.now().minus(Duration.ofDays(45));
      long oldDone = seed.heldIssue("o/r", 1, "old", old);
      seed.completed(oldDone, old);
      long oldFailed = seed.heldIssue("o/r", 2, "old failure", old);
      seed.failed(oldFailed, "GitHub: 404", old);
      long waiting = seed.issue("o/r", 3, "old but waiting", old);
      long recent = seed.heldIssue("o/r", 4, "recent", Instant.now());
      seed.completed(recent, Instant.now());
      Retention retention = new Retention(db);

      Cancellable task = DailyRetention.start(kit.system(), retention, () -> config, jdbc, Clock.systemUTC(),
          Duration.ofMillis(100), Duration.ofDays(1));
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (retention.lastRun().isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
      } finally {
        task.cancel();
      }
      assertEquals(2, retention.lastRun().orElseThrow().deleted());
      assertEquals(2, seed.count("SELECT COUNT(*) FROM webhook_events WHERE id IN (" + waiting + ", " + recent + ")"));
      assertEquals(2, seed.count("SELECT COUNT(*) FROM webhook_events"));
      assertTrue(retention.lastRun().get().at().isAfter(Instant.now().minusSeconds(60)));
    } finally {
      jdbc.shutdownNow();
    }
  }

  @Test
  void zeroRetentionKeepsEverything(@TempDir Path dir) {
    HlsConfig config = TestConfigs.load(dir, "hls.database.retention = 0").hls();
    try (Database db = Database.open(config.database())) {
      Seed seed = new Seed(db);
      Instant old = Instant.now().minus(Duration.ofDays(4000));
      seed.completed(seed.heldIssue("o/r", 1, "ancient", old), old);
      DailyRetention.runOnce(new Retention(db), config.database(), Instant.now());
      assertEquals(1, seed.count("SELECT COUNT(*) FROM webhook_events"));
    }
  }
}

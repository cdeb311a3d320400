package com.clidecoder.hls.store;

import static com.clidecoder.hls.store.StoreFixture.lastColumn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor's figures on a real file: failures inside the window only, and indexed reads. */
class MonitorQueriesTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  @Test
  void countsOnlyFailuresInsideTheWindowAndForgetsRequeuedOnes(@TempDir Path dir) {
    try (Database db = StoreFixture.open(dir)) {
      Seed seed = new Seed(db);
      MonitorQueries q = new MonitorQueries(db);
      long recent = seed.heldIssue("octo/a", 1, "recent", NOW.minusSeconds(600));
      seed.failed(recent, "github: 404", NOW.minusSeconds(600));
      long old = seed.heldIssue("octo/a", 2, "old", NOW.minus(Duration.ofHours(3)));
      seed.failed(old, "github: 404", NOW.minus(Duration.ofHours(3)));
      long done = seed.heldIssue("octo/a", 3, "done", NOW.minusSeconds(60));
      seed.completed(done, NOW.minusSeconds(60));

      assertEquals(1, q.failedSince(NOW.minus(Duration.ofHours(1))));
      assertEquals(2, q.failedSince(NOW.minus(Duration.ofHours(4))));
      assertEquals(0, q.failedSince(NOW.minusSeconds(300)));

      new EventStore(db).requeue(recent, NOW);
      assertEquals(0, q.failedSince(NOW.minus(Duration.ofHours(1))), "a requeued failure no longer needs a person");
    }
  }

  @Test
  void oldestWaitingIsTheAgeOfTheOldestPendingOrRetryEvent(@TempDir Path dir) {
    try (Database db = StoreFixture.open(dir)) {
      Seed seed = new Seed(db);
      MonitorQueries q = new MonitorQueries(db);
      assertEquals(Optional.empty(), q.oldestWaiting(NOW));
      long waiting = seed.heldIssue("octo/a", 1, "waits", NOW.minusSeconds(900));
      seed.retryDueAt(waiting, NOW.plusSeconds(60));
      long done = seed.heldIssue("octo/a", 2, "older but done", NOW.minusSeconds(5000));
      seed.completed(done, NOW.minusSeconds(4000));
      assertEquals(Optional.of(Duration.ofSeconds(900)), q.oldestWaiting(NOW));
    }
  }

  @Test
  void bothFiguresReadIndexesNotTheTable(@TempDir Path dir) {
    try (Database db = StoreFixture.open(dir)) {
      StoreFixture.execute(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
          + " INSERT INTO webhook_events (delivery_id, event_type, repository, payload_json, status, created_at,"
          + " scheduled_at, completed_at) SELECT 'd' || i, 'issues', 'octo/r' || (i % 7), '{}',"
          + " CASE WHEN i % 100 = 0 THEN 'failed' WHEN i > 2990 THEN 'pending' ELSE 'completed' END, i, i, i FROM n");
      for (String when : List.of("before ANALYZE", "after ANALYZE")) {
        List<String> failed = db.read(c -> lastColumn(c, "EXPLAIN QUERY PLAN "
            + MonitorQueries.FAILED_SINCE_SQL.replace("?", "0")));
        assertTrue(failed.stream().anyMatch(l -> l.contains("idx_events_status_completed (status=? AND completed_at>?)")), when + ": " + failed);
        List<String> oldest = db.read(c -> lastColumn(c, "EXPLAIN QUERY PLAN " + MonitorQueries.OLDEST_WAITING_SQL));
        assertFalse(oldest.stream().anyMatch(l -> l.matches("SCAN webhook_events( .*)?") && !l.contains("INDEX")),
            when + ": " + oldest);
        StoreFixture.execute(db, "ANALYZE");
      }
      assertEquals(30, new MonitorQueries(db).failedSince(Instant.EPOCH));
    }
  }
}

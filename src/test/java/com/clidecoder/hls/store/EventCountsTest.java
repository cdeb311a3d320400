package com.clidecoder.hls.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.EventStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trigger-kept counters behind /stats (migration 007) against a fresh full count of the table,
 * after a random mix of inserts, status moves, retries, requeues, deletes and retention runs; and the
 * retention itself: only final rows past the cutoff go, with their analyses and actions.
 */
class EventCountsTest {
  private static final Instant NOW = Instant.parse("2025-03-04T12:00:00Z");
  private static final List<String> TYPES = List.of("issues", "pull_request", "workflow_run");

  @TempDir Path dir;
  private Database db;
  private int next;

  @BeforeEach
  void open() {
    db = StoreFixture.open(dir);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void countersEqualAFullCountAfterAMixedWorkloadAndAPurge() {
    Random random = new Random(42);
    EventStore events = new EventStore(db);
    for (int i = 0; i < 600; i++) {
      int pick = random.nextInt(10);
      long id = insert(TYPES.get(random.nextInt(TYPES.size())), "pending", -random.nextInt(200 * 86400));
      if (pick < 6) {
        StoreFixture.execute(db, "UPDATE webhook_events SET status = 'processing', started_at = ? WHERE id = ?",
            NOW.minusSeconds(random.nextInt(200 * 86400)).toEpochMilli(), id);
      }
      switch (pick) {
        case 0, 1 -> events.markCompleted(id, NOW.minusSeconds(random.nextInt(200 * 86400)));
        case 2 -> events.markFailed(id, "GitHub: 404", NOW.minusSeconds(random.nextInt(200 * 86400)));
        case 3 -> events.markSkipped(id, "bot sender", NOW.minusSeconds(random.nextInt(200 * 86400)));
        case 4 -> events.scheduleRetry(id, "Claude: 529", NOW);
        case 5 -> {
          events.markFailed(id, "x", NOW);
          events.requeue(id, NOW);
        }
        case 6 -> StoreFixture.execute(db, "DELETE FROM webhook_events WHERE id = ?", id);
        case 7 -> StoreFixture.execute(db, "UPDATE webhook_events SET event_type = 'issue_comment' WHERE id = ?", id);
        default -> { } // stays pending
      }
    }
    assertCountersMatchTheTable();

    long purged = new Retention(db).delete(Set.of(EventStatus.FAILED), NOW.minus(Duration.ofDays(30)), 7, (s, t) -> {});
    assertTrue(purged > 0, "some failed events were old enough");
    new Retention(db).run(NOW.minus(Duration.ofDays(90)), NOW);
    assertCountersMatchTheTable();

    QueueStats stats = new StatsStore(db).queueStats(NOW);
    Map<String, Long> fullByStatus = fullCount("status");
    assertEquals(fullByStatus.getOrDefault("completed", 0L), stats.byStatus().get("completed"));
    assertEquals(fullCount("event_type"), stats.byEventType());
    double avg = avgOf("SELECT AVG(completed_at - started_at) FROM webhook_events"
        + " WHERE status = 'completed' AND started_at IS NOT NULL") / 1000.0;
    assertEquals(avg, stats.averageProcessingTime(), 1e-6);
  }

  @Test
  void retentionDeletesOnlyFinalRowsOlderThanTheCutoffWithTheirChildren() {
    long oldDone = finished("completed", 100);
    long oldFailed = finished("failed", 100);
    long oldSkipped = finished("skipped", 100);
    long recentDone = finished("completed", 10);
    long oldPending = insert("issues", "pending", -100 * 86400L);
    long oldRetry = insert("issues", "retry", -100 * 86400L);
    long oldProcessing = insert("issues", "processing", -100 * 86400L);
    for (long id : List.of(oldDone, recentDone)) {
      StoreFixture.execute(db, "INSERT INTO claude_analyses (event_id, analysis_type, created_at) VALUES (?, 'triage', 0)", id);
      StoreFixture.execute(db, "INSERT INTO github_actions (event_id, kind, target, request_json, status, created_at,"
          + " updated_at) VALUES (?, 'label', 'o/r#1', '{}', 'done', 0, 0)", id);
    }
    Retention retention = new Retention(db);
    assertEquals(3, retention.count(Retention.FINAL, NOW.minus(Duration.ofDays(90))));

    assertEquals(3, retention.run(NOW.minus(Duration.ofDays(90)), NOW));

    assertEquals(List.of(recentDone, oldPending, oldRetry, oldProcessing), ids());
    assertEquals(1, StoreFixture.longValue(db, "SELECT COUNT(*) FROM claude_analyses"));
    assertEquals(1, StoreFixture.longValue(db, "SELECT COUNT(*) FROM github_actions"));
    assertEquals(recentDone, StoreFixture.longValue(db, "SELECT event_id FROM github_actions"));
    assertEquals(new Retention.LastRun(NOW, 3), retention.lastRun().orElseThrow());
    assertFalse(ids().contains(oldFailed) || ids().contains(oldSkipped));
  }

  @Test
  void statsQueriesUseIndexesAndCountersNotATableScan() throws Exception {
    try (Connection c = StoreFixture.raw(db.path())) {
      String plan = String.join("\n", StoreFixture.lastColumn(c,
          "EXPLAIN QUERY PLAN SELECT MIN(created_at) FROM " + StatsStore.WAITING_SINCE));
      assertTrue(plan.contains("idx_events_waiting_since"), plan);
      assertFalse(plan.contains("SCAN webhook_events\n") || plan.endsWith("SCAN webhook_events"), plan);
    }
  }

  private void assertCountersMatchTheTable() {
    Map<String, String> counted = new TreeMap<>();
    Map<String, String> full = new TreeMap<>();
    db.read(c -> {
      try (Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT status, event_type, events, timed_events, processing_ms"
            + " FROM event_counts WHERE events <> 0 OR timed_events <> 0 OR processing_ms <> 0")) {
          while (rs.next()) counted.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3) + " events, "
              + rs.getLong(4) + " timed, " + rs.getLong(5) + " ms");
        }
        try (ResultSet rs = s.executeQuery("SELECT status, event_type, COUNT(*), COUNT(completed_at - started_at),"
            + " COALESCE(SUM(completed_at - started_at), 0) FROM webhook_events GROUP BY status, event_type")) {
          while (rs.next()) full.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3) + " events, "
              + rs.getLong(4) + " timed, " + rs.getLong(5) + " ms");
        }
      }
      return null;
    });
    assertEquals(full, counted);
  }

  private Map<String, Long> fullCount(String column) {
    Map<String, Long> out = new TreeMap<>();
    db.read(c -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT " + column + ", COUNT(*) FROM webhook_events GROUP BY 1")) {
        while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
      }
      return null;
    });
    return out;
  }

  private double avgOf(String sql) {
    return db.read(c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        return rs.next() ? rs.getDouble(1) : 0.0;
      }
    });
  }

  private List<Long> ids() {
    return db.read(c -> {
      List<Long> out = new java.util.ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM webhook_events ORDER BY id")) {
        while (rs.next()) out.add(rs.getLong(1));
      }
      return out;
    });
  }

  private long finished(String status, int daysAgo) {
    long id = insert("issues", status, -(daysAgo + 1) * 86400L);
    StoreFixture.execute(db, "UPDATE webhook_events SET completed_at = ? WHERE id = ?",
        NOW.minus(Duration.ofDays(daysAgo)).toEpochMilli(), id);
    return id;
  }

  private long insert(String type, String status, long createdSecondsFromNow) {
    next++;
    long at = NOW.plusSeconds(createdSecondsFromNow).toEpochMilli();
    StoreFixture.execute(db, "INSERT INTO webhook_events (delivery_id, event_type, repository, payload_json, status,"
        + " created_at, scheduled_at) VALUES (?, ?, 'o/r', '{}', ?, ?, ?)", "d-" + next, type, status, at, at);
    return StoreFixture.longValue(db, "SELECT id FROM webhook_events WHERE delivery_id = ?", "d-" + next);
  }
}

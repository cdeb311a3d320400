package com.clidecoder.hls.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clidecoder.hls.domain.Analysis;
import com.clidecoder.hls.domain.AnalysisRecord;
import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.domain.Priority;
import java.util.List;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsStoreTest {
  private static final Instant NOW = Instant.parse("2025-03-04T12:00:00Z");

  @TempDir Path dir;
  private Database db;
  private StatsStore stats;
  private int next;

  @BeforeEach
  void open() {
    db = StoreFixture.open(dir);
    stats = new StatsStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void anEmptyQueueHasZeroFiguresAndEveryStatusListed() {
    QueueStats s = stats.queueStats(NOW);

    assertEquals(0, s.totalPending());
    assertEquals(0.0, s.successRate());
    assertEquals(0.0, s.averageProcessingTime());
    assertEquals(Optional.empty(), s.oldestPendingAgeSeconds());
    assertEquals(Arrays.stream(EventStatus.values()).map(e -> e.code).toList(), s.byStatus().keySet().stream().toList());
    s.byStatus().values().forEach(n -> assertEquals(0L, n));
    assertEquals(Map.of(), s.byEventType());
    assertEquals(new QueueStats.Today("2025-03-04", 0, 0, 0, 0.0), s.today());
  }

  @Test
  void figuresFollowTheSeededRows() {
    seed("issues", "pending", -100, null, null);
    seed("issues", "pending", -50, null, null);
    seed("pull_request", "retry", -300, null, null);
    seed("pull_request", "processing", -400, -10, null);
    seed("issues", "completed", -1000, -900, -898);
    seed("issues", "completed", -1000, -900, -896);
    seed("workflow_run", "completed", -1000, -900, -894);
    seed("workflow_run", "completed", -1000, null, -890); // finished before it was ever claimed: no duration
    seed("issues", "failed", -1000, -900, -100);
    seed("pull_request_review", "skipped", -1000, null, -999);
    db.transaction(c -> {
      DailyStats.add(c, NOW, 10, 2, 3, 0.25);
      DailyStats.add(c, NOW.minusSeconds(86_400), 99, 99, 99, 99.0);
      return null;
    });

    QueueStats s = stats.queueStats(NOW);

    assertEquals(3, s.totalPending(), "pending + retry");
    assertEquals(0.8, s.successRate(), 1e-9, "4 completed / (4 completed + 1 failed); skipped does not count");
    assertEquals(4.0, s.averageProcessingTime(), 1e-9, "2 s, 4 s and 6 s");
    assertEquals(Optional.of(300L), s.oldestPendingAgeSeconds(), "the retry row is the oldest waiting");
    Map<String, Long> byStatus = new LinkedHashMap<>();
    byStatus.put("pending", 2L);
    byStatus.put("processing", 1L);
    byStatus.put("retry", 1L);
    byStatus.put("completed", 4L);
    byStatus.put("failed", 1L);
    byStatus.put("skipped", 1L);
    assertEquals(byStatus, s.byStatus());
    assertEquals(Map.of("issues", 5L, "pull_request", 2L, "pull_request_review", 1L, "workflow_run", 2L), s.byEventType());
    assertEquals(new QueueStats.Today("2025-03-04", 10, 2, 3, 0.25), s.today());
    assertEquals(0.25, stats.spentToday(NOW), 1e-9);
    assertEquals(99.0, stats.spentToday(NOW.minusSeconds(86_400)), 1e-9);
  }

  @Test
  void todaysClaudeAnalysesCountClaudesAnswersNotTheOfflineAnalysts() {
    seed("issues", "processing", -10, -5, null);
    seed("issues", "processing", -10, -5, null);
    AnalysisStore analyses = new AnalysisStore(db);
    Analysis a = new Analysis("A crash", List.of("bug"), "Thanks", Priority.MEDIUM, 0.9);
    analyses.insert(1, new AnalysisRecord(AnalysisRecord.OFFLINE, "triage", "issues", "p", "{}", 0, 0, 0.0, 1, a),
        Optional.empty(), NOW);
    analyses.insert(2, new AnalysisRecord(AnalysisRecord.ANTHROPIC, "claude", "issues", "p", "{}", 100, 50, 0.002, 9, a),
        Optional.empty(), NOW);

    QueueStats.Today today = stats.queueStats(NOW).today();

    assertEquals(1, today.claudeAnalyses(), "the offline analysis is stored but is not a Claude analysis");
    assertEquals(0.002, today.totalCostUsd(), 1e-9);
    assertEquals(2, StoreFixture.longValue(db, "SELECT COUNT(*) FROM claude_analyses"));
  }

  /** One row; times are seconds relative to NOW, null when unset. */
  private void seed(String type, String status, long created, Integer started, Integer completed) {
    next++;
    StoreFixture.execute(db,
        "INSERT INTO webhook_events (delivery_id, event_type, repository, payload_json, status, created_at,"
            + " scheduled_at, started_at, completed_at) VALUES (?, ?, 'o/r', '{}', ?, ?, ?, ?, ?)",
        "d-" + next, type, status, at(created), at(created), started == null ? null : at(started),
        completed == null ? null : at(completed));
  }

  private static long at(long secondsFromNow) {
    return NOW.plusSeconds(secondsFromNow).toEpochMilli();
  }
}

package com.clidecoder.hls.store;

import com.clidecoder.hls.domain.EventStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Aggregate queries over the queue and {@code daily_stats}. All calls block. */
public final class StatsStore {
  private final Database db;

  public StatsStore(Database db) {
    this.db = db;
  }

  /**
   * The /stats figures from {@code event_counts} (kept by triggers, migration 007) and the partial index
   * of waiting rows: a few rows read whatever the size of webhook_events.
   */
  public QueueStats queueStats(Instant now) {
    return db.read(c -> {
      Map<String, Long> byStatus = new LinkedHashMap<>();
      for (EventStatus s : EventStatus.values()) byStatus.put(s.code, 0L);
      Map<String, Long> byType = new TreeMap<>();
      long timed = 0;
      long processingMs = 0;
      try (Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery(
            "SELECT status, event_type, events, timed_events, processing_ms FROM event_counts WHERE events > 0")) {
          while (rs.next()) {
            byStatus.merge(rs.getString(1), rs.getLong(3), Long::sum);
            byType.merge(rs.getString(2), rs.getLong(3), Long::sum);
            if (EventStatus.COMPLETED.code.equals(rs.getString(1))) {
              timed += rs.getLong(4);
              processingMs += rs.getLong(5);
            }
          }
        }
        double avg = timed == 0 ? 0.0 : processingMs / (double) timed / 1000.0;
        Optional<Long> oldest;
        try (ResultSet rs = s.executeQuery("SELECT MIN(created_at) FROM " + WAITING_SINCE)) {
          long min = rs.next() ? rs.getLong(1) : 0;
          oldest = rs.wasNull() || min == 0
              ? Optional.empty()
              : Optional.of(Math.max(0, (now.toEpochMilli() - min) / 1000));
        }
        long completed = byStatus.get(EventStatus.COMPLETED.code);
        long failed = byStatus.get(EventStatus.FAILED.code);
        double rate = completed + failed == 0 ? 0.0 : (double) completed / (completed + failed);
        long pending = byStatus.get(EventStatus.PENDING.code) + byStatus.get(EventStatus.RETRY.code);
        return new QueueStats(pending, rate, avg, byStatus, byType, oldest, today(c, now));
      }
    });
  }

  /** Waiting rows through their partial index on created_at (named, so a plan change cannot bring back the scan). */
  static final String WAITING_SINCE =
      "webhook_events INDEXED BY idx_events_waiting_since WHERE status IN ('pending', 'retry')";

  /** Claude's analyses that had a classifier hint: how many, and how many agreed with it. */
  public record TriageComparison(long compared, long agreed) {
    public long disagreed() {
      return compared - agreed;
    }
  }

  public TriageComparison triageComparison() {
    return db.read(c -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(hint_agrees), 0) FROM claude_analyses"
              + " WHERE provider = 'anthropic' AND hint_agrees IS NOT NULL")) {
        rs.next();
        return new TriageComparison(rs.getLong(1), rs.getLong(2));
      }
    });
  }

  /** Bytes on disk: the database file plus its write-ahead log (the WAL can grow large between checkpoints). */
  public long databaseSizeBytes() {
    return sizeOf(db.path()) + sizeOf(db.path().resolveSibling(db.path().getFileName() + "-wal"));
  }

  private static long sizeOf(java.nio.file.Path file) {
    try {
      return java.nio.file.Files.size(file);
    } catch (java.io.IOException e) {
      return 0; // no WAL right after a checkpoint that truncated it
    }
  }

  /** Spend recorded for the UTC day of {@code now}: what the daily budget is checked against. */
  public double spentToday(Instant now) {
    return db.read(c -> today(c, now).totalCostUsd());
  }

  private static QueueStats.Today today(java.sql.Connection c, Instant now) throws java.sql.SQLException {
    String day = EventStore.day(now);
    try (PreparedStatement s = c.prepareStatement(
        "SELECT webhooks_received, claude_analyses, github_actions, total_cost_usd FROM daily_stats WHERE date = ?")) {
      s.setString(1, day);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) return new QueueStats.Today(day, 0, 0, 0, 0.0);
        return new QueueStats.Today(day, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getDouble(4));
      }
    }
  }
}

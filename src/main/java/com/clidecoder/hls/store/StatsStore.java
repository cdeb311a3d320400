package com.clidecoder.hls.store;

import com.clidecoder.hls.domain.EventStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Aggregate queries over the queue and {@code daily_stats}. All calls block. */
public final class StatsStore {
  private final Database db;

  public StatsStore(Database db) {
    this.db = db;
  }

  public QueueStats queueStats(Instant now) {
    return db.read(c -> {
      Map<String, Long> byStatus = new LinkedHashMap<>();
      for (EventStatus s : EventStatus.values()) byStatus.put(s.code, 0L);
      Map<String, Long> byType = new LinkedHashMap<>();
      try (Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM webhook_events GROUP BY status")) {
          while (rs.next()) byStatus.put(rs.getString(1), rs.getLong(2));
        }
        try (ResultSet rs = s.executeQuery(
            "SELECT event_type, COUNT(*) FROM webhook_events GROUP BY event_type ORDER BY event_type")) {
          while (rs.next()) byType.put(rs.getString(1), rs.getLong(2));
        }
        double avg;
        try (ResultSet rs = s.executeQuery(
            "SELECT AVG(completed_at - started_at) FROM webhook_events"
                + " WHERE status = 'completed' AND started_at IS NOT NULL")) {
          avg = rs.next() ? rs.getDouble(1) / 1000.0 : 0.0;
        }
        Optional<Long> oldest;
        try (ResultSet rs = s.executeQuery(
            "SELECT MIN(created_at) FROM webhook_events WHERE status IN ('pending', 'retry')")) {
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

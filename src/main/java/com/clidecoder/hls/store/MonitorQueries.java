package com.clidecoder.hls.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@code bin/hls monitor} asks of the queue through {@code /health}: how many events failed in a
 * recent window, and how long the oldest waiting event has waited. Both read indexes (failed rows
 * by {@code completed_at}, waiting rows), so they stay cheap however large the history grows. All calls block.
 */
public final class MonitorQueries {
  static final String FAILED_SINCE_SQL =
      "SELECT COUNT(*) FROM webhook_events WHERE status = 'failed' AND completed_at >= ?";
  static final String OLDEST_WAITING_SQL =
      "SELECT MIN(created_at) FROM webhook_events WHERE status IN ('pending', 'retry')";

  private final Database db;

  public MonitorQueries(Database db) {
    this.db = db;
  }

  /** Events whose last attempt failed at or after {@code since} (a requeued event no longer counts). */
  public long failedSince(Instant since) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(FAILED_SINCE_SQL)) {
        s.setLong(1, since.toEpochMilli());
        try (ResultSet rs = s.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      }
    });
  }

  /** How long the oldest pending or retrying event has waited since it arrived; empty when none waits. */
  public Optional<Duration> oldestWaiting(Instant now) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(OLDEST_WAITING_SQL);
          ResultSet rs = s.executeQuery()) {
        long min = rs.next() ? rs.getLong(1) : 0;
        return rs.wasNull() || min == 0
            ? Optional.<Duration>empty()
            : Optional.of(Duration.ofMillis(Math.max(0, now.toEpochMilli() - min)));
      }
    });
  }
}

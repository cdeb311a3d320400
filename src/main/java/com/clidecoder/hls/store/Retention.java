package com.clidecoder.hls.store;

import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.store.EventViews.PurgeProgress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Deletes final events (completed, failed, skipped) older than a cutoff with their analyses and
 * actions, oldest first, a small batch per transaction so the intake's writer waits at most one batch.
 * The event_counts triggers follow every delete, so /stats stays right; {@code daily_stats} is kept.
 * Used by the service's daily run ({@code hls.database.retention}) and by {@code bin/hls purge}.
 */
public final class Retention {
  /** Statuses an event never leaves by itself: the only ones retention may delete. */
  public static final Set<EventStatus> FINAL = Set.of(EventStatus.COMPLETED, EventStatus.FAILED, EventStatus.SKIPPED);
  public static final int BATCH = 500;

  /** The last run recorded in the file: when, and how many events it deleted. */
  public record LastRun(Instant at, long deleted) {}

  // The first term repeats the partial index's WHERE word for word, as SQLite needs to use it.
  static final String FINAL_OLDER = "webhook_events INDEXED BY idx_events_final_age"
      + " WHERE status IN ('completed', 'failed', 'skipped') AND COALESCE(completed_at, created_at) < ?";

  private final Database db;
  private final PayloadTrim payloads;

  public Retention(Database db) {
    this.db = db;
    this.payloads = new PayloadTrim(db);
  }

  /** The first stage: trims the payloads of completed and skipped events finished before {@code cutoff}. */
  public long trimPayloads(Instant cutoff, Instant now) {
    return payloads.run(cutoff, now);
  }

  public Optional<PayloadTrim.LastRun> lastPayloadTrim() {
    return payloads.lastRun();
  }

  /** Events in {@code statuses} (final ones only) that finished, or lacking that arrived, before {@code cutoff}. */
  public long count(Set<EventStatus> statuses, Instant cutoff) {
    String in = inList(statuses);
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT COUNT(*) FROM " + FINAL_OLDER + " AND status IN " + in)) {
        s.setLong(1, cutoff.toEpochMilli());
        try (ResultSet rs = s.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      }
    });
  }

  /** Deletes what {@link #count} counts, {@code batchSize} events per transaction; returns how many went. */
  public long delete(Set<EventStatus> statuses, Instant cutoff, int batchSize, PurgeProgress progress) {
    long total = count(statuses, cutoff);
    long deleted = 0;
    progress.deleted(0, total);
    while (true) {
      int n = db.transaction(c -> deleteBatch(c, statuses, cutoff, batchSize));
      if (n == 0) break;
      deleted += n;
      progress.deleted(deleted, Math.max(total, deleted));
    }
    return deleted;
  }

  /** The service's daily run: every final status before {@code cutoff}, recorded as the last run. */
  public long run(Instant cutoff, Instant now) {
    long deleted = delete(FINAL, cutoff, BATCH, (soFar, total) -> {});
    record(now, deleted);
    return deleted;
  }

  /** Keeps {@code now} and {@code deleted} as the last purge (the daily run's or bin/hls purge's), for /metrics. */
  public void record(Instant now, long deleted) {
    db.transaction(c -> EventStore.executeUpdate(c,
        "INSERT INTO retention_runs (id, ran_at, deleted) VALUES (1, ?, ?)"
            + " ON CONFLICT (id) DO UPDATE SET ran_at = excluded.ran_at, deleted = excluded.deleted",
        now.toEpochMilli(), deleted));
  }

  public Optional<LastRun> lastRun() {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT ran_at, deleted FROM retention_runs WHERE id = 1");
          ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(new LastRun(Instant.ofEpochMilli(rs.getLong(1)), rs.getLong(2))) : Optional.empty();
      }
    });
  }

  private static int deleteBatch(Connection c, Set<EventStatus> statuses, Instant cutoff, int batchSize)
      throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT id FROM " + FINAL_OLDER + " AND status IN " + inList(statuses)
        + " ORDER BY COALESCE(completed_at, created_at) LIMIT ?")) {
      s.setLong(1, cutoff.toEpochMilli());
      s.setInt(2, batchSize);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) ids.add(rs.getLong(1));
      }
    }
    if (ids.isEmpty()) return 0;
    String in = placeholders(ids.size());
    Object[] params = ids.toArray();
    // Children first: the foreign keys cascade too, but saying it keeps the purge correct on a
    // connection where foreign keys were left off.
    EventStore.executeUpdate(c, "DELETE FROM github_actions WHERE event_id IN " + in, params);
    EventStore.executeUpdate(c, "DELETE FROM claude_analyses WHERE event_id IN " + in, params);
    return EventStore.executeUpdate(c, "DELETE FROM webhook_events WHERE id IN " + in, params);
  }

  /** {@code (?, ?, ...)} for {@code n} parameters, n at least 1. */
  static String placeholders(int n) {
    return "(" + "?,".repeat(n - 1) + "?)";
  }

  /** A SQL list of status codes; the codes are the enum's own constants, never user text. */
  private static String inList(Set<EventStatus> statuses) {
    if (statuses.isEmpty() || !FINAL.containsAll(statuses)) {
      throw new IllegalArgumentException("retention deletes only final statuses, not " + statuses);
    }
    return "(" + String.join(", ", statuses.stream().map(s -> "'" + s.code + "'").sorted().toList()) + ")";
  }
}

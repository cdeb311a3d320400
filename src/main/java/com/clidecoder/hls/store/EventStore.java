package com.clidecoder.hls.store;

import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.domain.NewDelivery;
import com.clidecoder.hls.domain.QueuedEvent;
import com.clidecoder.hls.domain.StoredDelivery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The queue of webhook events: storing deliveries, claiming due work, and recording how it ended. All calls block. */
public final class EventStore {
  private static final Logger log = LoggerFactory.getLogger(EventStore.class);
  private static final String EVENT_COLUMNS =
      "id, delivery_id, event_type, repository, action, payload_json, retry_count, priority, created_at";
  private static final String WAITING = "webhook_events INDEXED BY idx_events_waiting WHERE status IN ('pending', 'retry')";
  /**
   * Each repository's oldest waiting event (the only one of that repository that may be claimed) with
   * its priority and due time. A loose index scan of the partial index idx_events_waiting: the
   * recursive part hops from one repository to the next (one seek each), then one seek per repository
   * finds its head, and the index carries priority and scheduled_at, so the cost grows with the number
   * of waiting repositories, not waiting rows, and no payload is read. The plain
   * {@code MIN(id) ... GROUP BY repository} read every waiting row inside the claim's write
   * transaction: 116 ms at 100,000 pending, holding up intake commits (docs/benchmarks.md).
   * INDEXED BY because the planner, without statistics, prefers idx_events_status_scheduled and sorts;
   * CROSS JOIN because it otherwise may scan the whole index and probe repos with a bloom filter.
   */
  private static final String HEADS =
      "WITH RECURSIVE repos(name) AS ("
          + "SELECT (SELECT repository FROM " + WAITING + " ORDER BY repository LIMIT 1)"
          + " UNION ALL SELECT (SELECT repository FROM " + WAITING + " AND repository > repos.name"
          + " ORDER BY repository LIMIT 1) FROM repos WHERE repos.name IS NOT NULL)"
          + " SELECT h.id, h.repository, h.priority, h.scheduled_at"
          + " FROM repos CROSS JOIN webhook_events h INDEXED BY idx_events_waiting" // CROSS JOIN: repos drives the loop
          + " ON h.repository = repos.name AND h.id = (SELECT MIN(id) FROM " + WAITING + " AND repository = repos.name)"
          + " WHERE repos.name IS NOT NULL AND h.status IN ('pending', 'retry')";
  /** The heads that are due, highest priority first; package-private so a test can check its query plan. */
  static final String CLAIM_HEADS_SQL = HEADS + " AND h.scheduled_at <= ? ORDER BY h.priority DESC, h.id";
  /** The earliest due time of any head; package-private so a test can check its query plan. */
  static final String NEXT_DUE_SQL = "SELECT MIN(scheduled_at) FROM (" + HEADS + ")";
  /** The events being worked on (a handful); package-private so a test can check its query plan. */
  static final String PROCESSING_SQL = "SELECT id, repository, lease_expires_at FROM webhook_events WHERE status = 'processing'";
  /** Back to the queue, a retry if it had failed before; callers add which rows. */
  private static final String RELEASE_LEASES =
      "UPDATE webhook_events SET status = CASE WHEN retry_count > 0 THEN 'retry' ELSE 'pending' END,"
          + " lease_owner = NULL, lease_expires_at = NULL WHERE status = 'processing'";
  private static final Instant MAX_MILLIS = Instant.ofEpochMilli(Long.MAX_VALUE);
  private static final Instant MIN_MILLIS = Instant.ofEpochMilli(Long.MIN_VALUE);

  private final Database db;

  static final String SKIPPED_PREFIX = "skipped: ";

  public EventStore(Database db) {
    this.db = db;
  }

  /**
   * Stores deliveries in one transaction (group commit); a delivery id seen before is reported as a
   * duplicate of its existing row. Returns one result per input, in order, once committed.
   */
  public List<StoredDelivery> insertBatch(List<NewDelivery> deliveries, Instant now) {
    return db.transaction(c -> {
      List<StoredDelivery> results = new ArrayList<>(deliveries.size());
      int inserted = 0;
      try (PreparedStatement insert = c.prepareStatement(
              "INSERT INTO webhook_events (delivery_id, event_type, repository, action, payload_json, signature,"
                  + " status, priority, created_at, scheduled_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)"
                  + " ON CONFLICT (delivery_id) DO NOTHING RETURNING id");
          PreparedStatement existing = c.prepareStatement("SELECT id FROM webhook_events WHERE delivery_id = ?")) {
        for (NewDelivery d : deliveries) {
          insert.setString(1, d.deliveryId());
          insert.setString(2, d.eventType());
          insert.setString(3, d.repository());
          insert.setString(4, d.action());
          insert.setString(5, d.payloadJson());
          insert.setString(6, d.signature());
          insert.setInt(7, d.priority());
          insert.setLong(8, now.toEpochMilli());
          insert.setLong(9, now.toEpochMilli());
          try (ResultSet rs = insert.executeQuery()) {
            if (rs.next()) {
              results.add(new StoredDelivery.Queued(rs.getLong(1)));
              inserted++;
              continue;
            }
          }
          existing.setString(1, d.deliveryId());
          try (ResultSet rs = existing.executeQuery()) {
            rs.next();
            results.add(new StoredDelivery.Duplicate(rs.getLong(1)));
          }
        }
      }
      if (inserted > 0) DailyStats.add(c, now, inserted, 0, 0, 0.0);
      return results;
    });
  }

  /**
   * Claims the oldest waiting event of each repository that is due and not busy, up to {@code limit},
   * highest priority first: one event per repository keeps each repository in id order, and a
   * repository whose head is waiting for a retry holds its later events back.
   */
  public List<QueuedEvent> claimHeads(
      int limit, Collection<String> busyRepositories, Instant now, String owner, Instant leaseUntil) {
    if (limit <= 0) return List.of();
    return db.transaction(c -> {
      Set<String> busy = new HashSet<>(busyRepositories);
      int orphans = releaseOrphans(c, now, busy);
      if (orphans > 0) log.warn("event=orphans_released count={} (claimed, never worked on, lease over)", orphans);
      List<Long> chosen = new ArrayList<>();
      try (PreparedStatement heads = c.prepareStatement(CLAIM_HEADS_SQL)) {
        heads.setLong(1, now.toEpochMilli());
        try (ResultSet rs = heads.executeQuery()) {
          while (rs.next() && chosen.size() < limit) {
            if (!busy.contains(rs.getString(2))) chosen.add(rs.getLong(1));
          }
        }
      }
      // Only the chosen rows are read whole (payloads can be megabytes) and marked.
      List<QueuedEvent> claimed = new ArrayList<>(chosen.size());
      try (PreparedStatement read = c.prepareStatement("SELECT " + EVENT_COLUMNS + " FROM webhook_events WHERE id = ?");
          PreparedStatement mark = c.prepareStatement(
              "UPDATE webhook_events SET status = 'processing', started_at = ?, lease_owner = ?,"
                  + " lease_expires_at = ? WHERE id = ? AND status IN ('pending', 'retry')")) {
        for (long id : chosen) {
          read.setLong(1, id);
          try (ResultSet rs = read.executeQuery()) {
            if (rs.next()) claimed.add(queuedEvent(rs));
          }
          mark.setLong(1, now.toEpochMilli());
          mark.setString(2, owner);
          mark.setLong(3, millis(leaseUntil));
          mark.setLong(4, id);
          mark.executeUpdate();
        }
      }
      return claimed;
    });
  }

  /**
   * Within the claim: an event left 'processing' keeps its repository busy (nothing of that repository
   * overtakes it), until its lease is over while the supervisor has no worker on the repository. Then it
   * was claimed but never worked on (the claim's answer lost to a failure after its COMMIT, say), and it
   * goes back to the queue as its repository's head, instead of waiting for the next start. A repository
   * the supervisor reports busy keeps its events however long its worker takes. Adds the repositories
   * still holding a 'processing' event to {@code busy}; returns how many events went back.
   */
  private static int releaseOrphans(Connection c, Instant now, Set<String> busy) throws SQLException {
    List<Long> orphans = new ArrayList<>();
    Set<String> held = new HashSet<>();
    try (PreparedStatement s = c.prepareStatement(PROCESSING_SQL)) {
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long expires = rs.getLong(3);
          // No lease at all: left by a process that did not lease (the Python workers' file), so nobody's.
          boolean orphan = (rs.wasNull() || expires <= millis(now)) && !busy.contains(rs.getString(2));
          if (orphan) orphans.add(rs.getLong(1));
          else held.add(rs.getString(2));
        }
      }
    }
    busy.addAll(held);
    int released = 0;
    try (PreparedStatement s = c.prepareStatement(RELEASE_LEASES + " AND id = ?")) {
      for (long id : orphans) {
        s.setLong(1, id);
        released += s.executeUpdate();
      }
    }
    return released;
  }

  /**
   * Returns events left {@code processing} whose lease ran out, or that have none (rows the old workers
   * left mid-work), to the queue; all of them with {@code Instant.MAX}.
   */
  public int releaseExpiredLeases(Instant now) {
    return db.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          RELEASE_LEASES + " AND (lease_expires_at IS NULL OR lease_expires_at <= ?)")) {
        s.setLong(1, millis(now));
        return s.executeUpdate();
      }
    });
  }

  /** Returns one claimed event to the queue untouched (shutdown, analysis paused): not a failed attempt. */
  public void release(long id, Instant scheduledAt) {
    update("UPDATE webhook_events SET status = CASE WHEN retry_count > 0 THEN 'retry' ELSE 'pending' END,"
        + " scheduled_at = ?, lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND status = 'processing'",
        scheduledAt.toEpochMilli(), id);
  }

  public void markCompleted(long id, Instant now) {
    finish(id, EventStatus.COMPLETED, null, now);
  }

  /** Stored as {@code skipped: <reason>}: a skip is a decision, not an error, and reads as one. */
  public void markSkipped(long id, String reason, Instant now) {
    finish(id, EventStatus.SKIPPED, SKIPPED_PREFIX + reason, now);
  }

  public void markFailed(long id, String error, Instant now) {
    finish(id, EventStatus.FAILED, error, now);
  }

  /** Records a failed attempt and schedules the next one. */
  public void scheduleRetry(long id, String error, Instant at) {
    update("UPDATE webhook_events SET status = 'retry', retry_count = retry_count + 1, scheduled_at = ?,"
        + " error_message = ?, lease_owner = NULL, lease_expires_at = NULL WHERE id = ?",
        at.toEpochMilli(), error, id);
  }

  /** Puts a failed event back in the queue, due now, with a fresh retry count. */
  public boolean requeue(long id, Instant now) {
    return update("UPDATE webhook_events SET status = 'pending', retry_count = 0, scheduled_at = ?,"
        + " completed_at = NULL, error_message = NULL WHERE id = ? AND status = 'failed'", now.toEpochMilli(), id) > 0;
  }

  public int requeueAllFailed(Instant now) {
    return update("UPDATE webhook_events SET status = 'pending', retry_count = 0, scheduled_at = ?,"
        + " completed_at = NULL, error_message = NULL WHERE status = 'failed'", now.toEpochMilli());
  }

  /**
   * The earliest time a repository's head becomes due, if any (lets the supervisor sleep until then).
   * Only heads count: the later events of a repository whose head waits for a retry are not due before it.
   */
  public Optional<Instant> nextDue() {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(NEXT_DUE_SQL);
          ResultSet rs = s.executeQuery()) {
        long v = rs.next() ? rs.getLong(1) : 0;
        return rs.wasNull() || v == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
      }
    });
  }

  public Optional<QueuedEvent> find(long id) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + EVENT_COLUMNS + " FROM webhook_events WHERE id = ?")) {
        s.setLong(1, id);
        try (ResultSet rs = s.executeQuery()) {
          return rs.next() ? Optional.of(queuedEvent(rs)) : Optional.empty();
        }
      }
    });
  }

  public Optional<EventStatus> statusOf(long id) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT status FROM webhook_events WHERE id = ?")) {
        s.setLong(1, id);
        try (ResultSet rs = s.executeQuery()) {
          return rs.next() ? EventStatus.fromCode(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }

  private void finish(long id, EventStatus status, String message, Instant now) {
    update("UPDATE webhook_events SET status = ?, completed_at = ?, error_message = ?, lease_owner = NULL,"
        + " lease_expires_at = NULL WHERE id = ?", status.code, now.toEpochMilli(), message, id);
  }

  private int update(String sql, Object... params) {
    return db.transaction(c -> executeUpdate(c, sql, params));
  }

  static int executeUpdate(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) s.setObject(i + 1, params[i]);
      return s.executeUpdate();
    }
  }

  private static QueuedEvent queuedEvent(ResultSet rs) throws SQLException {
    return new QueuedEvent(
        rs.getLong("id"),
        rs.getString("delivery_id"),
        rs.getString("event_type"),
        rs.getString("repository"),
        rs.getString("action"),
        rs.getString("payload_json"),
        rs.getInt("retry_count"),
        rs.getInt("priority"),
        Instant.ofEpochMilli(rs.getLong("created_at")));
  }

  /** Epoch millis, saturated: {@code Instant.MAX} ("everything") does not fit a long. */
  static long millis(Instant t) {
    if (t.isAfter(MAX_MILLIS)) return Long.MAX_VALUE;
    if (t.isBefore(MIN_MILLIS)) return Long.MIN_VALUE;
    return t.toEpochMilli();
  }

  static String day(Instant now) {
    return now.atZone(ZoneOffset.UTC).toLocalDate().toString();
  }
}

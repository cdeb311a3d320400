package com.clidecoder.hls.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** What the reconciler needs from the database: which guids HLS saw, and which it already asked again. */
public final class ReconcileStore {
  private final Database db;

  public ReconcileStore(Database db) {
    this.db = db;
  }

  /** Records a guid the intake answered without storing an event (ignored); a second call keeps the first. */
  public void recordSeen(String guid, String answer, Instant now) {
    recordSeen(java.util.List.of(guid), answer, now);
  }

  /** Records several such guids in one transaction (the intake hands them over in batches). */
  public void recordSeen(Collection<String> guids, String answer, Instant now) {
    db.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO seen_deliveries (guid, answer, seen_at) VALUES (?, ?, ?) ON CONFLICT (guid) DO NOTHING")) {
        for (String guid : guids) {
          s.setString(1, guid);
          s.setString(2, answer);
          s.setLong(3, now.toEpochMilli());
          s.addBatch();
        }
        s.executeBatch();
      }
      return null;
    });
  }

  /** Forgets seen and asked guids older than {@code cutoff} (GitHub lists deliveries for days, not months). */
  public int prune(Instant cutoff) {
    return db.transaction(c -> EventStore.executeUpdate(c, "DELETE FROM seen_deliveries WHERE seen_at < ?", cutoff.toEpochMilli())
        + EventStore.executeUpdate(c, "DELETE FROM redelivery_requests WHERE asked_at < ?", cutoff.toEpochMilli()));
  }

  /** Redeliveries asked so far (kept for the pruning window): {@code /stats} and {@code /metrics}. */
  public long askedCount() {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM redelivery_requests");
          ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  /** The subset of {@code guids} HLS stored as an event, saw at intake, or already asked a redelivery for. */
  public Set<String> known(Collection<String> guids) {
    return db.read(c -> {
      Set<String> known = new HashSet<>();
      try (PreparedStatement events = c.prepareStatement("SELECT 1 FROM webhook_events WHERE delivery_id = ?");
          PreparedStatement seen = c.prepareStatement("SELECT 1 FROM seen_deliveries WHERE guid = ?");
          PreparedStatement asked = c.prepareStatement("SELECT 1 FROM redelivery_requests WHERE guid = ?")) {
        for (String guid : guids) {
          if (exists(events, guid) || exists(seen, guid) || exists(asked, guid)) known.add(guid);
        }
      }
      return known;
    });
  }

  /** Records that a redelivery was asked for {@code guid}; false when one was already recorded. */
  public boolean recordAsked(String guid, long deliveryId, Instant now) {
    return db.transaction(c -> EventStore.executeUpdate(c,
        "INSERT INTO redelivery_requests (guid, delivery_id, asked_at) VALUES (?, ?, ?) ON CONFLICT (guid) DO NOTHING",
        guid, deliveryId, now.toEpochMilli()) == 1);
  }

  private static boolean exists(PreparedStatement s, String guid) throws java.sql.SQLException {
    s.setString(1, guid);
    try (ResultSet rs = s.executeQuery()) {
      return rs.next();
    }
  }
}
